"""Every workload in every environment as an ephemeral copy with an 8-character suffix: every physical name fits
its service's limit and character set (tests/core/physical_names.py), carries the suffix and is unique."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.core.physical_names import RULES, name_problems, physical_names

SUFFIX = "pr123456"


@pytest.fixture(scope="module")
def copies_dir(loaded_bindings: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """cdktf.out/stacks of every workload x environment with SUFFIX (its own synth: only the bindings loaded)."""
    del loaded_bindings
    from config import Selection, load_catalog, load_environments  # pylint: disable=import-outside-toplevel
    from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel
    from main import build_app  # pylint: disable=import-outside-toplevel
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    outdir = tmp_path_factory.mktemp("suffix.out")
    records, catalog = load_environments(), load_catalog()
    with paused_gc():
        build_app(Selection(tuple(WORKLOADS), tuple(records), SUFFIX), records, catalog, str(outdir)).synth()
    return outdir / "stacks"


@pytest.fixture(scope="module")
def copies(copies_dir: Path) -> dict[str, dict[str, Any]]:
    """{stack name: cdk.tf.json} of every copy."""
    return {d.name: json.loads((d / "cdk.tf.json").read_text(encoding="utf-8")) for d in sorted(copies_dir.iterdir())}


def test_every_workload_and_environment_synthesizes_with_an_8_character_suffix(
    copies: dict[str, dict[str, Any]],
) -> None:
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    expected = {
        f"{w}-{e}" if w == "bootstrap" else f"{w}-{e}-{SUFFIX}" for w in WORKLOADS for e in ("dev", "staging", "prod")
    }
    assert set(copies) == expected


def test_every_physical_name_fits_its_service_and_carries_the_suffix(copies: dict[str, dict[str, Any]]) -> None:
    problems = [
        p
        for name, stack in copies.items()
        if not name.startswith("bootstrap")
        for p in name_problems(name, stack, SUFFIX)
    ]
    # The bootstrap stack is one per environment (it holds the copies' state too): limits only, no suffix.
    problems += [
        p
        for name, stack in copies.items()
        if name.startswith("bootstrap")
        for p in name_problems(name, stack, SUFFIX)
        if "does not carry the suffix" not in p
    ]
    assert problems == []


def test_every_kind_of_name_is_checked(copies: dict[str, dict[str, Any]]) -> None:
    seen = {(rtype, attribute) for stack in copies.values() for rtype, _, attribute, _ in physical_names(stack)}
    assert seen == set(RULES)


def test_unique_names_never_repeat(copies: dict[str, dict[str, Any]]) -> None:
    """Per region: a replica key's alias repeats its home key's alias under another (aliased) provider."""
    counts = Counter(
        (rtype, attribute, value, stack["resource"][rtype][logical_id].get("provider"))
        for stack in copies.values()
        for rtype, logical_id, attribute, value in physical_names(stack)
        if RULES[(rtype, attribute)].unique
    )
    assert [key for key, count in counts.items() if count > 1] == []


def test_names_over_a_limit_are_shortened_by_the_one_rule(copies: dict[str, dict[str, Any]]) -> None:
    stack = copies[f"fraud-detection-staging-{SUFFIX}"]["resource"]
    assert [r["name"] for r in stack["aws_lb_target_group"].values()] == ["fd-scoring-b965-staging-pr123456"]
    assert [r["name"] for r in stack["aws_lb"].values()] == ["fd-alb-83dd-staging-pr123456"]
    assert sorted(r["name"] for r in stack["aws_iam_role"].values() if r["name"].startswith("fd-")) == [
        "fd-scoring-b965-staging-pr123456-execution",
        "fd-scoring-b965-staging-pr123456-task",
    ]
    redis = copies[f"healthcare-api-staging-{SUFFIX}"]["resource"]["aws_elasticache_user"]
    assert sorted(r["user_id"] for r in redis.values()) == [
        "ha-redis-7497-staging-pr123456-app",
        "ha-redis-7497-staging-pr123456-default",
    ]


def test_the_cli_synthesizes_an_ephemeral_staging_copy(tmp_path: Path) -> None:
    """The command of issue 14 (a traceback before: a 32-character limit)."""
    env = {**os.environ, "ENVIRONMENTS": "staging", "ENVIRONMENT_SUFFIX": "pr42", "CDKTF_OUTDIR": str(tmp_path / "out")}
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "synth"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert (proc.returncode, "Traceback" in proc.stderr) == (0, False), proc.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir()) == [
        "bootstrap-staging",
        "disaster-recovery-staging-pr42",
        "event-processing-staging-pr42",
        "flask-api-staging-pr42",
        "fraud-detection-staging-pr42",
        "healthcare-api-staging-pr42",
    ]


@pytest.mark.checkov
def test_the_staging_copies_scan_clean(copies_dir: Path) -> None:
    """Checkov + the project's checks over the staging copies (all 18 were scanned once by hand: `python -m tools
    scan --suffix pr123456`, 4889 passed, 0 failed, 222 suppressed)."""
    from policies import scan  # pylint: disable=import-outside-toplevel

    files = sorted(copies_dir.glob(f"*-staging-{SUFFIX}/cdk.tf.json"))
    results = scan.evaluate(files)
    assert [r.stack for r in results] == [
        f"{w}-staging-{SUFFIX}"
        for w in ("disaster-recovery", "event-processing", "flask-api", "fraud-detection", "healthcare-api")
    ]
    assert [(r.stack, r.failed, r.problems) for r in results if not r.ok] == []
    assert all(r.passed > 0 for r in results)
