"""Every workflow is valid YAML and runs only commands that exist; the PR workflow uses OIDC, never stored keys;
the change detection behind it picks the right workloads."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks import WORKLOADS
from tools import changes, cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
MAKE = re.compile(r"(?:^|[;&|(!\s])make(\s[^|;&<>\n]*?)(?:\s\d?[<>]|[|;&\n]|$)")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
TOOLS = re.compile(r"python[0-9.]*\s+-m\s+tools\s+([a-z-]+)")


def triggers(workflow: dict[Any, Any]) -> Any:
    return workflow.get("on", workflow.get(True))  # PyYAML reads the bare key `on` as True


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("jobs"), f"{path.name}: not a workflow"
    return data


def run_scripts(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "run" in step]


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+):", text, flags=re.MULTILINE))


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pr.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_runs_only_existing_commands(path: Path) -> None:
    workflow, targets = load(path), make_targets()
    assert triggers(workflow)
    for script in run_scripts(workflow):
        for args in MAKE.findall(EXPRESSION.sub("X", script)):
            wanted = [a for a in args.split() if "=" not in a and not a.startswith("-")]
            assert wanted and set(wanted) <= targets, f"{path.name}: `make{args}` names a missing target"
        for command in TOOLS.findall(script):
            assert command in cli.COMMANDS, f"{path.name}: `python -m tools {command}` does not exist"
        for script_path in re.findall(r"(?:bash|sh)\s+(\.?[\w./-]+)", script):
            assert (ROOT / script_path).is_file(), f"{path.name}: {script_path} does not exist"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_stored_aws_keys(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "aws-access-key-id" not in text and "aws-secret-access-key" not in text
    assert not re.search(r"secrets\.AWS", text)


def test_pr_workflow_plans_changed_stacks_per_environment_with_an_oidc_role() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "pr.yml")
    assert "pull_request" in triggers(workflow)
    jobs = workflow["jobs"]
    plan = jobs["plan"]
    assert set(plan["needs"]) == {"changes", "scan"}  # no plan when the scan fails
    assert plan["permissions"]["id-token"] == "write"
    assert plan["strategy"]["matrix"]["environment"] == ["dev", "staging", "prod"]
    (credentials,) = [s for s in plan["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")]
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_PLAN_ROLE_ARN }}"
    uploads = [s["with"]["path"] for job in jobs.values() for s in job["steps"]
               if s.get("uses", "").startswith("actions/upload-artifact")]
    assert "reports/scan.json" in uploads and any(p.startswith("reports/plan-") for p in uploads)
    assert any("GITHUB_STEP_SUMMARY" in s for s in run_scripts({"jobs": {"plan": plan}}))
    assert "python -m tools changes" in " ".join(run_scripts({"jobs": {"changes": jobs["changes"]}}))


def test_every_uses_is_pinned_to_a_version() -> None:
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job.get("steps", []):
                assert "uses" not in step or re.search(r"@v\d+$|@[0-9a-f]{40}$", step["uses"]), step["uses"]


@pytest.mark.parametrize(("paths", "expected"), [
    (["README.md", "tests/unit/test_naming.py", "docs/operations.md"], []),
    (["stacks/bootstrap.py"], ["bootstrap"]),
    (["stacks/bootstrap.py", "README.md"], ["bootstrap"]),
    (["config/environments.toml"], list(WORKLOADS)),
    (["modules/secure_bucket.py"], list(WORKLOADS)),
    (["core/stack.py"], list(WORKLOADS)),
    (["Pipfile.lock"], list(WORKLOADS)),
    (["package-lock.json"], list(WORKLOADS)),
])
def test_changed_workloads(paths: list[str], expected: list[str]) -> None:
    assert changes.changed_workloads(paths) == expected


def test_every_registered_workload_has_its_stack_module() -> None:
    for workload, target in WORKLOADS.items():
        module = target.partition(":")[0].replace(".", "/") + ".py"
        assert (ROOT / module).is_file()
        assert changes.changed_workloads([module]) == [workload]


def test_changes_command_writes_github_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.setattr("sys.stdin", io.StringIO("stacks/bootstrap.py\nREADME.md\n"))
    assert cli.main(["changes"]) == 0
    assert capsys.readouterr().out == "bootstrap\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("docs/operations.md\n"))
    assert cli.main(["changes"]) == 0
    assert (tmp_path / "out").read_text(encoding="utf-8") == "workloads=bootstrap\nany=true\nworkloads=\nany=false\n"


def test_the_make_pattern_finds_targets_not_variables_or_redirections() -> None:
    script = EXPRESSION.sub("X", "make plan ENVIRONMENTS=${{ matrix.e }} 2> >(tee f) || [ $? -eq 2 ]\nmake a b | tee x")
    assert [args.split() for args in MAKE.findall(script)] == [["plan", "ENVIRONMENTS=X"], ["a", "b"]]
