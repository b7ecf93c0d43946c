"""Event processor: for every object created in the data bucket, record its metadata and announce it.

Input: S3 event notifications, either delivered directly (asynchronous invocation) or as the body of SQS messages
(the task queue; the queue's own S3 test event is ignored). For each object it reads the object's head, looks up
earlier objects with the same checksum through the table's `by-etag` index, writes one metadata item and publishes
an `object-processed` notification to the topic.

Errors: a ClientError whose code is transient (throttling, 5xx) is retryable: the SQS message is reported as a
batch item failure (redelivered, and after max_receive_count moved to the DLQ by SQS), or a direct invocation
raises (Lambda retries, then the function's DLQ). Any other failure cannot succeed on retry: the record is sent to
the dead-letter queue at once, with the reason, and processing continues.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

RETRYABLE_CODES = frozenset(
    {
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "KMSThrottlingException",
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestTimeout",
        "ServiceUnavailable",
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "TransactionConflictException",
    }
)
EVENT_TYPE = "object-processed"


class NonRetryableError(Exception):
    """The record can never be processed as it is (bad input, missing object, denied access, ...)."""


def is_retryable(error: ClientError) -> bool:
    """True for transient AWS errors (throttling, server-side failures), False for every other error code."""
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return code in RETRYABLE_CODES or status >= 500


@dataclass(frozen=True)
class ObjectRef:
    """One object named by an S3 event record."""

    bucket: str
    key: str
    etag: str
    size: int


def s3_records(event: dict[str, Any]) -> list[ObjectRef]:
    """The objects of an S3 event notification; raises NonRetryableError when it is not one."""
    try:
        return [
            ObjectRef(
                r["s3"]["bucket"]["name"],
                urllib.parse.unquote_plus(r["s3"]["object"]["key"]),
                r["s3"]["object"].get("eTag", ""),
                int(r["s3"]["object"].get("size", 0)),
            )
            for r in event["Records"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise NonRetryableError(f"not an S3 event notification: missing {exc}") from exc


class Processor:
    """Processes objects with the given clients and settings (environment variables in Lambda)."""

    def __init__(self, settings: dict[str, str], clients: dict[str, Any]) -> None:
        self.settings = settings
        self.s3, self.dynamodb, self.sns, self.sqs = (clients[n] for n in ("s3", "dynamodb", "sns", "sqs"))

    def process(self, ref: ObjectRef) -> dict[str, Any]:
        """Record and announce one object; ClientErrors are raised as retryable or NonRetryableError."""
        try:
            head = self.s3.head_object(Bucket=ref.bucket, Key=ref.key)
            etag = head["ETag"].strip('"')
            earlier = self.dynamodb.query(
                TableName=self.settings["TABLE_NAME"],
                IndexName=self.settings["ETAG_INDEX_NAME"],
                KeyConditionExpression="etag = :etag",
                ExpressionAttributeValues={":etag": {"S": etag}},
                Limit=1,
            )
            now = int(time.time())
            item = {
                "object_id": {"S": f"{ref.bucket}/{ref.key}"},
                "etag": {"S": etag},
                "processed_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))},
                "size": {"N": str(head.get("ContentLength", ref.size))},
                "content_type": {"S": head.get("ContentType", "binary/octet-stream")},
                "expires_at": {"N": str(now + 86400 * int(self.settings["RECORD_TTL_DAYS"]))},
            }
            duplicates = [
                i["object_id"]["S"] for i in earlier.get("Items", []) if i["object_id"]["S"] != item["object_id"]["S"]
            ]
            if duplicates:
                item["duplicate_of"] = {"S": duplicates[0]}
            self.dynamodb.put_item(TableName=self.settings["TABLE_NAME"], Item=item)
            summary = {k: next(iter(v.values())) for k, v in item.items()}
            self.sns.publish(
                TopicArn=self.settings["TOPIC_ARN"],
                Message=json.dumps(summary, sort_keys=True),
                MessageAttributes={"event_type": {"DataType": "String", "StringValue": EVENT_TYPE}},
            )
            return summary
        except ClientError as error:
            if is_retryable(error):
                raise
            raise NonRetryableError(f"{error.response['Error'].get('Code')}: {error}") from error

    def dead_letter(self, payload: Any, reason: str) -> None:
        """Send a record that can never succeed to the DLQ with the reason."""
        LOG.error("non-retryable: %s", reason)
        self.sqs.send_message(
            QueueUrl=self.settings["DLQ_URL"],
            MessageBody=json.dumps(payload, default=str),
            MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:1024]}},
        )

    def handle_sqs(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Process every message; returns the partial batch response (retryable failures only)."""
        failures = []
        for record in records:
            try:
                body = json.loads(record["body"])
                if body.get("Event") == "s3:TestEvent":
                    continue
                for ref in s3_records(body):
                    self.process(ref)
            except ClientError as error:
                LOG.warning("retryable %s for message %s", error, record["messageId"])
                failures.append({"itemIdentifier": record["messageId"]})
            except (NonRetryableError, ValueError, AttributeError) as error:
                self.dead_letter(record, str(error))
        return {"batchItemFailures": failures}

    def handle_s3(self, event: dict[str, Any]) -> dict[str, Any]:
        """Process a directly delivered S3 event; retryable errors raise so that Lambda retries."""
        try:
            refs = s3_records(event)
        except NonRetryableError as error:
            self.dead_letter(event, str(error))
            return {"processed": 0}
        processed = 0
        for ref in refs:
            try:
                self.process(ref)
                processed += 1
            except NonRetryableError as error:
                self.dead_letter({"bucket": ref.bucket, "key": ref.key}, str(error))
        return {"processed": processed}


@lru_cache(maxsize=1)
def processor() -> Processor:
    """The processor of this execution environment (clients are reused across invocations)."""
    return Processor(dict(os.environ), {n: boto3.client(n) for n in ("s3", "dynamodb", "sns", "sqs")})


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    """Lambda entry point."""
    records = event.get("Records") or []
    if records and all(r.get("eventSource") == "aws:sqs" for r in records):
        return processor().handle_sqs(records)
    return processor().handle_s3(event)
