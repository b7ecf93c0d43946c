"""Benchmark: prints the figures (never asserted in a test). `python -m tools.bench [--deploy] [--unit] [--test]` /
`make bench` (BENCH_FLAGS="--deploy --unit --test" adds the slow ones).

Each figure is one fresh process, timed from outside (wall seconds, CPU seconds of the process tree, peak resident
memory of the whole tree, the jsii Node.js runtime included):
- eager import floor: cdktf + the published provider package (all 2,135 submodules), GC paused and frozen;
- lazy import floor: cdktf + the package as core/bindings.py loads it + the submodules the project's code names;
- full synth: `main.main()` (what `python main.py` runs) for every workload x environment, with its own split into
  load / build / `app.synth()`; its ratio to each floor (goal: <= 1.0 x the eager floor, peak <= 1.5 GB);
- eager synth: the same synth with the eager package imported first, and whether every file of both is
  byte-identical;
- `--deploy`: `python -m tools deploy` of the dev stacks to a fresh emulator of its own (free port, own state
  folder; the checkout's cfn-outputs/flat-outputs.json is restored afterwards), wall time next to the critical
  path bootstrap + the slowest other stack, read from the deploy's own per-stack lines (`[3/6] <stack>: applied in N s`;
  a stack's seconds include its wait for the state backend, tools/backend.py) (goal: wall <= 1.3 x critical path);
- `--unit`: the unit layer, what `make unit` runs (`pytest -m "not integration and not emulator"`, goal <= 120 s),
  with pytest's own count and time;
- `--test`: `make test` (goal <= 600 s) with the seconds and CPU seconds of the whole and of each of its steps from
  its last line (lint, typecheck and the pytest runs beside the main pytest: `make test: 540 s, 1010 CPU s; lint
  95 s, 80 CPU s (exit 0), ..., coverage 20 s, 22 CPU s (exit 0)`).
Writes reports/bench.json, with the load average before and after, and the whole output of the unit layer and of
`make test` (their slowest tests) to reports/bench-unit.log and reports/bench-make-test.log. Defaults: no optional
step; a machine this busy gives noisy wall times (see CPU seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "bench.json"
PACKAGE = "cdktf_cdktf_provider_aws"
EAGER_IMPORT = f"import gc; gc.disable(); import cdktf, {PACKAGE}; gc.freeze(); gc.enable()"
LAZY_IMPORT = (
    "import gc, importlib, sys; from core import bindings; from tools.bench import named_submodules\n"
    "bindings.load(); gc.disable()\n"
    f"for name in named_submodules(): importlib.import_module('{PACKAGE}.' + name)\n"
    "gc.freeze(); gc.enable()"
)
# main.main() with its phases timed: the provider first (argv[1] "eager": the published package, as before
# core/bindings.py loaded it lazily; then bindings.load() is a no-op), build_app, app.synth.
SYNTH = """
import gc, json, sys, time
started = time.perf_counter()
if sys.argv[1] == "eager":
    gc.disable()
    import cdktf, cdktf_cdktf_provider_aws
    gc.freeze()
    gc.enable()
from core import bindings
bindings.load()
phases = {"load": time.perf_counter() - started}
import cdktf, main
real_build, real_synth = main.build_app, cdktf.App.synth
def build_app(*args, **kwargs):
    began = time.perf_counter()
    app = real_build(*args, **kwargs)
    phases["build"] = time.perf_counter() - began
    return app
def synth(self):
    began = time.perf_counter()
    real_synth(self)
    phases["synth"] = time.perf_counter() - began
