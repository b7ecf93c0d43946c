"""A test session stopped by SIGTERM (a CI job cancelled, `kill <pytest>`) stops the emulators its tests started:
each runs in a process group of its own, so only the session's teardown can stop it (tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

INNER = """
import os, time
from pathlib import Path
from tests.conftest import dev_emulator

def test_holds_an_emulator():
    with dev_emulator() as emulator:
        Path(os.environ["EMULATOR_PID_FILE"]).write_text(str(emulator.pid))
        time.sleep(300)
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.emulator
def test_sigterm_to_pytest_stops_the_emulator_of_its_tests(tmp_path: Path) -> None:
    # inside the checkout (the conftest names tests by their path from it), outside `testpaths` (never collected)
    probe = Path(tempfile.mkdtemp(prefix="signal-probe-", dir=ROOT / "reports"))
    (probe / "test_inner.py").write_text(INNER, encoding="utf-8")
    pid_file = tmp_path / "emulator.pid"
    session = subprocess.Popen(  # pylint: disable=consider-using-with
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.conftest",
            str(probe / "test_inner.py"),
        ],
        cwd=ROOT,
        env={**os.environ, "EMULATOR_PID_FILE": str(pid_file), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not pid_file.exists() and session.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pid_file.exists(), session.communicate(timeout=30)[0].decode()
        emulator_pid = int(pid_file.read_text(encoding="utf-8"))
        session.send_signal(signal.SIGTERM)
        session.wait(timeout=60)
        deadline = time.monotonic() + 30
        while not _gone(emulator_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        alive = not _gone(emulator_pid)
        if alive:
            os.killpg(emulator_pid, signal.SIGKILL)
        assert not alive, "the emulator outlived the SIGTERMed test session"
    finally:
        if session.poll() is None:
            session.kill()
        shutil.rmtree(probe, ignore_errors=True)
