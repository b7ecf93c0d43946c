"""Bootstrap stack: the state bucket's exact settings in every environment (the account's CloudTrail trail, in the
same stack: tests/modules/test_audit_trail.py). The values with cdktf's Testing matchers; a matcher finds ANY
resource of the type, and the trail's bucket and key have the same settings, so each expected body names the state
bucket (`bucket`) or the matcher looks at the state key alone (tests/matching.py `alone`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import Synth
from tests.matching import alone

RECORDS = load_environments()
# env -> (account, noncurrent version days), from the records
ENVS = {
    env: (RECORDS[env].account_id, RECORDS[env].state.noncurrent_version_expiration_days)
    for env in ("dev", "staging", "prod")
}


def state(synth: Synth, stack: str, rtype: str) -> tuple[str, dict[str, Any]]:
    """(logical id, body) of the single `rtype` resource of the state bucket or its key (ids `StateBucket_*`,
    `StateKey_*`), beside the audit trail's own bucket and key."""
    (found,) = [(k, b) for k, b in synth.resources(stack, rtype).items() if k.startswith(("StateBucket_", "StateKey_"))]
    return found


def state_bucket(synth: Synth, stack: str) -> str:
    """`${aws_s3_bucket.<state bucket>.id}`: the `bucket` argument of the state bucket's settings resources."""
    return f"${{aws_s3_bucket.{state(synth, stack, 'aws_s3_bucket')[0]}.id}}"


@pytest.mark.parametrize("env", sorted(ENVS))
def test_state_bucket_is_named_for_environment_and_account(synth: Synth, env: str) -> None:
    account, _ = ENVS[env]
    assert Testing.to_have_resource_with_properties(
        synth.file(f"bootstrap-{env}"),
        "aws_s3_bucket",
        {"bucket": f"tfstate-{env}-{account}-{RECORDS[env].region}", "force_destroy": False},
    )
    provider = {"region": RECORDS[env].region, "allowed_account_ids": [account]}
    assert Testing.to_have_provider_with_properties(synth.file(f"bootstrap-{env}"), "aws", provider)


@pytest.mark.parametrize("env", sorted(ENVS))
def test_state_bucket_keeps_noncurrent_versions_as_configured(synth: Synth, env: str) -> None:
    rule = {
        "status": "Enabled",
        "noncurrent_version_expiration": [{"noncurrent_days": ENVS[env][1]}],
        "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
    }
    lifecycle = {"bucket": state_bucket(synth, f"bootstrap-{env}"), "rule": [rule]}
    assert Testing.to_have_resource_with_properties(
        synth.file(f"bootstrap-{env}"), "aws_s3_bucket_lifecycle_configuration", lifecycle
    )
    longer = {**rule, "noncurrent_version_expiration": [{"noncurrent_days": ENVS[env][1] + 1}]}
    assert not Testing.to_have_resource_with_properties(
        synth.file(f"bootstrap-{env}"), "aws_s3_bucket_lifecycle_configuration", {**lifecycle, "rule": [longer]}
    )


def test_state_bucket_is_versioned_encrypted_and_private(synth: Synth) -> None:
    name = "bootstrap-dev"
    bucket = state_bucket(synth, name)
    key_id, _ = state(synth, name, "aws_kms_key")
    assert Testing.to_have_resource_with_properties(
        synth.file(name),
        "aws_s3_bucket_versioning",
        {"bucket": bucket, "versioning_configuration": {"status": "Enabled"}},
    )
    default = {"sse_algorithm": "aws:kms", "kms_master_key_id": f"${{aws_kms_key.{key_id}.arn}}"}
    assert Testing.to_have_resource_with_properties(
        synth.file(name),
        "aws_s3_bucket_server_side_encryption_configuration",
        {"bucket": bucket, "rule": [{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": True}]},
    )
    blocked = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    assert Testing.to_have_resource_with_properties(
        synth.file(name), "aws_s3_bucket_public_access_block", {"bucket": bucket, **dict.fromkeys(blocked, True)}
    )
    owner = {"bucket": bucket, "rule": {"object_ownership": "BucketOwnerEnforced"}}
    assert Testing.to_have_resource_with_properties(synth.file(name), "aws_s3_bucket_ownership_controls", owner)


def test_state_bucket_policy_denies_plain_http(synth: Synth) -> None:
    assert Testing.to_have_resource_with_properties(
        synth.file("bootstrap-dev"), "aws_s3_bucket_policy", {"bucket": state_bucket(synth, "bootstrap-dev")}
    )
    policy = json.loads(state(synth, "bootstrap-dev", "aws_s3_bucket_policy")[1]["policy"])  # a JSON text: by hand
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    bucket_id, _ = state(synth, "bootstrap-dev", "aws_s3_bucket")
    assert statement["Resource"] == [f"${{aws_s3_bucket.{bucket_id}.arn}}", f"${{aws_s3_bucket.{bucket_id}.arn}}/*"]


def test_state_key_rotates(synth: Synth) -> None:
    key_id, key = state(synth, "bootstrap-prod", "aws_kms_key")
    assert Testing.to_have_resource_with_properties(
        alone("aws_kms_key", key_id, key), "aws_kms_key", {"enable_key_rotation": True}
    )  # the state key alone: the trail's key rotates too
    assert Testing.to_have_resource_with_properties(
        synth.file("bootstrap-prod"),
        "aws_kms_alias",
        {"name": "alias/tfstate-prod", "target_key_id": f"${{aws_kms_key.{key_id}.key_id}}"},
    )


def test_bootstrap_keeps_local_state_in_state_folder(synth: Synth) -> None:
    backend = synth.json("bootstrap-staging")["terraform"]["backend"]
    assert backend == {"local": {"path": "../../../state/bootstrap-staging.tfstate"}}


def test_cdktf_testing_sees_the_bucket(synth: Synth) -> None:
    synthesized = Testing.synth(synth.stacks["bootstrap-dev"])
    assert Testing.to_have_resource_with_properties(
        synthesized, "aws_s3_bucket_versioning", {"versioning_configuration": {"status": "Enabled"}}
    )


def test_outputs_are_described(synth: Synth) -> None:
    outputs = synth.json("bootstrap-dev")["output"]
    assert sorted(outputs) == [
        "audit_bucket_name",
        "audit_log_group_name",
        "audit_trail_arn",
        "state_bucket_arn",
        "state_bucket_name",
        "state_kms_key_arn",
        "state_region",
    ]
    assert all(o["description"] for o in outputs.values())
