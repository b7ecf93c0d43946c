"""Every workflow is valid YAML and runs only commands that exist; the PR workflow uses OIDC, never stored keys;
the change detection behind it picks the right workloads."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks import WORKLOADS
from tools import changes, cli, workflow_lint

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
    uploads = [
        s["with"]["path"]
        for job in jobs.values()
        for s in job["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert "reports/scan.json" in uploads and any(p.startswith("reports/plan-") for p in uploads)
    assert any("GITHUB_STEP_SUMMARY" in s for s in run_scripts({"jobs": {"plan": plan}}))
    assert "python -m tools changes" in " ".join(run_scripts({"jobs": {"changes": jobs["changes"]}}))


PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_tag(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    for line in lines:
        assert PINNED.match(line) or "uses: ./" in line, f"{path.name}: not pinned to a SHA + tag: {line.strip()}"


def test_the_pin_pattern_refuses_tags_branches_and_short_shas() -> None:
    good = "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
    assert PINNED.match(good)
    for bad in (
        "      - uses: actions/checkout@v4",
        "      - uses: actions/checkout@main",
        "      - uses: actions/checkout@3d3c42e # v7.0.1",
        "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
        "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7",
    ):
        assert not PINNED.match(bad), bad


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_step_runs_bash_with_pipefail(path: Path) -> None:
    """`defaults.run.shell: bash` (workflow or job) = `bash --noprofile --norc -eo pipefail {0}`; without it GitHub
    runs `bash -e {0}` and `make scan | tee f` passes when the scan fails."""
    workflow = load(path)
    top = ((workflow.get("defaults") or {}).get("run") or {}).get("shell")
    for job_id, job in workflow["jobs"].items():
        shell = ((job.get("defaults") or {}).get("run") or {}).get("shell") or top
        assert shell == "bash", f"{path.name} job {job_id}: defaults.run.shell is {shell!r}, not bash"
        for step in job.get("steps", []):
            assert step.get("shell", "bash") == "bash", f"{path.name} job {job_id}: step shell {step['shell']!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_step_masks_an_exit_code(path: Path) -> None:
    """No `|| [ $? -eq N ]` (GNU make exits 2 for every failed recipe) and no plan through make."""
    for script in run_scripts(load(path)):
        assert not re.search(r"\|\|\s*\[\s*\$\?", script), f"{path.name}: exit code masked in {script!r}"
        assert not re.search(r"\bmake\s+(?:[A-Z_]+=\S+\s+)*plan\b", script), f"{path.name}: plan through make"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_concurrency_group_and_no_persisted_credentials(path: Path) -> None:
    workflow = load(path)
    assert workflow["concurrency"]["group"], f"{path.name}: no concurrency group"
    checkouts = [
        s
        for job in workflow["jobs"].values()
        for s in job.get("steps", [])
        if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    for step in checkouts:
        assert (step.get("with") or {}).get("persist-credentials") is False, f"{path.name}: checkout keeps credentials"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_summaries_and_artifacts_survive_a_failed_gate(path: Path) -> None:
    """Every artifact upload and every job-summary step runs also when an earlier step failed."""
    for job_id, job in load(path)["jobs"].items():
        for step in job.get("steps", []):
            reports = step.get("uses", "").startswith("actions/upload-artifact@") or (
                "GITHUB_STEP_SUMMARY" in step.get("run", "") and not TOOLS.search(step.get("run", ""))
            )
            if reports and job_id != "changes":
                assert "always()" in str(step.get("if")), f"{path.name} job {job_id}: {step} lacks if: always()"


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["README.md", "tests/core/test_naming.py", "docs/operations.md", "scripts/sig.py"], []),
        (["stacks/bootstrap/stack.py"], ["bootstrap"]),
        (["stacks/bootstrap/stack.py", "README.md"], ["bootstrap"]),
        (["stacks/disaster_recovery/site.py"], ["disaster-recovery"]),
        (["stacks/disaster_recovery/alarms.py"], ["disaster-recovery"]),
        (["stacks/flask_api/stack.py", "stacks/disaster_recovery/alarms.py"], ["flask-api", "disaster-recovery"]),
        (["lambda_src/dr_health/handler.py"], ["disaster-recovery"]),
        (["lambda_src/event_processor/handler.py"], ["event-processing"]),
        (["lambda_src/__init__.py"], list(WORKLOADS)),
        (["stacks/not_imported_by_anyone.py"], list(WORKLOADS)),
        (["lambda_src/no_such_handler/handler.py"], list(WORKLOADS)),
        (["stacks/__init__.py"], list(WORKLOADS)),
        (["config/environments.toml"], list(WORKLOADS)),
        (["modules/secure_bucket.py"], list(WORKLOADS)),
        (["core/stack.py"], list(WORKLOADS)),
        (["policies/checks/ckv_app_007_required_tags.py"], list(WORKLOADS)),
        (["tools/terraform.py"], list(WORKLOADS)),
        (["main.py"], list(WORKLOADS)),
        (["cdktf.json"], list(WORKLOADS)),
        (["Pipfile.lock"], list(WORKLOADS)),
        (["package-lock.json"], list(WORKLOADS)),
        ([".github/workflows/pr.yml"], list(WORKLOADS)),
    ],
)
def test_changed_workloads(paths: list[str], expected: list[str]) -> None:
    assert changes.changed_workloads(paths) == expected


def test_every_registered_workload_has_its_stack_module() -> None:
    for workload, target in WORKLOADS.items():
        module = target.partition(":")[0].replace(".", "/") + ".py"
        assert (ROOT / module).is_file()
        assert changes.changed_workloads([module]) == [workload]


def test_every_tracked_stacks_and_lambda_file_maps_to_a_workload() -> None:
    """The real tree: each file git tracks under stacks/ and lambda_src/ plans at least one workload, and each
    workload's own files plan exactly that workload."""
    tracked = subprocess.run(
        ["git", "ls-files", "stacks", "lambda_src"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "stacks/disaster_recovery/site.py" in tracked
    for path in tracked:
        assert changes.changed_workloads([path]), path
    owners = changes.ownership()
    assert owners.files["disaster-recovery"] == {
        "stacks/disaster_recovery/__init__.py",
        "stacks/disaster_recovery/alarms.py",
        "stacks/disaster_recovery/site.py",
        "stacks/disaster_recovery/stack.py",
    }
    assert owners.handlers == {
        "bootstrap": set(),
        "flask-api": set(),
        "event-processing": {"lambda_src/event_processor"},
        "healthcare-api": set(),
        "fraud-detection": set(),
        "disaster-recovery": {"lambda_src/dr_health"},
    }
    for workload, files in owners.files.items():
        for path in files:
            assert changes.changed_workloads([path]) == [workload], path


def test_a_workload_package_and_its_imports_map_to_that_workload(tmp_path: Path) -> None:
    """Another layout: stacks/<workload>/ as a package with relative imports, a helper module it imports, a helper
    two workloads share, a file nobody imports."""
    files = {
        "stacks/__init__.py": "",
        "stacks/alpha/__init__.py": "from .site import Site\nfrom stacks.shared_bits import x\n",
        "stacks/alpha/site.py": "from . import parts\nSOURCE = 'lambda_src/alpha_fn'\n",
        "stacks/alpha/parts.py": "",
        "stacks/alpha/unimported.py": "",
        "stacks/alpha/template.json": "{}",
        "stacks/beta.py": "from stacks import shared_bits\nfrom stacks.beta_alarms import A\n",
        "stacks/beta_alarms.py": "A = 1\n",
        "stacks/shared_bits.py": "x = 1\n",
        "stacks/orphan.py": "",
        "lambda_src/alpha_fn/handler.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    registry = {"alpha": "stacks.alpha:Alpha", "beta": "stacks.beta:Beta"}
    expected = {
        "stacks/alpha/__init__.py": ["alpha"],
        "stacks/alpha/site.py": ["alpha"],
        "stacks/alpha/parts.py": ["alpha"],
        "stacks/alpha/unimported.py": ["alpha"],
        "stacks/alpha/template.json": ["alpha"],
        "stacks/beta.py": ["beta"],
        "stacks/beta_alarms.py": ["beta"],
        "stacks/shared_bits.py": ["alpha", "beta"],
        "stacks/orphan.py": ["alpha", "beta"],
        "lambda_src/alpha_fn/handler.py": ["alpha"],
    }
    assert {p: changes.changed_workloads([p], tmp_path, registry) for p in expected} == expected


def test_changes_command_writes_github_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.setattr("sys.stdin", io.StringIO("stacks/bootstrap/stack.py\nREADME.md\n"))
    assert cli.main(["changes"]) == 0
    assert capsys.readouterr().out == "bootstrap\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("docs/operations.md\n"))
    assert cli.main(["changes"]) == 0
    assert (tmp_path / "out").read_text(encoding="utf-8") == "workloads=bootstrap\nany=true\nworkloads=\nany=false\n"


def test_the_make_pattern_finds_targets_not_variables_or_redirections() -> None:
    script = EXPRESSION.sub("X", "make plan ENVIRONMENTS=${{ matrix.e }} 2> >(tee f) || [ $? -eq 2 ]\nmake a b | tee x")
    assert [args.split() for args in MAKE.findall(script)] == [["plan", "ENVIRONMENTS=X"], ["a", "b"]]


def test_workflow_lint_passes_on_every_workflow(capsys: pytest.CaptureFixture[str]) -> None:
    assert workflow_lint.main([]) == 0
    scripts = sum(1 for p in WORKFLOWS for _ in workflow_lint.run_scripts(p.read_text(encoding="utf-8")))
    assert capsys.readouterr().err == (
        f"workflow lint: {len(WORKFLOWS)} file(s), {scripts} run: script(s) shellchecked, 0 finding(s)\n"
    )


BROKEN_ACTION = """name: a
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/upload-artifact@v4
"""
BROKEN_SHELL = """name: b
on: push
defaults:
  run:
    shell: bash
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
      - run: |
          echo "${{ github.sha }}"
          ls $TARGET
"""


def test_workflow_lint_checks_every_file_and_every_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """actionlint's own CLI lints only its first argument: each file must be reported here."""
    (tmp_path / "a.yml").write_text(BROKEN_ACTION, encoding="utf-8")
    (tmp_path / "b.yml").write_text(BROKEN_SHELL, encoding="utf-8")
    assert workflow_lint.main([str(tmp_path / "a.yml"), str(tmp_path / "b.yml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f'{tmp_path}/a.yml:7: [actionlint action] missing input "path" which is required by action '
        '"actions/upload-artifact@v4". all required inputs are "path"',
        f"{tmp_path}/b.yml:13: [shellcheck] SC2086 (info) in job b step 2, script line 2: Double quote to prevent "
        "globbing and word splitting.",
    ]


def test_workflow_lint_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert workflow_lint.main([str(tmp_path / "nope.yml")]) == 2
    assert capsys.readouterr().err == f"error: no such workflow file: {tmp_path / 'nope.yml'}\n"


def test_zizmor_finds_an_unpinned_action_and_a_template_injection(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "w.yml").write_text(
        """name: w
on: pull_request
permissions: {}
jobs:
  w:
    name: w
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {persist-credentials: false}
      - run: echo "${{ github.event.pull_request.title }}"
""",
        encoding="utf-8",
    )
    zizmor = [str(ROOT / ".venv" / "bin" / "zizmor"), "--offline", "--strict-collection", "--format", "json"]
    found = subprocess.run([*zizmor, str(workflows)], capture_output=True, text=True, check=False)
    assert found.returncode != 0
    assert sorted({f["ident"] for f in json.loads(found.stdout)}) == ["template-injection", "unpinned-uses"]
    clean = subprocess.run([*zizmor, str(ROOT / ".github" / "workflows")], capture_output=True, text=True, check=False)
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])
