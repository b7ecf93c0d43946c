"""Drift detection: a real out-of-band change on the emulator is reported exactly; parsing and error exits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from emulator import server as emulator
from tests.conftest import Deployment
from tools import cli, drift
from tools.deploy import StackRef, stack_refs
from tools.targets import Target

BUCKET_ADDRESS = "aws_s3_bucket.StateBucket_3A0A90D0"


@pytest.mark.integration
def test_out_of_band_tag_change_is_reported_then_cleared(
    deploy: Callable[[str], dict[str, Any]],
    emulator_deployment: Deployment,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bucket = deploy("bootstrap-dev")["state_bucket_name"]
    refs = stack_refs(emulator_deployment.outdir, ["bootstrap-dev"])
    target, report = emulator_deployment.target, tmp_path / "drift.json"
    s3 = emulator_deployment.client("s3")
    original = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert drift.detect(refs, target, report) == 0
    changed = [t for t in original if t["Key"] != "Owner"] + [{"Key": "Owner", "Value": "someone-else"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": changed})
    try:
        assert drift.detect(refs, target, report) == 3
    finally:  # undo, so every later re-plan of bootstrap-dev still sees no changes
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": original})
    (stack,) = json.loads(report.read_text(encoding="utf-8"))["stacks"]
    assert (stack["stack"], stack["status"]) == ("bootstrap-dev", "drifted")
    (resource,) = stack["resources"]
    assert (resource["address"], resource["actions"]) == (BUCKET_ADDRESS, ["update"])
    assert resource["attributes"] == [{"path": "tags.Owner", "before": "platform-team", "after": "someone-else"}]
    table = capsys.readouterr().out
    assert "bootstrap-dev  drifted       1 resource(s) changed outside Terraform\n" in table
    assert "tags.Owner: platform-team -> someone-else" in table
    assert drift.detect(refs, target, report) == 0  # restored: in sync again


@pytest.mark.terraform
def test_terraform_failure_is_an_error_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.tf.json").write_text('{"resource": {"aws_s3_bucket": 1}}', encoding="utf-8")
    refs = [StackRef("broken", tmp_path / "broken"), StackRef("missing", tmp_path / "missing")]
    assert drift.detect(refs, Target("local"), tmp_path / "drift.json") == 1
    stacks = json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))["stacks"]
    assert [s["status"] for s in stacks] == ["error", "error"]
    assert "terraform init" in stacks[0]["error"]


def test_parse_plan_masks_sensitive_values_and_reports_deletions() -> None:
    plan = {
        "prior_state": {"values": {"root_module": {"resources": [{}]}}},
        "resource_drift": [
            {
                "address": "aws_db_instance.Db",
                "change": {
                    "actions": ["update"],
                    "before": {"password": "a", "tags": {"A": "1"}, "ports": [1]},
                    "after": {"password": "b", "tags": {"A": "2"}, "ports": [1, 2]},
                    "before_sensitive": {"password": True},
                    "after_sensitive": {"password": True},
                },
            },
            {"address": "aws_sqs_queue.Q", "change": {"actions": ["delete"], "before": {"name": "q"}, "after": None}},
        ],
    }
    result = drift.parse_plan("s", plan)
    assert result.status == "drifted"
    assert result.resources[0].attributes == [
        {"path": "password", "before": drift.SENSITIVE, "after": drift.SENSITIVE},
        {"path": "ports.1", "before": None, "after": 2},
        {"path": "tags.A", "before": "1", "after": "2"},
    ]
    assert (result.resources[1].actions, result.resources[1].attributes) == (
        ["delete"],
        [{"path": "name", "before": "q", "after": None}],
    )
    assert drift.parse_plan("s", {"prior_state": {"values": {"root_module": {}}}}).status == "not deployed"
    assert drift.parse_plan("s", plan | {"resource_drift": []}).status == "in sync"


def test_only_configured_attributes_are_drift() -> None:
    """aws_s3_bucket's computed `versioning` catches up with aws_s3_bucket_versioning after an apply: not drift."""
    config = {"address": "aws_s3_bucket.B", "expressions": {"bucket": {}, "tags": {}}}
    plan: dict[str, Any] = {
        "configuration": {"root_module": {"resources": [config]}},
        "prior_state": {"values": {"root_module": {"resources": [{}]}}},
        "resource_drift": [
            {
                "address": "aws_s3_bucket.B",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "B",
                "change": {
                    "actions": ["update"],
                    "before": {"versioning": [{"enabled": False}]},
                    "after": {"versioning": [{"enabled": True}]},
                },
            }
        ],
    }
    result = drift.parse_plan("s", plan)
    assert (result.status, result.resources, result.refreshed) == ("in sync", [], ["aws_s3_bucket.B"])
    assert "(1 resource(s) with refreshed computed values)" in drift.table([result])
    plan["resource_drift"][0]["change"]["after"] = {"versioning": [{"enabled": True}], "tags": {"A": "b"}}
    result = drift.parse_plan("s", plan)
    assert result.status == "drifted"
    assert result.resources[0].attributes == [{"path": "tags.A", "before": None, "after": "b"}]


def test_exit_codes_errors_win_over_drift() -> None:
    results = [drift.StackDrift("a", "in sync"), drift.StackDrift("b", "drifted")]
    assert drift.exit_code(results) == 3
    assert drift.exit_code([*results, drift.StackDrift("c", "error", error="boom")]) == 1
    assert drift.exit_code(results[:1]) == 0


def test_cli_drift_on_the_local_target_needs_a_running_emulator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(emulator, "STATE_FILE", tmp_path / "emulator.json")
    code = cli.main(["drift", "--workloads", "bootstrap", "--environments", "dev", "--outdir", str(tmp_path / "o")])
    assert code == 1
    assert "no emulator is running" in capsys.readouterr().err