main.build_app, cdktf.App.synth = build_app, synth
code = main.main([])
print(json.dumps({"phases": phases, "lazy": bindings.is_lazy(), "loaded": len(bindings.loaded_submodules())}))
sys.exit(code)
"""
# `<== deploy <stack> (local): done in 63.0s` (one stack at a time) or the parallel runner's
# `[3/6] <stack>: applied in 91 s` (tools/parallel.py).
DEPLOY_LINE = re.compile(
    r"(?:deploy |\[\d+/\d+\] )(?P<stack>[a-z0-9-]+)\b(?: \(|: applied )[^\n]*?"
    r"\bin (?P<seconds>[0-9]+(?:\.[0-9]+)?) ?s\b"
)

UNIT_LAYER = "not integration and not emulator"  # the Makefile's `unit` target
# pytest's last line: `971 passed, 10 skipped in 1234.56s (0:20:34)`
PYTEST_LINE = re.compile(r"^=*\s*(?P<counts>\d+ \w+(?:, \d+ \w+)*) in (?P<seconds>[0-9.]+)s\b", re.MULTILINE)
# make test's last line (Makefile): `make test: 540 s, 1010 CPU s; lint 95 s, 80 CPU s (exit 0), typecheck 40 s, ...`
GATE_LINE = re.compile(r"^make test: (?P<seconds>\d+) s, (?P<cpu>\d+) CPU s;(?P<steps>.*)$", re.MULTILINE)
GATE_STEP = re.compile(r"(?P<step>[a-z][a-z0-9-]*) (?P<seconds>\d+|\?) s, (?P<cpu>\d+|\?) CPU s \(exit (?P<code>\d+)\)")


@dataclass
class Step:
    """One measured process."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str = ""
    stderr: str = ""


def named_submodules(root: Path = ROOT) -> list[str]:
    """Every provider submodule the project's code (core, modules, stacks) imports by name (import statements)."""
    found: set[str] = set()
    for folder in ("core", "modules", "stacks"):
        for path in (root / folder).rglob("*.py"):
            found.update(
                re.findall(rf"^\s*(?:from|import) {PACKAGE}\.(\w+)", path.read_text(encoding="utf-8"), re.MULTILINE)
            )
    return sorted(found)


def tree_rss_mb(root: int) -> float:
    """Resident memory of process `root` and all its descendants (the jsii Node.js runtime is a child), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024 / 1024


def run_step(args: Sequence[str], env: dict[str, str] | None = None) -> Step:
    """Run one process in the project folder; wall and CPU seconds (the tree's, reaped children included), peak RSS
    of the tree sampled every 0.1 s, its output; raises SystemExit naming the step when it fails."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            list(args), cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err
        )
        peak, status, usage = 0.0, 0, None
        while usage is None:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                usage = rusage
                break
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-5:])
        raise SystemExit(f"benchmark step failed (exit {proc.returncode}): {' '.join(args)}\n{tail}")
    return Step(seconds, usage.ru_utime + usage.ru_stime, peak, stdout, stderr)


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the child and its descendants, sampled every 0.1 s); raises on failure."""
    step = run_step(args, env)
    return step.seconds, step.peak_mb


def identical(first: Path, second: Path) -> tuple[bool, int]:
    """(every file under both folders byte-identical and the same set of files, number of files)."""
    one = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    two = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    return one == two and all((first / p).read_bytes() == (second / p).read_bytes() for p in one), len(one)


def critical_path(deploy_output: str) -> dict[str, Any]:
    """Per-stack apply times from the deploy's own lines; bootstrap + the slowest other stack."""
    stacks = {m["stack"]: float(m["seconds"]) for m in DEPLOY_LINE.finditer(deploy_output)}
    boots = {k: v for k, v in stacks.items() if k.startswith("bootstrap-")}
    others = {k: v for k, v in stacks.items() if k not in boots}
    slowest = max(others, key=others.__getitem__) if others else ""
    return {
        "stacks": stacks,
        "slowest": slowest,
        "critical_path": round(sum(boots.values()) + (others[slowest] if slowest else 0.0), 1),
    }


def pytest_summary(output: str, *, first: bool = False) -> dict[str, Any]:
    """pytest's own counts and seconds from its last summary line, or its first (`make test`: the main run's output
    comes before the runs beside it); {} when there is none."""
    found = list(PYTEST_LINE.finditer(output))
    if not found:
        return {}
    line = found[0] if first else found[-1]
    counts = {kind: int(n) for n, kind in (part.split(" ") for part in line["counts"].split(", "))}
    return {"counts": counts, "seconds": float(line["seconds"])}


