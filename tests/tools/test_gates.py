"""The workflow gates, executed: every `run:` step that calls the project's commands runs here under the shell its
workflow declares (as GitHub runs it: `bash --noprofile --norc -eo pipefail <file>` for `shell: bash`, `bash -e
<file>` when no shell is declared), with `make`, the CLI (`.venv/bin/python`, `python`), `git` and `.ci/run`
replaced by stand-ins on PATH / in the working directory. A step must pass when every stand-in succeeds, fail when
any one of them fails (1, 2 as GNU make returns for any failed recipe and the CLI for bad input, 130), and a plan
step must pass when the CLI reports "changes" (3). The steps are read from the workflow files, so an edit that
breaks a gate fails here."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
# Plausible values for the expressions the steps use; anything else becomes "x".
VALUES = {
    "matrix.environment": "dev",
    "github.event.pull_request.number": "42",
    "github.event.pull_request.base.sha": "a" * 40,
    "github.event.pull_request.head.sha": "b" * 40,
    "github.ref": "refs/pull/42/merge",
    "vars.AWS_PLAN_ROLE_ARN": "",
    "vars.AWS_PLAN_ROLE_ARN != '' && 'aws' || 'local'": "local",
    "steps.changes.outputs.workloads": "event-processing",
    "steps.changes.outputs.workloads || 'none'": "event-processing",
    "needs.changes.outputs.workloads": "event-processing",
}
# The stand-ins: name -> where it goes (relative to the working directory, or on PATH when no folder is given).
STUBS = {
    "make": "bin/make",
    "python": "bin/python",
    "python3": "bin/python3",
    "git": "bin/git",
    "cli": ".venv/bin/python",
    "ci-run": ".ci/run",
}
STUB = """#!/usr/bin/env bash
# stand-in `{name}`: records its arguments, drains stdin, exits $STUB_CODE when it is the one chosen to fail
printf '%s\\n' "{name} $*" >> "$STUB_LOG"
[ -t 0 ] || cat > /dev/null
echo "stand-in {name} $*"
if [ "${{STUB_FAIL:-}}" = "{name}" ]; then exit "$STUB_CODE"; fi
exit 0
"""
FAILURES = (1, 2, 130)
# Every gate that must exist: (workflow, job) -> what its gating step runs.
GATES = {
    ("pr.yml", "scan"): "make scan",
    ("pr.yml", "consistency"): "make consistency",
    ("pr.yml", "plan"): " plan",
    ("ci.yml", "scan"): "make scan",
    ("ci.yml", "plan"): " plan",
    ("ci.yml", "plan-aws"): " plan",
}
PROJECT = re.compile(r"(?:^|[\s;&|(!])(?:make|python3?|\.venv/bin/python|git)\s|\.ci/run")


@dataclass(frozen=True)
class Step:
    """One `run:` step with everything needed to run it as GitHub would."""

    workflow: str
    job: str
    index: int
    script: str
    shell: str | None  # None: no shell declared anywhere (GitHub then runs `bash -e {0}`)
    env: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.workflow}:{self.job}:{self.index + 1}"


def substitute(text: str) -> str:
    """`${{ expr }}` -> a plausible value."""
    return EXPRESSION.sub(lambda m: VALUES.get(m.group(1), "x"), text)


def _defaults_shell(node: dict[str, Any]) -> str | None:
    shell = ((node.get("defaults") or {}).get("run") or {}).get("shell")
    return str(shell) if shell is not None else None


def gated_steps(path: Path) -> list[Step]:
    """The steps of a workflow that call a project command and gate their job (cleanup steps that run under
    `if: always()`/`failure()` or with `continue-on-error` are left out: their failure gates nothing)."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for job_id, job in workflow["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            condition = str(step.get("if", ""))
            if (
                "run" not in step
                or not PROJECT.search(step["run"])
                or step.get("continue-on-error")
                or re.search(r"always\(\)|failure\(\)|cancelled\(\)", condition)
            ):
                continue
            env = {
                k: substitute(str(v)) for scope in (workflow, job, step) for k, v in (scope.get("env") or {}).items()
            }
            shell = step.get("shell") or _defaults_shell(job) or _defaults_shell(workflow)
            found.append(Step(path.name, job_id, index, step["run"], shell, env))
    return found


STEPS = [step for path in WORKFLOWS for step in gated_steps(path)]


def command_line(shell: str | None, script: Path) -> list[str]:
    """How GitHub's runner starts a step's script file for a declared shell (Linux runners)."""
    if shell is None:
        return ["bash", "-e", str(script)]
    if shell == "bash":
        return ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
    if shell == "sh":
        return ["sh", "-e", str(script)]
    assert "{0}" in shell, f"unsupported shell {shell!r}"
    return shlex.split(shell.replace("{0}", str(script)))


@dataclass(frozen=True)
class Outcome:
    """What one execution of a step did."""

    code: int
    calls: list[str]
    output: str


