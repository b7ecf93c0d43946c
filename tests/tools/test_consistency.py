"""Environment consistency: the real stacks differ only as the records say; a planted difference is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from config import load_environments
from tests.conftest import Synth, selected_workloads, skip_unless_selected
from tools import cli, consistency

LIFECYCLE = "aws_s3_bucket_lifecycle_configuration.StateBucket_Lifecycle_84A53E39"
BUCKET = "aws_s3_bucket.StateBucket_3A0A90D0"
OWNERSHIP = "aws_s3_bucket_ownership_controls.StateBucket_Ownership_DE518693"


def report_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_real_stacks_differ_only_as_the_records_say(
    synth: Synth, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skip_unless_selected("bootstrap-dev")  # the lifecycle difference asserted below is the bootstrap bucket's
    report = tmp_path / "consistency.json"
    assert consistency.check(synth.outdir, list(selected_workloads()), load_environments(), report=report) == 0
    data = report_of(report)
    assert data["unintended"] == 0 and data["environments"] == ["dev", "staging", "prod"]
    (lifecycle,) = [d for d in data["differences"] if d["address"] == LIFECYCLE]
    assert (lifecycle["attribute"], lifecycle["values"], lifecycle["intended"]) == (
        "rule.0.noncurrent_version_expiration.0.noncurrent_days",
        {"dev": 30, "staging": 90, "prod": 365},
        True,
    )
    assert lifecycle["fields"][0] == "state.noncurrent_version_expiration_days"
    assert " 0 unintended" in capsys.readouterr().out


def planted(synth: Synth, tmp_path: Path) -> Path:
    """A copy of the bootstrap stacks where staging's bucket is force-destroyable and lost its ownership controls:
    nothing in the environment records declares either."""
    for env in ("dev", "staging", "prod"):
        shutil.copytree(
            synth.dir(f"bootstrap-{env}"),
            tmp_path / "stacks" / f"bootstrap-{env}",
            ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"),
        )
    path = tmp_path / "stacks" / "bootstrap-staging" / "cdk.tf.json"
    stack = json.loads(path.read_text(encoding="utf-8"))
    stack["resource"]["aws_s3_bucket"][BUCKET.split(".")[1]]["force_destroy"] = True
    del stack["resource"]["aws_s3_bucket_ownership_controls"][OWNERSHIP.split(".")[1]]
    path.write_text(json.dumps(stack), encoding="utf-8")
    return tmp_path


def test_planted_differences_are_unintended(synth: Synth, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "consistency.json"
    outdir = planted(synth, tmp_path)
    assert consistency.check(outdir, ["bootstrap"], load_environments(), report=report) == 1
    data = report_of(report)
    unintended = [(d["address"], d["attribute"], d["values"]) for d in data["differences"] if not d["intended"]]
    assert unintended == [
        (BUCKET, "force_destroy", {"dev": False, "staging": True, "prod": False}),
        (OWNERSHIP, "", {"dev": "<present>", "staging": "<absent>", "prod": "<present>"}),
    ]
    assert data["unintended"] == 2
    out = capsys.readouterr().out
    assert f"bootstrap: {BUCKET} force_destroy" in out and "UNINTENDED" in out
    assert "4 difference(s): 2 intended, 2 unintended" in out  # intended: both buckets' noncurrent expiry


def test_normalizer_hides_accounts_environment_names_and_suffixes() -> None:
    normalize = consistency.normalizer(load_environments(), "pr42")
    assert normalize("tfstate-dev-111111111111-us-east-1", "dev") == "tfstate-<env>-<account>-us-east-1"
    assert normalize("event-processing-tasks-dev-pr42", "dev") == "event-processing-tasks-<env>"
    assert normalize("devices-prod", "dev") == "devices-prod"
    assert normalize(7, "dev") == 7


def test_explain_matches_values_conversions_multiples_negations_and_layouts() -> None:
    fields: dict[str, dict[str, Any]] = {
        "retention": {"dev": 1, "staging": 4, "prod": 7},
        "timeout": {"dev": 30, "staging": 60, "prod": 120},
        "protect": {"dev": False, "staging": False, "prod": True},
        "email": {"dev": None, "staging": None, "prod": "a@b.c"},
        "zones": {"dev": ("a", "b"), "staging": ("a", "b"), "prod": ("a", "b", "c")},
        "count": {"dev": 1, "staging": 2, "prod": 2},
    }

    def explain(dev: object, staging: object, prod: object) -> list[str]:
        return consistency.explain({"dev": dev, "staging": staging, "prod": prod}, fields)

    assert explain(86400, 345600, 604800) == ["retention"]  # days -> seconds
    assert explain(180, 360, 720) == ["timeout"]  # 6 x the timeout
    assert explain(True, True, False) == ["protect"]  # negated
    assert not explain(True, False, False)
    assert explain("<absent>", "<absent>", "a@b.c") == ["email"]
    assert explain("<absent>", "<absent>", "<present>") == ["protect", "email", "zones"]
    assert explain("<absent>", "<present>", "<present>") == ["count"]
    assert explain("${x.a}", "${x.a}", "${x.b}") == ["protect", "email", "zones"]
    assert not explain("t3.small", "t3.small", "t3.large")


def test_cli_consistency_compares_every_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(consistency, "REPORT", tmp_path / "consistency.json")
    argv = ["consistency", "--workloads", "bootstrap", "--environments", "dev", "--outdir", str(tmp_path / "out")]
    assert cli.main(argv) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir()) == [
        "bootstrap-dev",
        "bootstrap-prod",
        "bootstrap-staging",
    ]
    assert report_of(tmp_path / "consistency.json")["unintended"] == 0
    assert "[1/1] bootstrap: 2 difference(s), 0 unintended" in capsys.readouterr().err  # state + audit bucket expiry
