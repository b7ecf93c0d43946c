"""The deploy / plan / destroy commands end to end through the CLI, on the session emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Deployment
from tools import cli, targets
from tools.deploy import OUTPUTS_FILE

# Emulator-only: the CLI is exercised against an emulator of its own (the aws run deploys through the same code).
pytestmark = [pytest.mark.integration, pytest.mark.emulator_only]


@pytest.fixture
def session_target(monkeypatch: pytest.MonkeyPatch, emulator_deployment: Deployment, deploy) -> Deployment:
    """Route the CLI's target to the session emulator (where bootstrap-dev is already deployed)."""
    deploy("bootstrap-dev")
    monkeypatch.setattr(targets, "resolve_target", lambda name, account: emulator_deployment.target)
    return emulator_deployment


def test_deploy_prints_outputs_and_writes_them(
    session_target: Deployment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del session_target
    args = ["--workloads", "bootstrap", "--outdir", str(tmp_path / "out")]
    assert cli.main(["deploy", *args]) == 0
    out = capsys.readouterr().out
    assert "bootstrap-dev:\n" in out
    assert "  state_bucket_name = tfstate-dev-111111111111-us-east-1" in out
    assert json.loads(OUTPUTS_FILE.read_text(encoding="utf-8"))["bootstrap-dev"]["state_region"] == "us-east-1"


def test_plan_of_an_applied_selection_has_no_changes(
    session_target: Deployment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del session_target
    assert cli.main(["plan", "--workloads", "bootstrap", "--outdir", str(tmp_path / "out")]) == 0
    assert "[1/1] bootstrap-dev" in capsys.readouterr().err


def test_destroy_never_touches_the_bootstrap_stack(
    session_target: Deployment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["destroy", "--workloads", "bootstrap", "--outdir", str(tmp_path / "out")]) == 0
    assert "destroy bootstrap-dev" not in capsys.readouterr().err
    bucket = "tfstate-dev-111111111111-us-east-1"
    assert session_target.client("s3").head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