def execute(step: Step, workdir: Path, fail: str | None = None, code: int = 1) -> Outcome:
    """Run the step's script (expressions substituted) in `workdir` with the stand-ins; `fail` names the one that
    exits `code`."""
    for name, where in STUBS.items():
        stub = workdir / where
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(STUB.format(name=name), encoding="utf-8")
        stub.chmod(0o755)
    log, script = workdir / "calls.log", workdir / "step.sh"
    log.write_text("", encoding="utf-8")
    script.write_text(substitute(step.script), encoding="utf-8")
    for name in ("output", "summary", "env"):
        (workdir / f"github-{name}").write_text("", encoding="utf-8")
    env = {
        "PATH": f"{workdir / 'bin'}:{os.environ['PATH']}",
        "HOME": str(workdir),
        "STUB_LOG": str(log),
        "STUB_CODE": str(code),
        "GITHUB_OUTPUT": str(workdir / "github-output"),
        "GITHUB_STEP_SUMMARY": str(workdir / "github-summary"),
        "GITHUB_ENV": str(workdir / "github-env"),
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        **step.env,
        **({"STUB_FAIL": fail} if fail else {}),
    }
    proc = subprocess.run(
        command_line(step.shell, script),
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return Outcome(proc.returncode, log.read_text(encoding="utf-8").splitlines(), proc.stdout + proc.stderr)


def test_every_gate_is_a_tested_step() -> None:
    """The scan, consistency and plan gates of pr.yml and ci.yml are among the executed steps (renaming a job or
    moving a gate out of reach of this test fails here)."""
    for (workflow, job), command in GATES.items():
        scripts = [s.script for s in STEPS if (s.workflow, s.job) == (workflow, job)]
        assert any(command in script for script in scripts), f"{workflow} job {job}: no step runs `{command}`"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_step_passes_when_its_commands_succeed(step: Step, tmp_path: Path) -> None:
    outcome = execute(step, tmp_path)
    assert outcome.code == 0, outcome.output
    assert outcome.calls, f"{step.id}: ran none of the project's commands"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_step_fails_when_any_command_fails(step: Step, tmp_path: Path) -> None:
    called = list(dict.fromkeys(call.split()[0] for call in execute(step, tmp_path).calls))
    for name in called:
        for code in FAILURES:
            outcome = execute(step, tmp_path, fail=name, code=code)
            assert outcome.code != 0, f"{step.id} passed although `{name}` exited {code}:\n{outcome.output}"


PLAN_STEPS = [s for s in STEPS if re.search(r"-m\s+tools\s+plan\b|\bmake\s+plan\b", s.script)]


@pytest.mark.parametrize("step", PLAN_STEPS, ids=lambda s: s.id)
def test_plan_step_passes_on_changes_and_calls_the_cli_with_detailed_exitcode(step: Step, tmp_path: Path) -> None:
    outcome = execute(step, tmp_path)
    (plan,) = [c for c in outcome.calls if " -m tools plan" in c]
    assert plan.startswith("cli ") and "--detailed-exitcode" in plan.split()
    changes = execute(step, tmp_path, fail="cli", code=3)
    assert changes.code == 0, changes.output
    assert "changes" in changes.output


def test_there_are_plan_steps_in_both_workflows() -> None:
    assert {s.workflow for s in PLAN_STEPS} == {"ci.yml", "pr.yml"}


def test_the_harness_sees_what_github_sees(tmp_path: Path) -> None:
    """Without pipefail (no shell declared) a failing command in a pipe passes; with `shell: bash` it fails."""
    assert execute(Step("w", "j", 0, "make scan | tee out.txt", None, {}), tmp_path, fail="make", code=2).code == 0
    assert execute(Step("w", "j", 0, "make scan | tee out.txt", "bash", {}), tmp_path, fail="make", code=2).code == 2


@pytest.mark.parametrize("path", [p for p in WORKFLOWS if p.name in ("pr.yml", "ci.yml")], ids=lambda p: p.name)
def test_the_required_job_needs_every_job_and_fails_unless_all_succeeded_or_skipped(path: Path, tmp_path: Path) -> None:
    """`required` is the one check branch protection names: it runs always, needs every other job, and its step
    (run as GitHub would) fails for any result but success/skipped."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    job = workflow["jobs"]["required"]
    assert job["if"] == "always()"
    assert set(job["needs"]) == set(workflow["jobs"]) - {"required"}
    (step,) = job["steps"]
    assert step["env"] == {"RESULTS": "${{ join(needs.*.result, ' ') }}"}
    gate = Step(path.name, "required", 0, step["run"], _defaults_shell(job) or _defaults_shell(workflow), {})
    for results, passes in (
        ("success success", True),
        ("success skipped", True),
        ("success failure", False),
        ("cancelled success", False),
        ("skipped failure", False),
    ):
        code = execute(replace(gate, env={"RESULTS": results}), tmp_path).code
        assert (code == 0) is passes, f"{path.name}: results {results!r} gave exit {code}"
