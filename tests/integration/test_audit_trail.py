"""The account's CloudTrail trail of bootstrap-dev really applied (emulator or account), read back with boto3; the
clean second plan of the whole stack is tests/integration/test_bootstrap.py's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Deployment

pytestmark = pytest.mark.integration
STACK = "bootstrap-dev"


@pytest.fixture(scope="module")
def outputs(deploy: Any) -> dict[str, Any]:
    found: dict[str, Any] = deploy(STACK)
    return found


@pytest.fixture(scope="module")
def trail(outputs: dict[str, Any], emulator_deployment: Deployment) -> dict[str, Any]:
    (found,) = emulator_deployment.client("cloudtrail").describe_trails(trailNameList=[outputs["audit_trail_arn"]])[
        "trailList"
    ]
    return dict(found)


def test_trail_is_multi_region_validated_and_logging(
    outputs: dict[str, Any], trail: dict[str, Any], emulator_deployment: Deployment
) -> None:
    assert (trail["Name"], trail["S3BucketName"]) == ("bootstrap-trail-dev", outputs["audit_bucket_name"])
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["LogFileValidationEnabled"] is True
    status = emulator_deployment.client("cloudtrail").get_trail_status(Name=outputs["audit_trail_arn"])
    assert status["IsLogging"] is True


def test_trail_is_encrypted_and_delivered_to_its_log_group(
    outputs: dict[str, Any], trail: dict[str, Any], emulator_deployment: Deployment
) -> None:
    kms = emulator_deployment.client("kms")
    key = kms.describe_key(KeyId=trail["KmsKeyId"])["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    logs = emulator_deployment.client("logs")
    (group,) = logs.describe_log_groups(logGroupNamePrefix=outputs["audit_log_group_name"])["logGroups"]
    assert trail["CloudWatchLogsLogGroupArn"] == group["arn"]
    assert (group["retentionInDays"], group["kmsKeyId"]) == (365, key["Arn"])


def test_state_objects_are_recorded_as_data_events(outputs: dict[str, Any], emulator_deployment: Deployment) -> None:
    selectors = emulator_deployment.client("cloudtrail").get_event_selectors(TrailName=outputs["audit_trail_arn"])
    (selector,) = selectors["EventSelectors"]
    assert (selector["ReadWriteType"], selector["IncludeManagementEvents"]) == ("All", True)
    assert selector["DataResources"] == [{"Type": "AWS::S3::Object", "Values": [f"{outputs['state_bucket_arn']}/"]}]


def test_audit_bucket_is_private_versioned_and_kms_encrypted(
    outputs: dict[str, Any], trail: dict[str, Any], emulator_deployment: Deployment
) -> None:
    s3 = emulator_deployment.client("s3")
    bucket = outputs["audit_bucket_name"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": trail["KmsKeyId"],
    }
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert set(block.values()) == {True}
