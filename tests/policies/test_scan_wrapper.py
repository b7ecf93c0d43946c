"""The Checkov wrapper: every real stack scans clean, and each way a scan can go wrong fails it (judged from the
session's one Checkov run over the small stacks, tests/policies/conftest.py `shared_scan`; `main` runs its own)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policies import scan
from tests.conftest import Synth, all_stack_names, ephemeral_stack_names, selected_workloads, skip_unless_selected
from tests.policies.conftest import SharedScan, scanned_together


def test_every_stack_of_every_environment_scans_clean(real_results: list[scan.StackResult]) -> None:
    """Every stack, the ephemeral copies of every environment (8-character suffix) included."""
    assert sorted(r.stack for r in real_results) == sorted(all_stack_names())
    assert {r.stack for r in real_results} >= set(ephemeral_stack_names())  # tests/core/test_suffix_names.py
    for result in real_results:
        assert result.failed == [], result.stack
        assert result.problems == [], result.stack
        assert result.passed > 0, result.stack


def test_declared_suppressions_are_applied_with_their_reasons(real_results: list[scan.StackResult]) -> None:
    skip_unless_selected("bootstrap-dev")
    (boot,) = [r for r in real_results if r.stack == "bootstrap-dev"]
    assert sorted((s["check_id"], s["resource"].split(".")[1].split("_")[0]) for s in boot.suppressed) == [
        ("CKV_AWS_144", "AuditTrail"),
        ("CKV_AWS_144", "StateBucket"),
        ("CKV_AWS_18", "AuditTrail"),
        ("CKV_AWS_18", "StateBucket"),
        ("CKV_AWS_252", "AuditTrail"),
    ]
    assert all(len(s["reason"]) >= 10 for s in boot.suppressed)


def _copy(synth: Synth, tmp_path: Path, stack: str) -> tuple[Path, dict]:
    target = tmp_path / stack
    shutil.copytree(synth.dir(stack), target, ignore=shutil.ignore_patterns(".terraform*"))
    return target / "cdk.tf.json", json.loads((target / "cdk.tf.json").read_text(encoding="utf-8"))


def _bucket(data: dict) -> dict:
    return data["resource"]["aws_s3_bucket"][_state_bucket(data)]


def _state_bucket(data: dict) -> str:
    (found,) = [k for k in data["resource"]["aws_s3_bucket"] if k.startswith("StateBucket_")]
    return found


def _require_a_version(data: dict) -> None:
    data["terraform"]["required_version"] = ">= 1.10"


def _drop_the_suppressions(data: dict) -> None:
    del _bucket(data)["//"]["suppressions"]


def _break_the_suppressions(data: dict) -> None:
    suppressions = _bucket(data)["//"]["suppressions"]
    suppressions[0]["reason"] = "because"
    suppressions.append({"id": "CKV_AWS_999", "reason": "a reason that is long enough"})


# Copies of the synthesized bootstrap-dev, each changed one way the scan must fail it.
BROKEN = {
    "required-version": _require_a_version,
    "unsuppressed": _drop_the_suppressions,
    "reasonless-and-stale": _break_the_suppressions,
}


@scanned_together
def broken_bootstraps(folder: Path, request: pytest.FixtureRequest) -> dict[str, Path]:
    """BROKEN's copies, each in a folder of its own (all are stack bootstrap-dev); none unless bootstrap is selected."""
    if "bootstrap" not in selected_workloads():
        return {}
    synth: Synth = request.getfixturevalue("synth")
    found = {}
    for case, change in BROKEN.items():
        path, data = _copy(synth, folder / case, "bootstrap-dev")
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        found[case] = path
    return found


def _judged(shared_scan: SharedScan, case: str) -> tuple[scan.StackResult, dict]:
    """policies.scan's verdict on BROKEN's `case` from the shared run, and the copy's JSON."""
    skip_unless_selected("bootstrap-dev")
    (result,) = shared_scan.evaluate(broken_bootstraps, case)
    return result, json.loads(shared_scan.file(broken_bootstraps, case).read_text(encoding="utf-8"))


def test_required_version_silent_pass_fails_closed(shared_scan: SharedScan) -> None:
    """Checkov reports a parse error and `failed: 0` for such a file; the wrapper must fail instead."""
    result, _ = _judged(shared_scan, "required-version")
    assert not result.ok
    assert any("zero checks" in p or p.startswith("parse error") for p in result.problems)


def test_unsuppressed_finding_fails(shared_scan: SharedScan) -> None:
    result, _ = _judged(shared_scan, "unsuppressed")
    assert sorted(f["check_id"] for f in result.failed) == ["CKV_AWS_144", "CKV_AWS_18"]


def test_reasonless_and_stale_suppressions_fail(shared_scan: SharedScan) -> None:
    result, data = _judged(shared_scan, "reasonless-and-stale")
    bucket = _state_bucket(data)
    assert (
        f"suppression of CKV_AWS_144 on aws_s3_bucket.{bucket} has no reason (at least 10 characters)"
        in result.problems
    )
    assert f"stale suppression: CKV_AWS_999 on aws_s3_bucket.{bucket} matches no finding; remove it" in result.problems


def test_a_parse_error_is_the_problem_of_the_file_it_names(shared_scan: SharedScan) -> None:
    """The shared run holds two unparsable files (required_version: this module's copy and test_pack's); only the
    stack of each has its parse error, whatever else is judged from the run."""
    skip_unless_selected("bootstrap-dev")
    broken, clean = shared_scan.evaluate(broken_bootstraps, "required-version", "unsuppressed")
    named = shared_scan.file(broken_bootstraps, "required-version").resolve()
    assert [p for p in broken.problems if p.startswith("parse error")] == [f"parse error: {named}"]
    assert not [p for p in clean.problems if p.startswith("parse error")]
    (alone,) = shared_scan.evaluate(broken_bootstraps, "unsuppressed")
    assert not [p for p in alone.problems if p.startswith("parse error")]


def test_a_file_the_run_did_not_scan_is_refused(shared_scan: SharedScan, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not scanned by this checkov run"):
        scan.evaluate([tmp_path / "elsewhere-dev" / "cdk.tf.json"], shared_scan.run)


@pytest.mark.checkov
def test_main_prints_a_table_and_writes_the_report(synth: Synth, capsys: pytest.CaptureFixture[str]) -> None:
    assert scan.main([str(synth.dir("bootstrap-prod"))]) == 0
    out = capsys.readouterr().out
    stack, passed, failed, suppressed = out.splitlines()[1].split()
    assert (stack, failed, suppressed) == ("bootstrap-prod", "0", "5") and int(passed) >= 21
    report = json.loads(scan.REPORT.read_text(encoding="utf-8"))
    assert report["ok"] is True and report["stacks"][0]["stack"] == "bootstrap-prod"


def test_main_without_stacks_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert scan.main([str(tmp_path / "nothing")]) == 1
    assert "no synthesized stacks to scan" in capsys.readouterr().err
