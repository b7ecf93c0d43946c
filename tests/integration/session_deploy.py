"""The session's deployment, run in a process of its own while the other tests run (tests/conftest.py starts it).

`deploy`: the child applies the stacks the collected tests deploy (bootstrap first, then the others side by side:
tools.deploy.deploy_stacks, outputs to cfn-outputs/flat-outputs.json as ever), then plans every stack that applied,
side by side, after all of them applied (the "second plan": no changes expected; tools.deploy.plan_stacks), and
writes every result to a JSON file the parent reads when a test first needs a stack. `destroy`: the child destroys
the stacks (tools.deploy.destroy, side by side; the outputs file is left as it is) while later tests run.

A process, not a thread: its progress lines go to its own log (reports/session-deploy.log; with STACK_LOGS_DIR set,
as in the gate's runs beside the main one, that folder's session-deploy.log), never into a test's
captured output, and no test's monkeypatching reaches it. SIGINT/SIGTERM are forwarded once to its running
Terraforms (tools.parallel.forwarding_signals), which write state and release their locks.

    python -m tests.integration.session_deploy <request.json> <result.json>
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from tools.parallel import REPORTS
from tools.terraform import ROOT

LOG = REPORTS / "session-deploy.log"


@dataclass(frozen=True)
class Request:
    """What the child deploys and where."""

    outdir: Path
    names: tuple[str, ...]
    target: str
    env: dict[str, str]
    bootstrap_state_dir: Path | None
    outputs_file: Path
    command: str = "deploy"  # or "destroy"

    def dump(self, path: Path) -> None:
        """Write the request as JSON."""
        data = {
            "outdir": str(self.outdir),
            "names": list(self.names),
            "target": self.target,
            "env": self.env,
            "bootstrap_state_dir": str(self.bootstrap_state_dir) if self.bootstrap_state_dir else None,
            "outputs_file": str(self.outputs_file),
            "command": self.command,
        }
        path.write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Request:
        """Read a request written by `dump`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        state = data["bootstrap_state_dir"]
        return cls(
            Path(data["outdir"]),
            tuple(data["names"]),
            data["target"],
            dict(data["env"]),
            Path(state) if state else None,
            Path(data["outputs_file"]),
            data["command"],
        )


def run(request: Request) -> dict[str, Any]:
    """deploy: {"deployed": {stack: result}, "planned": {stack: result}} (what applied is planned once all did);
    destroy: {"destroyed": {stack: result}}. Each result {"status", "summary", "error", "value"} as
    tools.parallel.Result has them."""
    # pylint: disable=import-outside-toplevel  # the parent imports this module for Request only
    from tools.deploy import deploy_stacks, destroy, plan_stacks, stack_refs
    from tools.parallel import Result, forwarding_signals, run_all
    from tools.targets import Target

    def plain(result: Result) -> dict[str, Any]:
        return {"status": result.status, "summary": result.summary, "error": result.error, "value": result.value}

    target = Target(request.target, request.env, request.bootstrap_state_dir)
    refs = stack_refs(request.outdir, request.names)
    with forwarding_signals() as stop:
        if request.command == "destroy":
            destroyed = run_all(
                refs,
                lambda ref: (destroy(ref, target), None),
                name=lambda r: r.name,
                jobs=len(refs),
                stop=stop,
                verb="destroying",
            )
            return {"destroyed": {r.name: plain(r) for r in destroyed}}
        deployed, _ = deploy_stacks(refs, target, stop=stop, outputs_file=request.outputs_file)
        applied = {r.name for r in deployed if r.status == "ok"}
        planned = [] if stop else plan_stacks([r for r in refs if r.name in applied], target, stop=stop)
    return {"deployed": {r.name: plain(r) for r in deployed}, "planned": {r.name: plain(r) for r in planned}}


class Background:
    """The child process, started by the parent; `results()` waits for it (once) and returns what it wrote."""

    def __init__(self, request: Request, folder: Path, log: Path = LOG) -> None:
        self.names, self.command = set(request.names), request.command
        self.result_file, self.log = folder / "result.json", log
        request.dump(folder / "request.json")
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(  # pylint: disable=consider-using-with  # waited for in results()/stop()
                [sys.executable, "-m", "tests.integration.session_deploy", str(folder / "request.json")]
                + [str(self.result_file)],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self._results: dict[str, Any] | None = None

    def results(self) -> dict[str, Any]:
        """Wait for the child; its results, or, when it died without writing them, every stack failed with the
        reason and the tail of its log."""
        if self._results is None:
            code = self.proc.wait()
            if code == 0 and self.result_file.exists():
                self._results = json.loads(self.result_file.read_text(encoding="utf-8"))
            else:
                tail = "\n".join(self.log.read_text(encoding="utf-8").splitlines()[-15:])
                why = f"the session's {self.command} process exited {code} (log: {self.log}):\n{tail}"
                failed = {"status": "failed", "summary": "", "error": why, "value": None}
                every = {n: failed for n in self.names}
                self._results = (
                    {"destroyed": every} if self.command == "destroy" else {"deployed": every, "planned": {}}
                )
        return self._results

    def stop(self) -> None:
        """At the end of the session: a child still running is asked to stop cleanly (SIGINT, forwarded once to its
        Terraforms, which write state and release their locks) and waited for."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=600)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main(argv: Sequence[str]) -> int:
    """Entry point of the child: run the request, write the result file."""
    request_file, result_file = (Path(a) for a in argv)
    result = run(Request.load(request_file))
    tmp = result_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(result_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
