"""The account's CloudTrail trail in every environment's bootstrap stack (issue 18, modules/audit_trail.py): exact
trail settings, the key and bucket policies the CloudTrail guide asks for, the CloudWatch Logs delivery, the state
bucket's object-level events, and exactly the suppressions it declares, with their reasons."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from modules.audit_trail import MIN_LOG_DAYS
from tests.conftest import Synth, props_error
from tests.matching import policy_document

RECORDS = load_environments()
ENVS = ("dev", "staging", "prod")
SERVICE = {"Service": "cloudtrail.amazonaws.com"}


def one(synth: Synth, stack: str, rtype: str, prefix: str = "AuditTrail_") -> tuple[str, dict[str, Any]]:
    (found,) = [(k, b) for k, b in synth.resources(stack, rtype).items() if k.startswith(prefix)]
    return found


def ref(rtype: str, logical_id: str, attribute: str) -> str:
    return f"${{{rtype}.{logical_id}.{attribute}}}"


@pytest.mark.parametrize("env", ENVS)
def test_trail_is_multi_region_validated_encrypted_and_logging(synth: Synth, env: str) -> None:
    stack, account = f"bootstrap-{env}", RECORDS[env].account_id
    _, trail = one(synth, stack, "aws_cloudtrail")
    key_id, _ = one(synth, stack, "aws_kms_key")
    bucket_id, _ = one(synth, stack, "aws_s3_bucket")
    state_id, _ = one(synth, stack, "aws_s3_bucket", "StateBucket_")
    group_id, _ = one(synth, stack, "aws_cloudwatch_log_group")
    role_id, _ = one(synth, stack, "aws_iam_role")
    policy_id, _ = one(synth, stack, "aws_iam_role_policy")
    bucket_policy_id, _ = one(synth, stack, "aws_s3_bucket_policy")
    expected = {
        "name": f"bootstrap-trail-{env}",
        "s3_bucket_name": ref("aws_s3_bucket", bucket_id, "bucket"),
        "kms_key_id": ref("aws_kms_key", key_id, "arn"),
        "is_multi_region_trail": True,
        "include_global_service_events": True,
        "enable_log_file_validation": True,
        "enable_logging": True,
        "cloud_watch_logs_group_arn": f"{ref('aws_cloudwatch_log_group', group_id, 'arn')}:*",
        "cloud_watch_logs_role_arn": ref("aws_iam_role", role_id, "arn"),
        "event_selector": [
            {
                "read_write_type": "All",
                "include_management_events": True,
                "data_resource": [{"type": "AWS::S3::Object", "values": [f"{ref('aws_s3_bucket', state_id, 'arn')}/"]}],
            }
        ],
        "depends_on": [f"aws_s3_bucket_policy.{bucket_policy_id}", f"aws_iam_role_policy.{policy_id}"],
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_cloudtrail", expected)
    for wrong in ({"is_multi_region_trail": False}, {"enable_log_file_validation": False}, {"enable_logging": False}):
        assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_cloudtrail", expected | wrong)
    # exact on the JSON: no other property (the matcher matches the nested selectors as subsets)
    assert {k: v for k, v in trail.items() if k not in ("//", "tags")} == expected
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_s3_bucket", {"bucket": f"bootstrap-audit-{env}-{account}"}
    )
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_cloudwatch_log_group",
        {
            "name": f"/aws/cloudtrail/bootstrap-trail-{env}",
            "retention_in_days": max(RECORDS[env].log_retention_days, MIN_LOG_DAYS),
            "kms_key_id": ref("aws_kms_key", key_id, "arn"),
        },
    )


@pytest.mark.parametrize("env", ENVS)
def test_key_and_bucket_policies_let_only_this_trail_deliver(synth: Synth, env: str) -> None:
    stack, record = f"bootstrap-{env}", RECORDS[env]
    trail_arn = f"arn:aws:cloudtrail:us-east-1:{record.account_id}:trail/bootstrap-trail-{env}"
    this_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
    key_id, key = one(synth, stack, "aws_kms_key")
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_kms_key", {"policy": key["policy"], "enable_key_rotation": True}
    ), key_id  # the policy picks the trail's key out of the stack's two
    statements = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    assert sorted(statements) == [
        "AccountAdministers",
        "CloudTrailDescribesKey",
        "CloudTrailEncryptsLogFiles",
        "ServicesUseKey",
    ]
    assert statements["ServicesUseKey"]["Principal"] == {"Service": ["logs.us-east-1.amazonaws.com"]}
    for sid, action in (
        ("CloudTrailEncryptsLogFiles", "kms:GenerateDataKey*"),
        ("CloudTrailDescribesKey", "kms:DescribeKey"),
    ):
        assert statements[sid] | {"Sid": sid} == {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": SERVICE,
            "Action": action,
            "Resource": "*",
            "Condition": this_trail,
        }
    _, policy = one(synth, stack, "aws_s3_bucket_policy")
    bucket = f"arn:aws:s3:::bootstrap-audit-{env}-{record.account_id}"
    (deny, acl, write) = json.loads(policy["policy"])["Statement"]
    assert (deny["Sid"], deny["Effect"]) == ("DenyInsecureTransport", "Deny")
    assert acl == {
        "Sid": "CloudTrailChecksAcl",
        "Effect": "Allow",
        "Principal": SERVICE,
        "Action": "s3:GetBucketAcl",
        "Resource": bucket,
        "Condition": this_trail,
    }
    assert write == {
        "Sid": "CloudTrailWritesLogFiles",
        "Effect": "Allow",
        "Principal": SERVICE,
        "Action": "s3:PutObject",
        "Resource": f"{bucket}/AWSLogs/{record.account_id}/*",
        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
    }
    _, lifecycle = one(synth, stack, "aws_s3_bucket_lifecycle_configuration")
    bucket_id, _ = one(synth, stack, "aws_s3_bucket")
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_s3_bucket_lifecycle_configuration",
        {
            "bucket": ref("aws_s3_bucket", bucket_id, "id"),
            "rule": [
                {
                    "noncurrent_version_expiration": [
                        {"noncurrent_days": record.state.noncurrent_version_expiration_days}
                    ]
                }
            ],
        },
    )
    (rule,) = lifecycle["rule"]
    assert rule["noncurrent_version_expiration"] == [  # exact: no other key in the block
        {"noncurrent_days": record.state.noncurrent_version_expiration_days}
    ]
    assert "expiration" not in rule  # log files themselves are never expired


def test_delivery_role_writes_only_to_the_trail_log_group(synth: Synth) -> None:
    role_id, role = one(synth, "bootstrap-prod", "aws_iam_role")
    group_id, _ = one(synth, "bootstrap-prod", "aws_cloudwatch_log_group")
    trust = policy_document({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": SERVICE})
    assert Testing.to_have_resource_with_properties(
        synth.file("bootstrap-prod"),
        "aws_iam_role",
        {"name": "bootstrap-trail-prod-logs", "assume_role_policy": trust},
    )
    assert role["name"] == "bootstrap-trail-prod-logs"  # the trail's role (`one`: the only one of the trail)
    deliver = {
        "Sid": "DeliverEvents",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"{ref('aws_cloudwatch_log_group', group_id, 'arn')}:log-stream:*",
    }
    one(synth, "bootstrap-prod", "aws_iam_role_policy")  # exactly one policy of the trail
    assert Testing.to_have_resource_with_properties(
        synth.file("bootstrap-prod"),
        "aws_iam_role_policy",
        {"role": ref("aws_iam_role", role_id, "id"), "policy": policy_document(deliver)},
    )
    wider = {**deliver, "Resource": "*"}
    assert not Testing.to_have_resource_with_properties(
        synth.file("bootstrap-prod"), "aws_iam_role_policy", {"policy": policy_document(wider)}
    )
    assert not Testing.to_have_resource(synth.file("bootstrap-prod"), "aws_iam_role_policy_attachment")


@pytest.mark.parametrize("env", ENVS)
def test_suppressions_are_exactly_these(synth: Synth, env: str) -> None:
    found = {
        f"{rtype}.{key.rsplit('_', 1)[0]}": {s["id"]: s["reason"] for s in body["//"]["suppressions"]}
        for rtype, items in synth.json(f"bootstrap-{env}")["resource"].items()
        for key, body in items.items()
        if body.get("//", {}).get("suppressions")
    }
    assert found == {
        "aws_s3_bucket.StateBucket": {
            "CKV_AWS_144": "state is recoverable from versioning; a replica region is not required for the bootstrap "
            "bucket and would need its own bootstrap",
            "CKV_AWS_18": "every read and write of a state object is recorded by the environment's CloudTrail trail "
            "(S3 data events, below); the bucket is private, TLS-only, KMS-encrypted and versioned",
        },
        "aws_s3_bucket.AuditTrail_Bucket": {
            "CKV_AWS_18": "holds only CloudTrail's log files, written by CloudTrail alone (bucket policy) and proven "
            "unchanged by the trail's digest files; server access logs of it would need yet another bucket",
            "CKV_AWS_144": "the trail is multi-region, so this one bucket in the environment's region receives every "
            "region's log files; a replica in a second region would need a bootstrap there",
        },
        "aws_cloudtrail.AuditTrail": {
            "CKV_AWS_252": "no SNS topic: nothing would consume a notification per delivered log file; the trail is "
            "watched through its CloudWatch Logs group",
        },
    }


def test_props_are_checked_before_anything_is_built(synth: Synth) -> None:
    del synth  # loads the bindings
    from modules.audit_trail import AuditTrail, AuditTrailProps  # pylint: disable=import-outside-toplevel

    props = AuditTrailProps(
        name="t",
        bucket_name="audit",
        account_id="111111111111",
        region="us-east-1",
        log_retention_days=7,
        noncurrent_version_expiration_days=30,
        data_event_bucket_arns=("audit", "arn:aws:s3:::audit"),
    )
    assert props_error(AuditTrail, "T", props) == (
        "AuditTrail T: 3 invalid prop(s):\n"
        "  - name 't': a trail name is 3-128 characters\n"
        "  - data_event_bucket_arns are S3 bucket ARNs (arn:aws:s3:::<bucket>)\n"
        "  - the trail's own bucket cannot be a data event source: CloudTrail would log its own deliveries"
    )
