"""Every workload in every environment as an ephemeral copy with an 8-character suffix (the session synth's copies,
tests/conftest.py EPHEMERAL_SUFFIX): every physical name fits its service's limit and character set
(tests/core/physical_names.py), carries the suffix and is unique. The same copies are validated with Terraform
(tests/stacks/test_validate.py) and scanned (tests/policies/test_scan_wrapper.py) as every other stack."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EPHEMERAL_SUFFIX, ROOT, Synth, all_stack_names, ephemeral_stack_names, selected_workloads
from tests.core.physical_names import RULES, name_problems, physical_names

SUFFIX = EPHEMERAL_SUFFIX  # 8 characters, the longest suffix allowed


@pytest.fixture(scope="module")
def copies(synth: Synth) -> dict[str, dict[str, Any]]:
    """{stack name: cdk.tf.json} of every copy the session synth made (and of each environment's bootstrap stack,
    which holds the copies' state)."""
    names = ephemeral_stack_names() + [n for n in all_stack_names() if n.startswith("bootstrap-")]
    return {name: synth.json(name) for name in sorted(names)}


def test_every_workload_and_environment_synthesizes_with_an_8_character_suffix(
    synth: Synth, copies: dict[str, dict[str, Any]]
) -> None:
    assert len(SUFFIX) == 8
    expected = {
        f"{w}-{e}" if w == "bootstrap" else f"{w}-{e}-{SUFFIX}"
        for w in selected_workloads()
        for e in ("dev", "staging", "prod")
    }
    assert set(copies) == expected
    assert expected <= {d.name for d in (synth.outdir / "stacks").iterdir()}


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
