"""event-processing-dev deployed to the emulator, checked with boto3 against cfn-outputs/flat-outputs.json."""

from __future__ import annotations

import json
import urllib.parse
import uuid
from typing import Any, Callable

import pytest

from tests.conftest import Deployment, Synth, integration_target

pytestmark = pytest.mark.integration
TARGET = integration_target()
STACK = TARGET.stack("event-processing")
ENV = TARGET.env_id
ACCOUNT = TARGET.account_id


@pytest.fixture(scope="module")
def outputs(deploy: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return deploy(STACK)


@pytest.fixture(scope="module")
def aws(emulator_deployment: Deployment) -> Callable[[str], Any]:
    return emulator_deployment.client


def queue_messages(sqs: Any, url: str, wanted: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """Messages on the queue for which `wanted` is true (polls a few times; deletes what it returns)."""
    found = []
    for _ in range(5):
        for message in sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        ).get("Messages", []):
            if wanted(message):
                found.append(message)
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if found:
            return found
    return found


def test_outputs_name_every_resource_for_the_environment(outputs: dict[str, Any]) -> None:
    assert outputs["bucket_name"] == f"event-processing-data-{ENV}-{ACCOUNT}"
    assert outputs["bucket_arn"] == f"arn:aws:s3:::event-processing-data-{ENV}-{ACCOUNT}"
    assert outputs["table_arn"] == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/event-processing-metadata-{ENV}"
    assert outputs["topic_arn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:event-processing-processed-{ENV}"
    assert outputs["queue_arn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:event-processing-tasks-{ENV}"
    assert outputs["dlq_arn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:event-processing-tasks-dlq-{ENV}"
    assert outputs["queue_url"].endswith(f"/{ACCOUNT}/event-processing-tasks-{ENV}")
    assert outputs["dlq_url"].endswith(f"/{ACCOUNT}/event-processing-tasks-dlq-{ENV}")
    assert outputs["function_name"] == f"event-processing-processor-{ENV}"
    assert outputs["function_arn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:event-processing-processor-{ENV}"
    assert outputs["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/event-processing-processor-role-{ENV}"


def test_bucket_is_versioned_encrypted_private_logged_and_expires_old_versions(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    s3, bucket = aws("s3"), outputs["bucket_name"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": outputs["kms_key_arn"],
    }
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert lifecycle["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert "NoncurrentVersionTransitions" not in lifecycle
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {
        "TargetBucket": f"event-processing-access-logs-{ENV}-{ACCOUNT}",
        "TargetPrefix": f"s3/{bucket}/",
    }


def test_bucket_notifies_the_task_queue_and_eventbridge_of_new_objects(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    notifications = aws("s3").get_bucket_notification_configuration(Bucket=outputs["bucket_name"])
    (config,) = notifications["QueueConfigurations"]
    assert (config["QueueArn"], config["Events"]) == (outputs["queue_arn"], ["s3:ObjectCreated:*"])
    assert notifications["EventBridgeConfiguration"] == {}


def test_table_has_index_recovery_encryption_and_ttl(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    dynamodb = aws("dynamodb")
    table = dynamodb.describe_table(TableName=outputs["table_name"])["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "object_id", "KeyType": "HASH"}]
    (index,) = table["GlobalSecondaryIndexes"]
    assert (index["IndexName"], index["KeySchema"], index["Projection"]) == (
        "by-etag",
        [{"AttributeName": "etag", "KeyType": "HASH"}, {"AttributeName": "processed_at", "KeyType": "RANGE"}],
        {"ProjectionType": "ALL"},
    )
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["SSEDescription"]["SSEType"] == "KMS"
    assert table["SSEDescription"]["KMSMasterKeyArn"] == outputs["kms_key_arn"]
    assert table["DeletionProtectionEnabled"] is False
    backups = dynamodb.describe_continuous_backups(TableName=outputs["table_name"])["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    ttl = dynamodb.describe_time_to_live(TableName=outputs["table_name"])["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_queues_retention_encryption_and_redrive(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    queue = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"], AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=outputs["dlq_url"], AttributeNames=["All"])["Attributes"]
    assert (queue["MessageRetentionPeriod"], queue["VisibilityTimeout"]) == ("86400", "180")
    assert dlq["MessageRetentionPeriod"] == "604800"
    assert queue["KmsMasterKeyId"] == dlq["KmsMasterKeyId"] == outputs["kms_key_arn"]
    assert json.loads(queue["RedrivePolicy"]) == {"deadLetterTargetArn": outputs["dlq_arn"], "maxReceiveCount": 3}
    statements = {s["Sid"]: s for s in json.loads(queue["Policy"])["Statement"]}
    assert sorted(statements) == ["AllowS3Send0", "AllowSnsSend1", "DenyInsecureTransport"]
    assert statements["AllowS3Send0"]["Condition"] == {"ArnEquals": {"aws:SourceArn": outputs["bucket_arn"]}}
    assert statements["AllowSnsSend1"]["Condition"] == {"ArnEquals": {"aws:SourceArn": outputs["topic_arn"]}}


def test_topic_is_encrypted_and_feeds_only_reprocess_requests_to_the_queue(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    sns = aws("sns")
    topic = sns.get_topic_attributes(TopicArn=outputs["topic_arn"])["Attributes"]
    assert topic["KmsMasterKeyId"] == outputs["kms_key_arn"]
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=outputs["topic_arn"])["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("sqs", outputs["queue_arn"])
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == {"event_type": ["reprocess"]}


def test_function_configuration(outputs: dict[str, Any], aws: Callable[[str], Any], synth: Synth) -> None:
    lam = aws("lambda")
    config = lam.get_function_configuration(FunctionName=outputs["function_name"])
    assert (config["Runtime"], config["MemorySize"], config["Timeout"], config["Handler"]) == (
        "python3.12",
        256,
        30,
        "handler.handler",
    )
    assert config["Role"] == outputs["role_arn"]
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert config["DeadLetterConfig"] == {"TargetArn": outputs["dlq_arn"]}
    assert config["KMSKeyArn"] == outputs["kms_key_arn"]
    assert config["Environment"]["Variables"] == {
        "TABLE_NAME": outputs["table_name"],
        "ETAG_INDEX_NAME": "by-etag",
        "TOPIC_ARN": outputs["topic_arn"],
        "QUEUE_URL": outputs["queue_url"],
        "DLQ_URL": outputs["dlq_url"],
        "RECORD_TTL_DAYS": "365",
    }
    assert config["CodeSha256"] == synth.only(STACK, "aws_lambda_function")["source_code_hash"]
    assert lam.get_function_concurrency(FunctionName=outputs["function_name"])["ReservedConcurrentExecutions"] == 2
    (mapping,) = lam.list_event_source_mappings(EventSourceArn=outputs["queue_arn"])["EventSourceMappings"]
    assert (mapping["FunctionArn"], mapping["BatchSize"], mapping["FunctionResponseTypes"]) == (
        outputs["function_arn"],
        10,
        ["ReportBatchItemFailures"],
    )


@pytest.mark.emulator_only  # on AWS the processor consumes the task queue before the test can read it
def test_reprocess_request_published_to_the_topic_reaches_the_queue_and_notifications_do_not(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    sns, sqs, marker = aws("sns"), aws("sqs"), uuid.uuid4().hex
    for event_type in ("object-processed", "reprocess"):
        sns.publish(
            TopicArn=outputs["topic_arn"],
            Message=json.dumps({"marker": marker, "type": event_type}),
            MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}},
        )
    arrived = queue_messages(sqs, outputs["queue_url"], lambda m: marker in m["Body"])
    assert [json.loads(m["Body"]) for m in arrived] == [{"marker": marker, "type": "reprocess"}]


@pytest.mark.emulator_only  # on AWS the processor consumes the event: test_object_put_is_processed_into_the_table
def test_object_put_sends_its_event_to_the_task_queue(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    marker = uuid.uuid4().hex
    key = f"incoming/{marker}.csv"
    aws("s3").put_object(Bucket=outputs["bucket_name"], Key=key, Body=b"a,b\n1,2\n")
    (message,) = queue_messages(aws("sqs"), outputs["queue_url"], lambda m: marker in m["Body"])
    (record,) = json.loads(message["Body"])["Records"]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"]["name"] == outputs["bucket_name"]
    # keys arrive URL-encoded, as from S3: the handler decodes them with unquote_plus
    assert urllib.parse.unquote_plus(record["s3"]["object"]["key"]) == key
    assert record["s3"]["object"]["size"] == 8


@pytest.mark.emulator_gap
def test_processor_invocation() -> None:
    if TARGET.name == "aws":
        return  # runs for real on AWS: test_object_put_is_processed_into_the_table
    pytest.skip(
        "the emulator (moto) runs Lambda code only in Docker, which this machine does not have; the "
        "handler's S3/SQS paths, DynamoDB writes, SNS publishes and retry decisions are covered by "
        "tests/lambda_src/test_event_processor.py with moto in-process"
    )


@pytest.mark.aws_only
def test_object_put_is_processed_into_the_table(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    """S3 -> SQS -> Lambda -> DynamoDB end to end (the emulator cannot run the function)."""
    import time  # pylint: disable=import-outside-toplevel

    key = f"incoming/{uuid.uuid4().hex}.csv"
    aws("s3").put_object(Bucket=outputs["bucket_name"], Key=key, Body=b"a,b\n1,2\n", ContentType="text/csv")
    table, object_id, item = outputs["table_arn"].rsplit("/", 1)[1], f"{outputs['bucket_name']}/{key}", None
    for _ in range(24):  # polled up to ~2 minutes: SQS batching and a cold start
        item = aws("dynamodb").get_item(TableName=table, Key={"object_id": {"S": object_id}}).get("Item")
        if item:
            break
        time.sleep(5)
    assert item is not None, f"{object_id} was not recorded in {table}"
    assert (item["size"]["N"], item["content_type"]["S"]) == ("8", "text/csv")


def test_second_plan_has_no_changes(outputs: dict[str, Any], second_plan: Callable[[str], bool]) -> None:
    """A plan of the applied stack has no changes (planned side by side with the others once all applied)."""
    assert outputs
    assert second_plan(STACK) is False
