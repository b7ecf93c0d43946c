"""Invariants of every synthesized stack of every environment (and of the ephemeral copies)."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from cdktf import Testing

from config import load_environments
from core.tags import REQUIRED_TAG_KEYS
from tests.conftest import EPHEMERAL_SUFFIX, Synth, all_stack_names

STACKS = all_stack_names()
TOKEN_TEXT = re.compile(r"\$\{TfToken\[|Token\[|TOKEN\[")


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def env_of(stack: str) -> str:
    parts = stack.split("-")
    return parts[-2] if parts[-1] == EPHEMERAL_SUFFIX else parts[-1]


@pytest.mark.parametrize("stack", STACKS)
def test_no_unresolved_token_text_anywhere(synth: Synth, stack: str) -> None:
    """The seeds' `Output is not JSON serializable` class of bug: a token that was not resolved into a reference."""
    leaked = [s for s in strings(synth.json(stack)) if TOKEN_TEXT.search(s)]
    assert not leaked


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_resource_has_the_required_tags(synth: Synth, stack: str) -> None:
    env = env_of(stack)
    for rtype, resources in synth.json(stack).get("resource", {}).items():
        for name, body in resources.items():
            if "tags" in body:
                assert {k: body["tags"][k] for k in REQUIRED_TAG_KEYS if k in body["tags"]} == {
                    "Environment": env,
                    "Workload": stack.removesuffix(f"-{EPHEMERAL_SUFFIX}")[: -len(env) - 1],
                    "Owner": "platform-team",
                    "ManagedBy": "cdktf",
                }, f"{rtype}.{name}"
                assert body["tags"].get("Ephemeral") == (EPHEMERAL_SUFFIX if stack.endswith(EPHEMERAL_SUFFIX) else None)


@pytest.mark.parametrize("stack", STACKS)
def test_provider_is_pinned_to_the_environment_account(synth: Synth, stack: str) -> None:
    record = load_environments()[env_of(stack)]
    for provider in synth.json(stack)["provider"]["aws"]:
        assert provider["allowed_account_ids"] == [record.account_id]
    # the default (unaliased) provider is in the record's home region; health data has a region of its own
    region = record.healthcare_api.region if stack.startswith("healthcare-api-") else record.region
    assert Testing.to_have_provider_with_properties(
        synth.file(stack), "aws", {"region": region, "allowed_account_ids": [record.account_id]}
    )


@pytest.mark.parametrize("stack", [s for s in STACKS if not s.startswith("bootstrap-")])
def test_remote_state_is_encrypted_locked_and_keyed_by_stack(synth: Synth, stack: str) -> None:
    record = load_environments()[env_of(stack)]
    workload = stack[: stack.index(f"-{record.name}")]
    env_id = stack[len(workload) + 1 :]
    backend = synth.json(stack)["terraform"]["backend"]
    assert backend == {
        "s3": {
            "bucket": f"tfstate-{record.name}-{record.account_id}-{record.region}",
            "key": f"{workload}/{env_id}/terraform.tfstate",
            "region": record.region,
            "encrypt": True,
            "use_lockfile": True,
        }
    }


@pytest.mark.parametrize("stack", STACKS)
def test_no_required_version_block(synth: Synth, stack: str) -> None:
    """Checkov silently skips a file with terraform.required_version (machine.md): keep it out of the JSON."""
    assert "required_version" not in synth.json(stack)["terraform"]


def test_every_stack_was_synthesized(synth: Synth) -> None:
    assert sorted(synth.stacks) == sorted(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_every_bucket_sends_its_object_events_to_eventbridge(synth: Synth, stack: str) -> None:
    """CKV2_AWS_62 fixed rather than suppressed: one notification per bucket (S3 allows one), EventBridge on."""
    buckets = {f"${{aws_s3_bucket.{k}.id}}" for k in synth.resources(stack, "aws_s3_bucket")}
    notifications = synth.resources(stack, "aws_s3_bucket_notification").values()
    assert sorted(n["bucket"] for n in notifications) == sorted(buckets)
    assert all(n["eventbridge"] is True for n in notifications)


@pytest.mark.parametrize("stack", STACKS)
def test_every_log_group_keeps_a_year_unless_its_suppression_says_why(synth: Synth, stack: str) -> None:
    """The records keep logs 365 days or more everywhere; a shorter retention would carry the one reason text."""
    for name, group in synth.resources(stack, "aws_cloudwatch_log_group").items():
        reasons = [s for s in group.get("//", {}).get("suppressions", []) if s["id"] == "CKV_AWS_338"]
        assert group["retention_in_days"] >= 365 and not reasons, name
