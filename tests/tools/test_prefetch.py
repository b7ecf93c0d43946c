"""The session's background jobs (tests/prefetch.py): results and failures reach the test that reads them, a stop
kills what still runs, and the session starts the jobs its selected tests read (tests/conftest.py `prefetch`)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests import conftest
from tests.prefetch import Prefetch, Running

BROKEN = "import sys; print('it broke', file=sys.stderr); sys.exit(3)"
# an interpreter that started a grandchild in its group (its pid written to argv[1]; not holding the interpreter's
# pipes, so only the group's end ends it) and sleeps
SLEEPER = (
    "import json, subprocess, sys, time\n"
    "child = subprocess.Popen(['sleep', '120'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "open(sys.argv[1], 'w').write(str(child.pid))\n"
    "time.sleep(120)\n"
    "print(json.dumps({'slept': True}))\n"
)


def test_a_job_gives_its_result_or_raises_what_it_raised() -> None:
    jobs = Prefetch()
    try:
        jobs.start("answer", lambda: 42)
        jobs.start("answer", lambda: 43)  # a second start of the same name is ignored
        jobs.start("broken", lambda: dict[str, int]()["missing"])
        assert (jobs.started("answer"), jobs.started("other")) == (True, False)
        assert jobs.result("answer") == 42
        with pytest.raises(KeyError, match="missing"):
            jobs.result("broken")
    finally:
        jobs.stop()


def test_a_fresh_interpreter_answers_json_and_its_failure_carries_its_stderr() -> None:
    jobs = Prefetch()
    try:
        code = "import json, sys; print('noise'); print(json.dumps({'args': sys.argv[1:]}))"
        assert jobs.python_json(code, "a", "b", cwd=conftest.ROOT, env=os.environ) == {"args": ["a", "b"]}
        with pytest.raises(AssertionError, match=r"exit 3: .*it broke"):
            jobs.python_json(BROKEN, cwd=conftest.ROOT, env=os.environ)
    finally:
        jobs.stop()


def test_stop_ends_a_running_interpreter_and_its_group_and_refuses_new_ones(tmp_path: Path) -> None:
    jobs = Prefetch()
    pid_file = tmp_path / "grandchild.pid"
    jobs.start("sleeper", lambda: jobs.python_json(SLEEPER, str(pid_file), cwd=conftest.ROOT, env=os.environ))
    while not pid_file.exists() or not pid_file.read_text(encoding="utf-8"):  # started, and its grandchild too
        time.sleep(0.05)
    grandchild = int(pid_file.read_text(encoding="utf-8"))
    jobs.stop()  # returns once the thread has ended: the interpreter was stopped, not waited for
    with pytest.raises(AssertionError, match=r"exit -15 \(stopped\)"):
        jobs.result("sleeper")
    with pytest.raises(ProcessLookupError):  # ended with it (reaped by init: it is not our child)
        for _ in range(100):
            os.kill(grandchild, 0)
            time.sleep(0.05)
    with pytest.raises(RuntimeError, match="stopped"):
        jobs.python_json(SLEEPER, cwd=conftest.ROOT, env=os.environ)


def test_an_interpreter_starting_after_the_stop_is_ended_at_once() -> None:
    """A job may be starting its interpreter while the session stops: it must not outlive the stop."""
    running = Running()
    assert not running.close()
    late = subprocess.Popen(["sleep", "120"], start_new_session=True, text=True)  # pylint: disable=consider-using-with
    running.add(late)
    assert late.wait(timeout=30) == -signal.SIGTERM
    assert not running.close()


def test_a_job_started_with_start_python_gets_the_environment_of_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs, release = Prefetch(workers=1), threading.Event()
    try:
        jobs.start("busy", release.wait)  # the one worker: the probe's interpreter starts only after the change below
        monkeypatch.setenv("PREFETCH_PROBE", "at the start")
        code = "import json, os; print(json.dumps({'probe': os.environ['PREFETCH_PROBE']}))"
        jobs.start_python("probe", code, cwd=conftest.ROOT, then=lambda found: found["probe"].upper())
        monkeypatch.setenv("PREFETCH_PROBE", "changed later")
        release.set()
        assert jobs.result("probe") == "AT THE START"
    finally:
        release.set()
        jobs.stop()


def test_the_session_started_every_job_its_selected_tests_read(request: pytest.FixtureRequest) -> None:
    jobs: Prefetch = request.getfixturevalue("prefetch")
    read = {f for item in request.session.items for f in getattr(item, "fixturenames", ()) if f in conftest.PREFETCHED}
    assert read == conftest.PREFETCHED_BY_TESTS
    assert {name: jobs.started(name) for name in read} == dict.fromkeys(read, True)
