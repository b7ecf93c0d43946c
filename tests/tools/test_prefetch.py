"""The session's background jobs (tests/prefetch.py): results and failures reach the test that reads them, a stop
kills what still runs, and the session starts the jobs its selected tests read (tests/conftest.py `prefetch`)."""

from __future__ import annotations

import os
import time

import pytest

from tests import conftest
from tests.prefetch import Prefetch

BROKEN = "import sys; print('it broke', file=sys.stderr); sys.exit(3)"
SLEEPER = "import json, time; time.sleep(120); print(json.dumps({'slept': True}))"


def test_a_job_gives_its_result_or_raises_what_it_raised() -> None:
    jobs = Prefetch()
    try:
        jobs.start("answer", lambda: 42)
        jobs.start("answer", lambda: 43)  # a second start of the same name is ignored
        jobs.start("broken", lambda: {}["missing"])
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


def test_stop_kills_a_running_interpreter_and_refuses_new_ones() -> None:
    jobs = Prefetch()
    jobs.start("sleeper", lambda: jobs.python_json(SLEEPER, cwd=conftest.ROOT, env=os.environ))
    while not jobs._children:  # started
        time.sleep(0.05)
    jobs.stop()  # returns once the thread has ended: the interpreter was killed, not waited for
    with pytest.raises(AssertionError, match=r"exit -9 \(killed\)"):
        jobs.result("sleeper")
    with pytest.raises(RuntimeError, match="stopped"):
        jobs.python_json(SLEEPER, cwd=conftest.ROOT, env=os.environ)


def test_the_session_started_every_job_its_selected_tests_read(request: pytest.FixtureRequest) -> None:
    jobs: Prefetch = request.getfixturevalue("prefetch")
    read = {f for item in request.session.items for f in item.fixturenames if f in conftest.PREFETCHED}
    assert read == conftest.PREFETCHED_BY_TESTS
    assert {name: jobs.started(name) for name in read} == dict.fromkeys(read, True)
