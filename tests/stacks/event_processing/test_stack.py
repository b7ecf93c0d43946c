"""event-processing stack: exact synthesized settings per environment, from the environment records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import EPHEMERAL_SUFFIX, Synth
from tests.matching import exactly, policy_document

ENVS = ("dev", "staging", "prod")
RECORDS = load_environments()
ACCOUNTS = {env: record.account_id for env, record in RECORDS.items()}


def stack(env: str) -> str:
    return f"event-processing-{env}"


def ref(synth: Synth, name: str, rtype: str, prefix: str, attribute: str = "arn") -> str:
    """`${<rtype>.<id>.<attribute>}` of the resource whose logical id starts with `prefix`."""
    return f"${{{rtype}.{logical_id(synth, name, rtype, prefix)}.{attribute}}}"


def logical_id(synth: Synth, name: str, rtype: str, prefix: str) -> str:
    (found,) = [k for k in synth.resources(name, rtype) if k.startswith(f"{prefix}_")]
    return found


def body(synth: Synth, name: str, rtype: str, prefix: str) -> dict[str, Any]:
    return synth.resources(name, rtype)[logical_id(synth, name, rtype, prefix)]


@pytest.mark.parametrize("env", ENVS)
def test_provider_is_pinned_to_the_records_region_and_account(synth: Synth, env: str) -> None:
    record = RECORDS[env]
    provider = {"region": record.region, "allowed_account_ids": [record.account_id]}
    assert Testing.to_have_provider_with_properties(synth.file(stack(env)), "aws", provider)
    other = RECORDS["prod" if env == "dev" else "dev"].account_id
    wrong = {**provider, "allowed_account_ids": [other]}
    assert not Testing.to_have_provider_with_properties(synth.file(stack(env)), "aws", wrong)
    assert len(synth.json(stack(env))["provider"]["aws"]) == 1  # one provider: no alias


@pytest.mark.parametrize("env", ENVS)
def test_function_settings_come_from_the_environment_record(synth: Synth, env: str) -> None:
    settings = RECORDS[env].event_processing
    function = synth.only(stack(env), "aws_lambda_function")  # exactly one function
    blocks = {
        "tracing_config": {"mode": "Active"},
        "dead_letter_config": {"target_arn": ref(synth, stack(env), "aws_sqs_queue", "Tasks_DeadLetterQueue")},
    }
    expected = {
        "runtime": settings.runtime,
        "memory_size": settings.memory_mb,
        "timeout": settings.timeout_seconds,
        "reserved_concurrent_executions": settings.reserved_concurrency,
        "function_name": f"event-processing-processor-{env}",
        "handler": "handler.handler",
        "kms_key_arn": ref(synth, stack(env), "aws_kms_key", "Key"),
        **blocks,
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack(env)), "aws_lambda_function", expected)
    wrong = {**expected, "tracing_config": {"mode": "PassThrough"}}
    assert not Testing.to_have_resource_with_properties(synth.file(stack(env)), "aws_lambda_function", wrong)
    assert exactly(function, blocks)  # nested: exact here (matchers match a subset)


def test_environments_differ_exactly_as_configured(synth: Synth) -> None:
    expected = {
        "dev": ((256, 30, 2), 365, False),
        "staging": ((512, 60, 5), 365, True),
        "prod": ((1024, 120, 50), 365, True),
    }
    for env, ((memory, timeout, concurrency), days, protected) in expected.items():
        received = synth.file(stack(env))
        for rtype in ("aws_lambda_function", "aws_cloudwatch_log_group", "aws_dynamodb_table"):
            assert len(synth.resources(stack(env), rtype)) == 1, (env, rtype)  # exactly one of each
        function = {"memory_size": memory, "timeout": timeout, "reserved_concurrent_executions": concurrency}
        assert Testing.to_have_resource_with_properties(received, "aws_lambda_function", function)
        assert Testing.to_have_resource_with_properties(
            received, "aws_cloudwatch_log_group", {"retention_in_days": days}
        )
        table = {"deletion_protection_enabled": protected}
        assert Testing.to_have_resource_with_properties(received, "aws_dynamodb_table", table)
        assert not Testing.to_have_resource_with_properties(
            received, "aws_dynamodb_table", {"deletion_protection_enabled": not protected}
        )


def test_function_environment_names_table_topic_and_queues(synth: Synth) -> None:
    name = stack("dev")
    environment = {
        "variables": {
            "TABLE_NAME": ref(synth, name, "aws_dynamodb_table", "Metadata_Table", "name"),
            "ETAG_INDEX_NAME": "by-etag",
            "TOPIC_ARN": ref(synth, name, "aws_sns_topic", "Notifications_Topic"),
            "QUEUE_URL": ref(synth, name, "aws_sqs_queue", "Tasks_Queue", "url"),
            "DLQ_URL": ref(synth, name, "aws_sqs_queue", "Tasks_DeadLetterQueue", "url"),
            "RECORD_TTL_DAYS": "365",
        }
    }
    assert Testing.to_have_resource_with_properties(
        synth.file(name), "aws_lambda_function", {"environment": environment}
    )
    assert exactly(synth.only(name, "aws_lambda_function"), {"environment": environment})  # no other variable


@pytest.mark.parametrize("env", ENVS)
def test_queue_redrives_to_the_dlq_with_the_configured_count_and_retention(synth: Synth, env: str) -> None:
    settings, name = RECORDS[env].event_processing, stack(env)
    queue = body(synth, name, "aws_sqs_queue", "Tasks_Queue")
    assert json.loads(queue["redrive_policy"]) == {
        "deadLetterTargetArn": ref(synth, name, "aws_sqs_queue", "Tasks_DeadLetterQueue"),
        "maxReceiveCount": settings.max_receive_count,
    }
    key = ref(synth, name, "aws_kms_key", "Key")
    assert Testing.to_have_resource_with_properties(
        synth.file(name),
        "aws_sqs_queue",
        {
            "name": f"event-processing-tasks-{env}",
            "message_retention_seconds": settings.queue_retention_days * 86400,
            "visibility_timeout_seconds": 6 * settings.timeout_seconds,
            "kms_master_key_id": key,
        },
    )
    assert Testing.to_have_resource_with_properties(
        synth.file(name),
        "aws_sqs_queue",
        {
            "name": f"event-processing-tasks-dlq-{env}",
            "message_retention_seconds": settings.dlq_retention_days * 86400,
            "kms_master_key_id": key,
        },
    )


def test_queue_policy_lets_only_the_bucket_and_the_topic_send(synth: Synth) -> None:
    name = stack("staging")
    queue_arn = ref(synth, name, "aws_sqs_queue", "Tasks_Queue")
    statements = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": queue_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "AllowS3Send0",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::event-processing-data-staging-222222222222"}},
        },
        {
            "Sid": "AllowSnsSend1",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {
                "ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:222222222222:event-processing-processed-staging"}
            },
        },
    ]
    policy = {
        "queue_url": ref(synth, name, "aws_sqs_queue", "Tasks_Queue", "url"),
        "policy": policy_document(*statements),
    }
    assert Testing.to_have_resource_with_properties(synth.file(name), "aws_sqs_queue_policy", policy)
    anyone = [*statements, {**statements[1], "Sid": "AllowAnyone", "Principal": "*"}]
    assert not Testing.to_have_resource_with_properties(
        synth.file(name), "aws_sqs_queue_policy", {"policy": policy_document(*anyone)}
    )
    assert len(synth.resources(name, "aws_sqs_queue_policy")) == 2  # this one and the dead-letter queue's


def test_role_statements_name_only_the_actions_used_on_these_resources(synth: Synth) -> None:
    name = stack("prod")
    bucket = ref(synth, name, "aws_s3_bucket", "DataBucket")
    table = ref(synth, name, "aws_dynamodb_table", "Metadata_Table")
    actions = {
        "ReadDataObjects": ("s3:GetObject", f"{bucket}/*"),
        "RecordMetadata": ("dynamodb:PutItem", table),
        "FindDuplicates": ("dynamodb:Query", f"{table}/index/by-etag"),
        "PublishNotifications": ("sns:Publish", ref(synth, name, "aws_sns_topic", "Notifications_Topic")),
        "UseWorkloadKey": (["kms:Decrypt", "kms:GenerateDataKey"], ref(synth, name, "aws_kms_key", "Key")),
        "WriteOwnLogs": (
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            f"{ref(synth, name, 'aws_cloudwatch_log_group', 'Processor_LogGroup')}:*",
        ),
        "SendTraces": (["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*"),
        "SendToDeadLetterQueue": ("sqs:SendMessage", ref(synth, name, "aws_sqs_queue", "Tasks_DeadLetterQueue")),
        "ConsumeTriggerQueue": (
            ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
            ref(synth, name, "aws_sqs_queue", "Tasks_Queue"),
        ),
    }
    statements = [
        {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource}
        for sid, (action, resource) in actions.items()
    ]
    role = ref(synth, name, "aws_iam_role", "Processor_Role", "id")
    assert len(synth.resources(name, "aws_iam_role_policy")) == 1  # exactly one inline policy
    assert Testing.to_have_resource_with_properties(
        synth.file(name), "aws_iam_role_policy", {"role": role, "policy": policy_document(*statements)}
    )
    wildcard = [{**s, "Resource": "*"} if s["Sid"] == "RecordMetadata" else s for s in statements]
    assert not Testing.to_have_resource_with_properties(
        synth.file(name), "aws_iam_role_policy", {"policy": policy_document(*wildcard)}
    )
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
    assert Testing.to_have_resource_with_properties(
        synth.file(name),
        "aws_iam_role",
        {"name": "event-processing-processor-role-prod", "assume_role_policy": policy_document(trust)},
    )


@pytest.mark.parametrize("env", ENVS)
def test_data_bucket_lifecycle_and_notification(synth: Synth, env: str) -> None:
    settings, name = RECORDS[env].event_processing, stack(env)
    bucket = ref(synth, name, "aws_s3_bucket", "DataBucket", "id")
    transition = settings.noncurrent_version_transition_days
    versions = {
        "noncurrent_version_expiration": [{"noncurrent_days": settings.noncurrent_version_expiration_days}],
        "noncurrent_version_transition": None
        if transition is None
        else [{"noncurrent_days": transition, "storage_class": "STANDARD_IA"}],
    }
    assert Testing.to_have_resource_with_properties(
        synth.file(name), "aws_s3_bucket_lifecycle_configuration", {"bucket": bucket, "rule": [versions]}
    )
    (rule,) = body(synth, name, "aws_s3_bucket_lifecycle_configuration", "DataBucket_Lifecycle")["rule"]
    assert exactly(rule, versions)  # exact, and no transition where the record sets none
    policy_id = logical_id(synth, name, "aws_sqs_queue_policy", "Tasks_Policy")
    notification = {
        "bucket": bucket,
        "eventbridge": True,
        "queue": [{"queue_arn": ref(synth, name, "aws_sqs_queue", "Tasks_Queue"), "events": ["s3:ObjectCreated:*"]}],
        "depends_on": [f"aws_sqs_queue_policy.{policy_id}"],
    }
    assert Testing.to_have_resource_with_properties(synth.file(name), "aws_s3_bucket_notification", notification)
    assert not Testing.to_have_resource_with_properties(
        synth.file(name), "aws_s3_bucket_notification", {**notification, "eventbridge": False}
    )
    assert exactly(body(synth, name, "aws_s3_bucket_notification", "DataBucket"), notification)
    # through the log bucket's policy: S3 accepts the logging setup only once the policy lets it write
    assert Testing.to_have_resource_with_properties(
        synth.file(name),
        "aws_s3_bucket_logging",
        {
            "target_bucket": ref(synth, name, "aws_s3_bucket_policy", "AccessLogBucket_Policy", "bucket"),
            "target_prefix": f"s3/event-processing-data-{env}-{ACCOUNTS[env]}/",
        },
    )


@pytest.mark.parametrize("env", ENVS)
def test_table_index_recovery_encryption_and_ttl(synth: Synth, env: str) -> None:
    blocks = {
        "attribute": [
            {"name": "etag", "type": "S"},
            {"name": "object_id", "type": "S"},
            {"name": "processed_at", "type": "S"},
        ],
        "global_secondary_index": [
            {"name": "by-etag", "hash_key": "etag", "range_key": "processed_at", "projection_type": "ALL"}
        ],
        "point_in_time_recovery": {"enabled": True},
        "server_side_encryption": {"enabled": True, "kms_key_arn": ref(synth, stack(env), "aws_kms_key", "Key")},
        "ttl": {"attribute_name": "expires_at", "enabled": True},
    }
    expected = {
        "billing_mode": "PAY_PER_REQUEST",
        "hash_key": "object_id",
        "deletion_protection_enabled": RECORDS[env].deletion_protection,
        **blocks,
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack(env)), "aws_dynamodb_table", expected)
    unencrypted = {**expected, "server_side_encryption": {"enabled": False}}
    assert not Testing.to_have_resource_with_properties(synth.file(stack(env)), "aws_dynamodb_table", unencrypted)
    # nested blocks exact on the JSON (the matcher matches a block's keys as a subset)
    assert exactly(synth.only(stack(env), "aws_dynamodb_table"), blocks)


def test_topic_subscriptions_per_environment(synth: Synth) -> None:
    for env, expected in (("dev", ["TaskQueue"]), ("staging", ["TaskQueue"]), ("prod", ["Email", "TaskQueue"])):
        subs = synth.resources(stack(env), "aws_sns_topic_subscription")
        assert sorted(k.split("_")[1] for k in subs if k.startswith("Notifications_")) == expected
    prod, topic = stack("prod"), ref(synth, stack("prod"), "aws_sns_topic", "Notifications_Topic")
    queue = ref(synth, prod, "aws_sqs_queue", "Tasks_Queue")
    assert Testing.to_have_resource_with_properties(
        synth.file(prod),
        "aws_sns_topic_subscription",
        {"topic_arn": topic, "protocol": "sqs", "endpoint": queue, "raw_message_delivery": True},
    )
    email = RECORDS["prod"].event_processing.notification_email
    assert Testing.to_have_resource_with_properties(
        synth.file(prod), "aws_sns_topic_subscription", {"topic_arn": topic, "protocol": "email", "endpoint": email}
    )
    assert email == "platform-alerts@example.com"
    # the filter policies: JSON text with sorted keys (modules/topic.py), compared whole
    for protocol, event in (("sqs", "reprocess"), ("email", "object-processed")):
        filtered = {"protocol": protocol, "filter_policy": json.dumps({"event_type": [event]}, sort_keys=True)}
        assert Testing.to_have_resource_with_properties(synth.file(prod), "aws_sns_topic_subscription", filtered)
    assert Testing.to_have_resource_with_properties(
        synth.file(prod),
        "aws_sns_topic",
        {"name": "event-processing-processed-prod", "kms_master_key_id": ref(synth, prod, "aws_kms_key", "Key")},
    )


def test_queue_trigger_reports_partial_failures(synth: Synth) -> None:
    assert Testing.to_have_resource_with_properties(
        synth.file(stack("dev")),
        "aws_lambda_event_source_mapping",
        {
            "event_source_arn": ref(synth, stack("dev"), "aws_sqs_queue", "Tasks_Queue"),
            "batch_size": 10,
            "function_response_types": ["ReportBatchItemFailures"],
        },
    )


def test_ephemeral_copy_carries_the_suffix_in_every_physical_name(synth: Synth) -> None:
    name, env_id = f"event-processing-dev-{EPHEMERAL_SUFFIX}", f"dev-{EPHEMERAL_SUFFIX}"
    physical = {
        "aws_s3_bucket": "bucket",
        "aws_dynamodb_table": "name",
        "aws_sqs_queue": "name",
        "aws_sns_topic": "name",
        "aws_lambda_function": "function_name",
        "aws_iam_role": "name",
        "aws_cloudwatch_log_group": "name",
        "aws_kms_alias": "name",
    }
    names = sorted(b[attr] for rtype, attr in physical.items() for b in synth.resources(name, rtype).values())
    assert names == sorted(
        [
            f"event-processing-data-{env_id}-111111111111",
            f"event-processing-access-logs-{env_id}-111111111111",
            f"event-processing-metadata-{env_id}",
            f"event-processing-tasks-{env_id}",
            f"event-processing-tasks-dlq-{env_id}",
            f"event-processing-processed-{env_id}",
            f"event-processing-processor-{env_id}",
            f"event-processing-processor-{env_id}-alarms",
            f"event-processing-processor-role-{env_id}",
            f"/aws/lambda/event-processing-processor-{env_id}",
            f"alias/event-processing-key-{env_id}",
        ]
    )
    assert {b["force_destroy"] for b in synth.resources(name, "aws_s3_bucket").values()} == {True}
    assert {b["force_destroy"] for b in synth.resources(stack("dev"), "aws_s3_bucket").values()} == {False}
    assert synth.json(name)["terraform"]["backend"]["s3"]["key"] == f"event-processing/{env_id}/terraform.tfstate"


@pytest.mark.parametrize("env", ENVS)
def test_suppressions_are_exactly_these(synth: Synth, env: str) -> None:
    found = {
        f"{rtype}.{key.split('_')[0]}": sorted(s["id"] for s in b["//"]["suppressions"])
        for rtype, items in synth.json(stack(env))["resource"].items()
        for key, b in items.items()
        if "suppressions" in b.get("//", {})
    }
    expected = {
        "aws_s3_bucket.DataBucket": ["CKV_AWS_144"],
        "aws_s3_bucket.AccessLogBucket": ["CKV_AWS_144", "CKV_AWS_145", "CKV_AWS_18"],
        "aws_lambda_function.Processor": ["CKV_AWS_117", "CKV_AWS_272"],
    }
    assert found == expected


def test_outputs_are_all_described(synth: Synth) -> None:
    outputs = synth.json(stack("dev"))["output"]
    assert sorted(outputs) == [
        "alarm_topic_arn",
        "bucket_arn",
        "bucket_name",
        "dlq_arn",
        "dlq_url",
        "function_arn",
        "function_name",
        "kms_key_arn",
        "queue_arn",
        "queue_url",
        "role_arn",
        "table_arn",
        "table_name",
        "topic_arn",
    ]
    assert all(len(o["description"]) > 10 for o in outputs.values())
    assert outputs["dlq_arn"]["value"] == ref(synth, stack("dev"), "aws_sqs_queue", "Tasks_DeadLetterQueue")
