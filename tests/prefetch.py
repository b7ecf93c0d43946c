"""Session work started at the session's start, in the background, so that its subprocesses overlap the other tests
instead of running while nothing else does (tests/conftest.py `prefetch`): the eager-import synth of `eager_run` (a
fresh interpreter, ~25 CPU s), the terraform validation of every stack of `validated` (~45 CPU s in batches side by
side) and the Checkov scan of every stack of `real_results` (~18 CPU s). Each job is started only when a selected
test uses its fixture; the tests reading one run after the other unit tests (conftest `_phase`), so on a machine
with a core to spare their wait is mostly over when they start.

A job is a thread waiting on a fresh interpreter (`python_json`) that got the environment as it was when the job
started: no test's monkeypatched environment or working folder reaches it, and no jsii call is made off the main
thread (cdktf's kernel is not thread-safe). `stop()` ends what still runs (each interpreter's process group:
`end`) and joins the threads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping

GRACE_SECONDS = 10  # `end`: how long a stopped interpreter gets to end what it started


class Running:
    """The fresh interpreters started under one `Prefetch` that still run; once closed, one that starts after is ended
    at once (a job may be starting one while the session stops)."""

    def __init__(self) -> None:
        self._procs: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self.closed = False

    def add(self, proc: subprocess.Popen[str]) -> None:
        """Note a started interpreter (or end it, when closed)."""
        with self._lock:
            if not self.closed:
                self._procs.add(proc)
                return
        end(proc)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        """Forget an interpreter that has exited."""
        with self._lock:
            self._procs.discard(proc)

    def close(self) -> list[subprocess.Popen[str]]:
        """Refuse new interpreters; the ones still running."""
        with self._lock:
            self.closed = True
            return list(self._procs)


class Prefetch:
    """Named background jobs: `start(name, work)` once, `result(name)` waits for it (and raises what it raised)."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prefetch")
        self._jobs: dict[str, Future[Any]] = {}
        self._running = Running()

    def start(self, name: str, work: Callable[[], Any]) -> None:
        """Start `work` in the background under `name` (a second start of the same name is a no-op)."""
        if name not in self._jobs:
            self._jobs[name] = self._pool.submit(work)

    def start_python(self, name: str, code: str, *args: str, cwd: Path, then: Callable[[dict[str, Any]], Any]) -> None:
        """Start `then(<JSON answer of code>)` under `name`: `code` runs in a fresh interpreter (`python_json`) with
        the environment as it is now (tests may change it while the job runs)."""
        env = dict(os.environ)
        self.start(name, lambda: then(self.python_json(code, *args, cwd=cwd, env=env)))

    def started(self, name: str) -> bool:
        """Was a job of this name started?"""
        return name in self._jobs

    def result(self, name: str) -> Any:
        """The result of the job `name` (waits for it)."""
        return self._jobs[name].result()

    def python_json(self, code: str, *args: str, cwd: Path, env: Mapping[str, str]) -> dict[str, Any]:
        """`python_json` in a fresh interpreter that `stop()` ends."""
        if self._running.closed:
            raise RuntimeError("the session's background jobs were stopped")
        return python_json(code, *args, cwd=cwd, env=env, running=self._running)

    def stop(self) -> None:
        """End every job: end the fresh interpreters' process groups (`end`), wait for the threads."""
        for job in self._jobs.values():
            job.cancel()
        for proc in self._running.close():
            end(proc)
        self._pool.shutdown(wait=True)


def end(proc: subprocess.Popen[str]) -> None:
    """End the process group of `proc` (a fresh interpreter started by `python_json`, and what it started in its
    group, e.g. Checkov or the jsii runtime): SIGTERM, then SIGKILL after GRACE_SECONDS. Terraform runs in a session
    of its own (tools/terraform.py), out of the group's reach: a `terraform validate` the validation had started
    ends on its own (measured: within 30 s of a SIGTERM to pytest; it holds no state or lock)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=GRACE_SECONDS)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # what is left of the group
    except ProcessLookupError:
        pass


def python_json(
    code: str,
    *args: str,
    cwd: Path,
    env: Mapping[str, str],
    running: Running | None = None,
) -> dict[str, Any]:
    """Run `code` in a fresh interpreter (`args` after it) in `cwd` with `env`; its last stdout line is JSON, returned
    parsed. Fails (AssertionError with its stderr) when it exits non-zero. `running`: where the interpreter is noted
    while it runs, for whoever may have to end it."""
    proc = subprocess.Popen(  # pylint: disable=consider-using-with  # waited below
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=dict(env),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, ended whole (`end`); a terminal's Ctrl-C reaches pytest only
    )
    if running is not None:
        running.add(proc)
    try:
        out, err = proc.communicate(timeout=900)
    except BaseException:
        end(proc)
        raise
    finally:
        if running is not None:
            running.discard(proc)
    assert proc.returncode == 0, f"exit {proc.returncode}{' (stopped)' if proc.returncode < 0 else ''}: {err}"
    return dict(json.loads(out.splitlines()[-1]))
