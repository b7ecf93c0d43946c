"""The event processor's handler against moto in-process: S3 and SQS events, the GSI lookup, retryable errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from lambda_src.event_processor import handler as ep

BUCKET = "data-bucket"
TABLE = "metadata"


@dataclass
class Env:
    """The resources the handler talks to, and a queue subscribed to its topic (to read what it published)."""

    s3: Any
    dynamodb: Any
    sqs: Any
    dlq_url: str
    published_url: str


@pytest.fixture
def env(aws: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """The handler's resources in moto in-process (tests/conftest.py `aws`)."""
    s3, dynamodb, sqs, sns = (aws(n) for n in ("s3", "dynamodb", "sqs", "sns"))
    s3.create_bucket(Bucket=BUCKET)
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "object_id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"} for n in ("object_id", "etag", "processed_at")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-etag",
                "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [
                    {"AttributeName": "etag", "KeyType": "HASH"},
                    {"AttributeName": "processed_at", "KeyType": "RANGE"},
                ],
            }
        ],
    )
    topic = sns.create_topic(Name="processed")["TopicArn"]
    dlq_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    published_url = sqs.create_queue(QueueName="published")["QueueUrl"]
    published_arn = sqs.get_queue_attributes(QueueUrl=published_url, AttributeNames=["QueueArn"])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=published_arn["Attributes"]["QueueArn"])
    for key, value in {
        "TABLE_NAME": TABLE,
        "ETAG_INDEX_NAME": "by-etag",
        "TOPIC_ARN": topic,
        "DLQ_URL": dlq_url,
        "RECORD_TTL_DAYS": "30",
    }.items():
        monkeypatch.setenv(key, value)
    ep.processor.cache_clear()
    yield Env(s3, dynamodb, sqs, dlq_url, published_url)
    ep.processor.cache_clear()


def s3_event(*keys: str) -> dict[str, Any]:
    return {
        "Records": [
            {"eventSource": "aws:s3", "s3": {"bucket": {"name": BUCKET}, "object": {"key": k, "size": 5, "eTag": "x"}}}
            for k in keys
        ]
    }


def sqs_event(*bodies: str) -> dict[str, Any]:
    return {"Records": [{"eventSource": "aws:sqs", "messageId": f"m{i}", "body": b} for i, b in enumerate(bodies)]}


def items(env: Env) -> dict[str, dict[str, Any]]:
    found = env.dynamodb.scan(TableName=TABLE)["Items"]
    return {i["object_id"]["S"]: {k: next(iter(v.values())) for k, v in i.items()} for i in found}


def messages(env: Env, url: str) -> list[dict[str, Any]]:
    return env.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    )


def throttled(operation: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "slow down"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        operation,
    )


def test_s3_event_writes_metadata_and_publishes(env: Env) -> None:
    env.s3.put_object(Bucket=BUCKET, Key="in/a b.csv", Body=b"hello", ContentType="text/csv")
    with mock.patch.object(ep.time, "time", return_value=1_700_000_000):
        assert ep.handler(s3_event("in/a+b.csv")) == {"processed": 1}
    item = items(env)[f"{BUCKET}/in/a b.csv"]
    assert item == {
        "object_id": f"{BUCKET}/in/a b.csv",
        "etag": "5d41402abc4b2a76b9719d911017c592",
        "processed_at": "2023-11-14T22:13:20Z",
        "size": "5",
        "content_type": "text/csv",
        "expires_at": str(1_700_000_000 + 30 * 86400),
    }
    (note,) = messages(env, env.published_url)
    envelope = json.loads(note["Body"])
    assert json.loads(envelope["Message"]) == item
    assert envelope["MessageAttributes"]["event_type"] == {"Type": "String", "Value": "object-processed"}


def test_sqs_event_processes_bodies_and_finds_duplicates_through_the_index(env: Env) -> None:
    for key in ("one", "two"):
        env.s3.put_object(Bucket=BUCKET, Key=key, Body=b"same")
    result = ep.handler(sqs_event(json.dumps(s3_event("one")), json.dumps(s3_event("two"))))
    assert result == {"batchItemFailures": []}
    found = items(env)
    assert "duplicate_of" not in found[f"{BUCKET}/one"]
    assert found[f"{BUCKET}/two"]["duplicate_of"] == f"{BUCKET}/one"


def test_s3_test_event_is_ignored(env: Env) -> None:
    assert ep.handler(sqs_event(json.dumps({"Event": "s3:TestEvent", "Bucket": BUCKET}))) == {"batchItemFailures": []}
    assert not items(env)
    assert not messages(env, env.dlq_url)


def test_missing_object_goes_to_the_dlq_at_once(env: Env) -> None:
    assert ep.handler(sqs_event(json.dumps(s3_event("gone")))) == {"batchItemFailures": []}
    (dead,) = messages(env, env.dlq_url)
    assert json.loads(dead["Body"])["messageId"] == "m0"
    assert dead["MessageAttributes"]["reason"]["StringValue"].startswith("404: ")
    assert not items(env)


@pytest.mark.parametrize("body", ["not json", json.dumps({"Records": [{"s3": {}}]}), json.dumps([1])])
def test_malformed_message_goes_to_the_dlq(env: Env, body: str) -> None:
    assert ep.handler(sqs_event(body)) == {"batchItemFailures": []}
    (dead,) = messages(env, env.dlq_url)
    assert json.loads(dead["Body"])["body"] == body


def test_direct_event_that_is_not_s3_goes_to_the_dlq(env: Env) -> None:
    assert ep.handler({"detail": "something else"}) == {"processed": 0}
    (dead,) = messages(env, env.dlq_url)
    assert dead["MessageAttributes"]["reason"]["StringValue"] == "not an S3 event notification: missing 'Records'"


def test_missing_object_in_direct_event_is_dead_lettered_and_the_rest_processed(env: Env) -> None:
    env.s3.put_object(Bucket=BUCKET, Key="here", Body=b"x")
    assert ep.handler(s3_event("gone", "here")) == {"processed": 1}
    (dead,) = messages(env, env.dlq_url)
    assert json.loads(dead["Body"]) == {"bucket": BUCKET, "key": "gone"}


def test_throttling_reports_the_message_for_redelivery(env: Env) -> None:
    env.s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    proc = ep.processor()
    with mock.patch.object(proc.dynamodb, "put_item", side_effect=throttled("PutItem")):
        result = ep.handler(sqs_event(json.dumps(s3_event("k"))))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert not messages(env, env.dlq_url)


def test_throttling_in_a_direct_event_raises_for_lambda_to_retry(env: Env) -> None:
    env.s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    with mock.patch.object(ep.processor().sns, "publish", side_effect=throttled("Publish")):
        with pytest.raises(ClientError, match="ThrottlingException"):
            ep.handler(s3_event("k"))


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        ("ThrottlingException", 400, True),
        ("ProvisionedThroughputExceededException", 400, True),
        ("SlowDown", 503, True),
        ("SomethingNew", 500, True),
        ("AccessDenied", 403, False),
        ("ValidationException", 400, False),
        ("ResourceNotFoundException", 400, False),
        ("NoSuchKey", 404, False),
    ],
)
def test_retryable_codes(code: str, status: int, retryable: bool) -> None:
    error = ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")
    assert ep.is_retryable(error) is retryable
