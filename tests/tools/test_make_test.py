"""`make test` runs lint and typecheck beside pytest: their output is printed whole after pytest's (never
interleaved), every step's exit status is summarized, and any failed step fails the target. The real steps are
replaced by small commands through the Makefile's variables (GATE_LINT, GATE_TYPECHECK, GATE_PYTEST)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each step prints two lines with a pause between them: interleaved output would mix them.
STEPS = {
    "GATE_LINT": "echo lint-1; sleep 0.3; echo lint-2",
    "GATE_TYPECHECK": "echo types-1; sleep 0.2; echo types-2",
    "GATE_PYTEST": "echo pytest-1; sleep 0.5; echo pytest-2",
}


def make_test(tmp_path: Path, **steps: str) -> subprocess.CompletedProcess[str]:
    variables = [f"{k}={v}" for k, v in {**STEPS, **steps}.items()]
    return subprocess.run(
        ["make", "--no-print-directory", "test", f"GATE={tmp_path}", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_steps_run_side_by_side_and_their_output_follows_pytests(tmp_path: Path) -> None:
    proc = make_test(tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:8] == [
        "pytest-1",
        "pytest-2",
        f"---- make lint (ran beside pytest; log: {tmp_path}/lint.log)",
        "lint-1",
        "lint-2",
        f"---- make typecheck (ran beside pytest; log: {tmp_path}/typecheck.log)",
        "types-1",
        "types-2",
    ]
    (summary,) = lines[8:]
    assert summary.startswith("make test: ") and "; lint " in summary
    assert summary.endswith("s (exit 0)") and "typecheck " in summary and "pytest " in summary
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "lint.log",
        "lint.status",
        "pytest.status",
        "typecheck.log",
        "typecheck.status",
    ]


@pytest.mark.parametrize("failing", ["lint", "typecheck", "pytest"])
def test_any_failed_step_fails_the_target_after_every_step_ran(failing: str, tmp_path: Path) -> None:
    variable = f"GATE_{failing.upper()}"
    proc = make_test(tmp_path, **{variable: f"echo {failing}-out; exit 3"})
    assert proc.returncode == 2  # GNU make's own code for a failed recipe
    assert proc.stderr.startswith(f"make test FAILED: {failing}\n")
    assert f" {failing} " in proc.stdout and f"{failing}-out" in proc.stdout
    summary = proc.stdout.splitlines()[-1]
    assert [part.endswith("(exit 3)") for part in summary.split(";", 1)[1].split(",")] == [
        step == failing for step in ("lint", "typecheck", "pytest")
    ]
    for other, command in STEPS.items():
        if other != variable:
            assert command.rsplit(" ", 1)[1] in proc.stdout  # the other steps ran to their end
