"""The pack as a whole: loaded by the wrapper, well-formed, documented, and the wrapper fails closed."""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policies import scan
from policies.aws_rules import StackRule, stack_rules
from policies.checks import TAGGABLE_TYPES_FILE, taggable_types
from tests.conftest import EagerRun
from tests.policies.conftest import BuiltStacks, SharedScan, policy_fixture_stacks, scanned_together

ROOT = Path(__file__).resolve().parents[2]
CHECK_FILES = sorted((ROOT / "policies" / "checks").glob("ckv_app_*.py"))
DOCS = ROOT / "docs" / "policies.md"


@scanned_together
def required_version_stack(folder: Path, request: pytest.FixtureRequest) -> dict[str, Path]:
    """polfix-staging (a compliant WorkloadStack) with terraform.required_version set."""
    built: BuiltStacks = request.getfixturevalue("built_stacks")
    built.get(policy_fixture_stacks, request)
    source = built.folder(policy_fixture_stacks) / "stacks" / "polfix-staging" / "cdk.tf.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    data["terraform"]["required_version"] = ">= 1.10"
    target = folder / "polfix-staging" / "cdk.tf.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data), encoding="utf-8")
    return {"polfix-staging": target}


@pytest.fixture(scope="module")
def dev_result(shared_scan: SharedScan) -> scan.StackResult:
    (result,) = shared_scan.evaluate(policy_fixture_stacks, "polfix-dev")
    return result


def test_the_wrapper_loads_the_pack(dev_result: scan.StackResult) -> None:
    """A known-bad stack fails with the project's IDs, not only Checkov's built-in ones."""
    failed = {f["check_id"] for f in dev_result.failed}
    assert {f"CKV_APP_{i:03d}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)} <= failed
    assert any(not cid.startswith("CKV_APP_") for cid in failed)
    assert not dev_result.ok


def test_a_declared_suppression_of_a_project_check_is_applied(dev_result: scan.StackResult) -> None:
    suppressed = {(s["check_id"], s["resource"]) for s in dev_result.suppressed}
    assert ("CKV_APP_009", "aws_sqs_queue.q_suppressed") in suppressed
    assert not [p for p in dev_result.problems if "q_suppressed" in p]


def test_required_version_silent_pass_fails_the_scan(shared_scan: SharedScan) -> None:
    """machine.md: with terraform.required_version Checkov reports a parse error and `failed: 0`."""
    (result,) = shared_scan.evaluate(required_version_stack, "polfix-staging")
    assert not result.ok
    assert result.passed == 0 and result.failed == []
    assert any("zero checks" in p or p.startswith("parse error") for p in result.problems)


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.stem for p in CHECK_FILES])
def test_each_file_holds_one_well_described_check(path: Path) -> None:
    """A Checkov resource check (`check`, one class), or a stack rule over several resources (`rule`, run by
    policies/scan.py like the AWS-rules pack's)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    check_id = "CKV_APP_" + path.stem.split("_")[2]
    assert doc.startswith(f"{check_id}: ")
    assert "What fails" in doc and "Why it matters:" in doc
    module = importlib.import_module(f"policies.checks.{path.stem}")
    if hasattr(module, "rule"):
        assert isinstance(module.rule, StackRule) and not hasattr(module, "check")
        assert module.rule.id == check_id and module.rule.name.startswith("Ensure ")
        assert check_id in [r.id for r in stack_rules()]
        return
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1
    check = module.check
    assert check.id == check_id
    assert check.name.startswith("Ensure ")
    assert check.categories and check.supported_resources


def test_check_ids_are_unique_and_in_the_project_range() -> None:
    ids = [
        re.search(r'id="(CKV_APP_\d{3})"', p.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
        for p in CHECK_FILES
    ]
    assert len(ids) == len(set(ids)) == 14
    assert ids == sorted(ids)


def test_docs_list_every_check() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for path in CHECK_FILES:
        check_id = "CKV_APP_" + path.stem.split("_")[2]
        assert f"| {check_id} |" in text
    assert "core.suppress" in text and "APP_BACKEND" in text


@pytest.mark.slow
def test_taggable_types_match_the_bindings(eager_run: EagerRun) -> None:
    """Listed where the whole package is imported anyway (conftest `eager_run`); regenerate with
    `python -m policies.checks`."""
    assert len(eager_run.taggable) > 500 and "aws_s3_bucket" in eager_run.taggable
    assert sorted(taggable_types()) == eager_run.taggable, (
        f"{TAGGABLE_TYPES_FILE.name} is stale: run `python -m policies.checks`"
    )


def test_the_pack_loads_without_the_cdktf_runtime() -> None:
    """Every Checkov process loads the pack (and policies/scan.py its wrapper): importing cdktf or jsii there starts
    the jsii runtime, a Node.js process, in each of them (it did, through core/tags.py). A fresh interpreter imports
    every module of the pack and names any of those packages it loaded."""
    probe = (
        "import importlib, pkgutil, sys\n"
        "import policies.checks, policies.scan, policies.aws_rules, policies.backend_check\n"
        "for module in pkgutil.iter_modules(policies.checks.__path__):\n"
        "    importlib.import_module('policies.checks.' + module.name)\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & "
        "{'cdktf', 'jsii', 'constructs', 'cdktf_cdktf_provider_aws'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n", done.stderr
