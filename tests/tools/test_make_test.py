"""`make test` runs lint, typecheck and three more pytest runs (integration tests on emulators of their own) beside
the main pytest run: their output is printed whole after the main run's (never interleaved), coverage combines the
runs, every step's exit status is summarized, and any failed step fails the target. The real steps are replaced by
small commands through the Makefile's variables; `-o setup` keeps make from installing anything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each step prints two lines with a pause between them: interleaved output would mix them.
STEPS = {
    "lint": "echo lint-1; sleep 0.3; echo lint-2",
    "typecheck": "echo types-1; sleep 0.2; echo types-2",
    "pytest-beside-1": "echo first-1; sleep 0.4; echo first-2",
    "pytest-beside-2": "echo second-1; sleep 0.1; echo second-2",
    "pytest-beside-3": "echo third-1; sleep 0.2; echo third-2",
    "pytest": "echo pytest-1; sleep 0.5; echo pytest-2",
    "coverage": "echo coverage-1; echo coverage-2",
}


def make_test(tmp_path: Path, **steps: str) -> subprocess.CompletedProcess[str]:
    commands = {**STEPS, **steps}
    variables = [f"GATE_{name.upper().replace('-', '_')}={command}" for name, command in commands.items()]
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "setup", "test", f"GATE={tmp_path}", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_steps_run_side_by_side_and_their_output_follows_the_main_run(tmp_path: Path) -> None:
    proc = make_test(tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:20] == [
        "pytest-1",
        "pytest-2",
        f"---- lint (ran beside pytest; log: {tmp_path}/lint.log)",
        "lint-1",
        "lint-2",
        f"---- typecheck (ran beside pytest; log: {tmp_path}/typecheck.log)",
        "types-1",
        "types-2",
        f"---- pytest-beside-1 (ran beside pytest; log: {tmp_path}/pytest-beside-1.log)",
        "first-1",
        "first-2",
        f"---- pytest-beside-2 (ran beside pytest; log: {tmp_path}/pytest-beside-2.log)",
        "second-1",
        "second-2",
        f"---- pytest-beside-3 (ran beside pytest; log: {tmp_path}/pytest-beside-3.log)",
        "third-1",
        "third-2",
        "---- coverage (every pytest run)",
        "coverage-1",
        "coverage-2",
    ]
    (summary,) = lines[20:]
    whole, parts = summary.split(";", 1)
    assert re.fullmatch(r"make test: \d+ s, \d+ CPU s", whole)
    assert re.fullmatch(r"( [a-z0-9-]+ \d+ s, \d+ CPU s \(exit 0\),)+", parts + ",")
    assert re.findall(r" ([a-z0-9-]+) \d+ s,", parts) == list(STEPS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{step}.status" for step in STEPS]
        + ["lint.log", "typecheck.log", "pytest-beside-1.log", "pytest-beside-2.log", "pytest-beside-3.log"]
    )


def test_each_step_reports_the_cpu_seconds_of_its_processes(tmp_path: Path) -> None:
    # about 1.5 CPU seconds in a child of the step's shell, the other steps sleep or echo
    busy = "python3 -c 'import time; t = time.process_time(); exec(\"while time.process_time() - t < 1.5: pass\")'"
    proc = make_test(tmp_path, typecheck=busy)
    assert proc.returncode == 0, proc.stderr
    summary = proc.stdout.splitlines()[-1]
    cpu = {m[1]: int(m[2]) for m in re.finditer(r" ([a-z0-9-]+) \d+ s, (\d+) CPU s", summary)}
    assert cpu["typecheck"] in (1, 2) and all(cpu[step] == 0 for step in STEPS if step != "typecheck")
    assert int(re.match(r"make test: \d+ s, (\d+) CPU s;", summary)[1]) >= 1  # the whole target's, steps included


@pytest.mark.parametrize("failing", list(STEPS))
def test_any_failed_step_fails_the_target_after_every_step_ran(failing: str, tmp_path: Path) -> None:
    proc = make_test(tmp_path, **{failing: f"echo {failing}-out; exit 3"})
    assert proc.returncode == 2  # GNU make's own code for a failed recipe
    assert proc.stderr.startswith(f"make test FAILED: {failing}\n")
    assert f"{failing}-out" in proc.stdout
    summary = proc.stdout.splitlines()[-1]
    assert re.findall(r" ([a-z0-9-]+) \d+ s, \d+ CPU s \(exit (\d+)\)", summary) == [
        (step, "3" if step == failing else "0") for step in STEPS
    ]
    for step, command in STEPS.items():
        if step != failing:
            assert command.rsplit(" ", 1)[1] in proc.stdout  # every other step ran to its end


WHERE = (
    "from tools import deploy, parallel; from tests.integration import session_deploy; print(deploy.OUTPUTS_FILE); "
    "print(parallel.log_path('deploy', 's')); print(session_deploy.LOG)"
)


def test_the_runs_beside_keep_their_outputs_file_and_stack_logs_apart(tmp_path: Path) -> None:
    shown = subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"GATE={tmp_path}",
            "--eval",
            "show: ; @echo '$(GATE_PYTEST_BESIDE_1)'; echo '$(GATE_PYTEST_BESIDE_3)'; echo '$(GATE_PYTEST)'; "
            "echo '$(GATE_COVERAGE)'",
            "show",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    first, third, main, coverage = shown.splitlines()
    combined = [f"{tmp_path}/coverage.{run}" for run in ("main", "beside-1", "beside-2", "beside-3")]
    assert f"--data-file=.coverage {' '.join(combined)} && " in coverage  # every pytest run's data
    assert first.startswith(f"OUTPUTS_FILE={tmp_path}/beside-1/flat-outputs.json STACK_LOGS_DIR={tmp_path}/beside-1 ")
    assert third.startswith(
        f"TEST_WORKLOADS=bootstrap,disaster-recovery OUTPUTS_FILE={tmp_path}/beside-3/flat-outputs.json "
        f"STACK_LOGS_DIR={tmp_path}/beside-3 "
    )
    assert third.endswith(" tests/stacks/disaster_recovery/test_deployed.py")
    assert "--ignore=tests/stacks/disaster_recovery/test_deployed.py" in main.split()
    env = {k: v for k, v in os.environ.items() if k not in ("OUTPUTS_FILE", "STACK_LOGS_DIR")}
    apart = {"OUTPUTS_FILE": str(tmp_path / "o.json"), "STACK_LOGS_DIR": str(tmp_path / "logs")}
    for extra, expected in (
        (
            {},
            [
                ROOT / "cfn-outputs/flat-outputs.json",
                ROOT / "reports/deploy/s.log",
                ROOT / "reports/session-deploy.log",
            ],
        ),
        (apart, [tmp_path / "o.json", tmp_path / "logs/deploy/s.log", tmp_path / "logs/session-deploy.log"]),
    ):
        out = subprocess.run(
            [sys.executable, "-c", WHERE], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True
        ).stdout
        assert out.splitlines() == [str(p) for p in expected]
