"""The bootstrap stack really applied to the emulator, checked with boto3, and re-planned clean."""

from __future__ import annotations

import json
from typing import Callable

import pytest

from tests.conftest import Deployment, integration_target
from tools.deploy import OUTPUTS_FILE

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def outputs(deploy) -> dict:
    return deploy("bootstrap-dev")


def test_outputs_file_holds_the_stack_outputs(outputs: dict) -> None:
    flat = json.loads(OUTPUTS_FILE.read_text(encoding="utf-8"))
    assert flat["bootstrap-dev"] == outputs
    assert outputs["state_bucket_name"] == f"tfstate-dev-{integration_target().account_id}-us-east-1"
    assert outputs["state_region"] == "us-east-1"


def test_bucket_is_versioned_and_kms_encrypted(outputs: dict, emulator_deployment: Deployment) -> None:
    s3 = emulator_deployment.client("s3")
    bucket = outputs["state_bucket_name"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": outputs["state_kms_key_arn"],
    }


def test_public_access_is_blocked(outputs: dict, emulator_deployment: Deployment) -> None:
    config = emulator_deployment.client("s3").get_public_access_block(Bucket=outputs["state_bucket_name"])[
        "PublicAccessBlockConfiguration"
    ]
    assert config == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_policy_denies_insecure_transport(outputs: dict, emulator_deployment: Deployment) -> None:
    s3 = emulator_deployment.client("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=outputs["state_bucket_name"])["Policy"])
    (statement,) = policy["Statement"]
    assert (statement["Effect"], statement["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    assert statement["Resource"] == [outputs["state_bucket_arn"], f"{outputs['state_bucket_arn']}/*"]


def test_key_rotates(outputs: dict, emulator_deployment: Deployment) -> None:
    kms = emulator_deployment.client("kms")
    assert kms.get_key_rotation_status(KeyId=outputs["state_kms_key_arn"])["KeyRotationEnabled"] is True


def test_lifecycle_expires_noncurrent_versions(outputs: dict, emulator_deployment: Deployment) -> None:
    rules = emulator_deployment.client("s3").get_bucket_lifecycle_configuration(Bucket=outputs["state_bucket_name"])[
        "Rules"
    ]
    assert [r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in rules] == [30]


def test_object_events_go_to_eventbridge(outputs: dict, emulator_deployment: Deployment) -> None:
    s3 = emulator_deployment.client("s3")
    notifications = s3.get_bucket_notification_configuration(Bucket=outputs["state_bucket_name"])
    assert notifications["EventBridgeConfiguration"] == {}


def test_second_plan_has_no_changes(outputs: dict, second_plan: Callable[[str], bool]) -> None:
    """A plan of the applied stack has no changes (planned side by side with the others once all applied)."""
    del outputs
    assert second_plan("bootstrap-dev") is False
