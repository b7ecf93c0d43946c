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


class Prefetch:
    """Named background jobs: `start(name, work)` once, `result(name)` waits for it (and raises what it raised)."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prefetch")
        self._jobs: dict[str, Future[Any]] = {}
        self._children: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self._stopped = False

    def start(self, name: str, work: Callable[[], Any]) -> None:
        """Start `work` in the background under `name` (a second start of the same name is a no-op)."""
        if name not in self._jobs:
            self._jobs[name] = self._pool.submit(work)

    def started(self, name: str) -> bool:
        """Was a job of this name started?"""
        return name in self._jobs

    def result(self, name: str) -> Any:
        """The result of the job `name` (waits for it)."""
        return self._jobs[name].result()

    def python_json(self, code: str, *args: str, cwd: Path, env: Mapping[str, str]) -> dict[str, Any]:
        """`python_json` in a fresh interpreter that `stop()` can kill."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("the session's background jobs were stopped")
        return python_json(code, *args, cwd=cwd, env=env, children=(self._children, self._lock))

    def stop(self) -> None:
        """End every job: end the fresh interpreters' process groups (`end`), wait for the threads."""
        with self._lock:
            self._stopped = True
            running = list(self._children)
        for job in self._jobs.values():
            job.cancel()
        for proc in running:
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
    children: tuple[set[subprocess.Popen[str]], threading.Lock] | None = None,
) -> dict[str, Any]:
    """Run `code` in a fresh interpreter (`args` after it) in `cwd` with `env`; its last stdout line is JSON, returned
    parsed. Fails (AssertionError with its stderr) when it exits non-zero. `children`: a set (and its lock) the
    process is in while it runs, for whoever may have to kill it."""
    proc = subprocess.Popen(  # pylint: disable=consider-using-with  # waited below
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=dict(env),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, ended whole (`end`); a terminal's Ctrl-C reaches pytest only
    )
    if children is not None:
        with children[1]:
            children[0].add(proc)
    try:
        out, err = proc.communicate(timeout=900)
    except BaseException:
        end(proc)
        raise
    finally:
        if children is not None:
            with children[1]:
                children[0].discard(proc)
    assert proc.returncode == 0, f"exit {proc.returncode}{' (stopped)' if proc.returncode < 0 else ''}: {err}"
    return dict(json.loads(out.splitlines()[-1]))
