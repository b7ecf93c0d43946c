"""The real-account workflow (.github/workflows/e2e.yml) is well-formed and runs exactly the commands exercised
here: the suffix it derives from the run id is one the target selection accepts, and `make integration-aws` is the
pytest command of the integration suite with DEPLOY_TARGET=aws."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.target import select_target

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "e2e.yml"
PINNED = re.compile(r"^\s*- uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow["jobs"]["e2e"]["steps"]
    return found


def test_triggers_permissions_concurrency_and_shell(workflow: dict[Any, Any]) -> None:
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["workflow_dispatch"]["inputs"]["workloads"]["default"] == "event-processing"
    assert triggers["schedule"] == [{"cron": "17 5 * * 1"}]
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["e2e"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "e2e-sandbox", "cancel-in-progress": False}
    assert workflow["defaults"] == {"run": {"shell": "bash"}}
    assert workflow["jobs"]["e2e"]["env"]["DEPLOY_TARGET"] == "aws"


def test_actions_are_pinned_to_commits_and_credentials_come_from_oidc(workflow: dict[Any, Any]) -> None:
    uses = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses and all(PINNED.match(line) for line in uses), uses
    by_action = {s["uses"].split("@")[0]: s for s in steps(workflow) if "uses" in s}
    assert by_action["actions/checkout"]["with"] == {"persist-credentials": False}
    assert (
        by_action["aws-actions/configure-aws-credentials"]["with"]["role-to-assume"] == "${{ vars.AWS_E2E_ROLE_ARN }}"
    )
    assert by_action["actions/upload-artifact"]["if"] == "always()"


def test_commands_deploy_test_and_always_destroy(workflow: dict[Any, Any]) -> None:
    runs = [(s.get("if"), s["run"].strip()) for s in steps(workflow) if "run" in s]
    assert runs == [
        (None, 'echo "ENVIRONMENT_SUFFIX=e2e${GITHUB_RUN_ID: -5}" >> "$GITHUB_ENV"'),
        (None, "make setup"),
        (None, "mkdir -p reports && make integration-aws 2>&1 | tee reports/integration-aws.log"),
        ("always()", ".venv/bin/python -m tools destroy"),
    ]


def test_the_suffix_from_the_run_id_is_accepted_by_the_target_selection(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    (command,) = [s["run"] for s in steps(workflow) if "ENVIRONMENT_SUFFIX" in s.get("run", "")]
    github_env = tmp_path / "env"
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command],
        check=True,
        env={"GITHUB_RUN_ID": "12345678901", "GITHUB_ENV": str(github_env), "PATH": "/usr/bin:/bin"},
    )
    assert github_env.read_text(encoding="utf-8") == "ENVIRONMENT_SUFFIX=e2e78901\n"
    target = select_target({"DEPLOY_TARGET": "aws", "ENVIRONMENT_SUFFIX": "e2e78901"}, "210987654321")
    assert target.stack("event-processing") == "event-processing-dev-e2e78901"


def test_make_integration_aws_is_the_integration_suite_on_aws() -> None:
    proc = subprocess.run(
        ["make", "-n", "--no-print-directory", "integration-aws", "WORKLOADS=event-processing,flask-api"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    command = " ".join(proc.stdout.replace("\\\n", " ").split())
    assert command.endswith(
        "DEPLOY_TARGET=aws TEST_WORKLOADS=bootstrap,event-processing,flask-api .venv/bin/python -m pytest "
        "-m integration --junitxml=reports/integration-aws.xml tests/stacks/event_processing/test_deployed.py "
        "tests/stacks/flask_api/test_deployed.py"
    )