def gate_summary(output: str) -> dict[str, Any]:
    """The seconds and exit status of each step of `make test`, from its last line ({} when there is none)."""
    found = list(GATE_LINE.finditer(output))
    if not found:
        return {}
    steps = {
        m["step"]: {
            "seconds": None if m["seconds"] == "?" else int(m["seconds"]),
            "cpu_seconds": None if m["cpu"] == "?" else int(m["cpu"]),
            "exit": int(m["code"]),
        }
        for m in GATE_STEP.finditer(found[-1]["steps"])
    }
    return {"seconds": int(found[-1]["seconds"]), "cpu_seconds": int(found[-1]["cpu"]), "steps": steps}


def _or_unknown(value: int | None) -> str:
    return "?" if value is None else str(value)


def _counted(summary: dict[str, Any]) -> str:
    counts = summary.get("counts", {})
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) + f"; pytest's own {summary['seconds']:.0f} s"


def _figure(step: Step) -> dict[str, float]:
    return {
        "seconds": round(step.seconds, 2),
        "cpu_seconds": round(step.cpu_seconds, 2),
        "peak_mb": round(step.peak_mb),
    }


def report(figures: dict[str, Any], path: Path = REPORT) -> dict[str, float]:
    """Print the table, ratios and goals; write the JSON report; returns the ratios."""
    steps = figures["steps"]
    if "load_average" in figures:
        after = figures.get("load_average_after", ["?"])
        print(
            f"{figures.get('cores', '?')} cores; load average {figures['load_average'][0]} at the start, "
            f"{after[0]} at the end"
        )
    print(f"{'step':28} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    for label, fig in steps.items():
        print(f"{label:28} {fig['seconds']:8.2f} {fig['cpu_seconds']:8.2f} {fig['peak_mb']:8.0f}")
    synth = steps["full synth"]
    ratios = {
        "eager": synth["seconds"] / steps["eager import floor"]["seconds"],
        "lazy": synth["seconds"] / steps["lazy import floor"]["seconds"],
    }
    print(f"stacks synthesized: {figures['stacks']}")
    print(f"full synth / eager import floor: {ratios['eager']:.2f} (goal <= 1.0)")
    print(f"full synth / lazy import floor: {ratios['lazy']:.2f}")
    phases = figures["phases"]
    print(
        f"in the synth process: load {phases['load']:.2f} s, build {phases['build']:.2f} s, "
        f"app.synth() {phases['synth']:.2f} s"
    )
    print(f"synth peak memory: {synth['peak_mb'] / 1024:.2f} GB (goal <= 1.5)")
    if "identical" in figures:
        print(
            f"byte-identical to the eager import: {'yes' if figures['identical'] else 'NO'} ({figures['files']} files)"
        )
    if "deploy" in figures:
        deploy = figures["deploy"]
        ratios["deploy"] = deploy["seconds"] / deploy["critical_path"] if deploy["critical_path"] else 0.0
        print(
            f"deploy of the dev stacks: wall {deploy['seconds']:.1f} s; critical path "
            f"{deploy['critical_path']:.1f} s (bootstrap + {deploy['slowest'] or '?'}); ratio "
            f"{ratios['deploy']:.2f} (goal <= 1.3)"
        )
        for stack, seconds in deploy["stacks"].items():
            print(f"    {stack}: {seconds:.1f} s")
    for label, goal in (("unit layer", 120), ("make test", 600)):
        if label in steps:
            print(f"{label}: {steps[label]['seconds']:.0f} s (goal <= {goal})")
        if figures.get("pytest", {}).get(label):
            print(f"    {_counted(figures['pytest'][label])}")
    if figures.get("gate", {}).get("steps"):
        parts = [
            f"{k} {_or_unknown(v['seconds'])} s / {_or_unknown(v['cpu_seconds'])} CPU s (exit {v['exit']})"
            for k, v in figures["gate"]["steps"].items()
        ]
        print(f"    its own count: {figures['gate']['seconds']} s, {figures['gate']['cpu_seconds']} CPU s")
        print(f"    its steps, side by side: {', '.join(parts)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({**figures, "ratios": {k: round(v, 2) for k, v in ratios.items()}}, indent=2) + "\n",
        encoding="utf-8",
    )
    return ratios


def _synth_step(eager: bool, outdir: str) -> tuple[Step, dict[str, Any]]:
    env = {"CDKTF_OUTDIR": outdir, "WORKLOADS": "", "ENVIRONMENTS": "", "ENVIRONMENT_SUFFIX": ""}
    step = run_step([sys.executable, "-c", SYNTH, "eager" if eager else "lazy"], env)
    return step, json.loads(step.stdout.splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _deploy(work: Path) -> dict[str, Any]:
    """Deploy the dev stacks to a fresh emulator of the benchmark's own; restores the checkout's outputs file."""
    outputs = ROOT / "cfn-outputs" / "flat-outputs.json"
    saved = outputs.read_bytes() if outputs.exists() else None
    env = {
        "EMULATOR_STATE_DIR": str(work / "emulator"),
        "EMULATOR_PORT": str(_free_port()),
        "CDKTF_OUTDIR": str(work / "deploy.out"),
        "WORKLOADS": "",
        "ENVIRONMENTS": "",
        "ENVIRONMENT_SUFFIX": "",
        "DEPLOY_TARGET": "local",
    }
    try:
        step = run_step([sys.executable, "-m", "tools", "deploy"], env)
    finally:
        subprocess.run(
            [sys.executable, "-m", "tools", "emulator", "stop"],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            check=False,
        )
        if saved is None:
            outputs.unlink(missing_ok=True)
        else:
            outputs.write_bytes(saved)
    return {"seconds": round(step.seconds, 1), **critical_path(step.stderr + step.stdout)}


def _keep(name: str, output: str) -> None:
    """Keep a measured run's whole output (its slowest tests) next to the report: reports/bench-<name>.log."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    (REPORT.parent / f"bench-{name}.log").write_text(output, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - minutes of real measurements
    """Run the measurements, print the figures, write reports/bench.json."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--deploy", action="store_true", help="deploy the dev stacks to a fresh emulator of its own (minutes)"
    )
    parser.add_argument("--unit", action="store_true", help="time the unit layer (what `make unit` runs)")
    parser.add_argument("--test", action="store_true", help="time the whole `make test`")
    args = parser.parse_args(argv)
    py, env = sys.executable, {"PYTHONPATH": str(ROOT)}
    steps: dict[str, Step] = {}
    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }

    def timed(label: str, argv_: list[str], extra: dict[str, str] | None = None) -> Step:
        print(f"measuring {label} ...", file=sys.stderr, flush=True)
        steps[label] = run_step(argv_, {**env, **(extra or {})})
        return steps[label]

    with tempfile.TemporaryDirectory() as work:
        lazy_out, eager_out = Path(work) / "lazy", Path(work) / "eager"
        timed("eager import floor", [py, "-c", EAGER_IMPORT])
        timed("lazy import floor", [py, "-c", LAZY_IMPORT])
        print("measuring full synth ...", file=sys.stderr, flush=True)
        steps["full synth"], inside = _synth_step(False, str(lazy_out))
        print("measuring eager synth ...", file=sys.stderr, flush=True)
        steps["eager synth"], _ = _synth_step(True, str(eager_out))
        figures["phases"] = {k: round(v, 2) for k, v in inside["phases"].items()}
        figures["submodules_loaded"] = inside["loaded"]
        figures["identical"], figures["files"] = identical(lazy_out, eager_out)
        figures["stacks"] = len(list((lazy_out / "stacks").iterdir()))
        if args.deploy:
            print("measuring deploy of the dev stacks ...", file=sys.stderr, flush=True)
            figures["deploy"] = _deploy(Path(work))
        figures["pytest"] = {}
        if args.unit:
            unit = timed(
                "unit layer", [py, "-m", "pytest", "-m", UNIT_LAYER, "-q", "-p", "no:cacheprovider", "--durations=25"]
            )
            figures["pytest"]["unit layer"] = pytest_summary(unit.stdout)
            _keep("unit", unit.stdout)
        if args.test:
            gate = timed("make test", ["make", "test"])
            figures["pytest"]["make test"] = pytest_summary(gate.stdout, first=True)
            figures["gate"] = gate_summary(gate.stdout)
            _keep("make-test", gate.stdout)
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    figures["steps"] = {label: _figure(step) for label, step in steps.items()}
    report(figures)
    return 0 if figures["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
