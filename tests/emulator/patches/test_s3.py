"""The fixes of emulator/patches/s3.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

import json
from typing import Any

from emulator import patches


def test_logging_target_with_a_principal_star_statement_is_accepted(aws: Any) -> None:
    patches.PATCHES["s3-logging-target-policy-principal-star"]()
    s3 = aws("s3")
    for bucket in ("source-bucket", "log-bucket"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(
        Bucket="log-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::log-bucket/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        "Sid": "S3ServerAccessLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::log-bucket/*",
                    },
                ],
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket="source-bucket",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "s3/source/"}},
    )
    assert s3.get_bucket_logging(Bucket="source-bucket")["LoggingEnabled"] == {
        "TargetBucket": "log-bucket",
        "TargetPrefix": "s3/source/",
    }


def test_replication_rule_keeps_delete_markers_and_kms_selection(aws: Any) -> None:
    patches.PATCHES["s3-replication-rule-fields"]()
    s3 = aws("s3")
    for name in ("src", "dst"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rule = {
        "ID": "r",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Enabled"},
        "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        "Destination": {"Bucket": "arn:aws:s3:::dst", "EncryptionConfiguration": {"ReplicaKmsKeyID": "k"}},
    }
    s3.put_bucket_replication(
        Bucket="src", ReplicationConfiguration={"Role": "arn:aws:iam::123456789012:role/r", "Rules": [rule]}
    )
    (got,) = s3.get_bucket_replication(Bucket="src")["ReplicationConfiguration"]["Rules"]
    assert got["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert got["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert (got["Filter"], got["Priority"]) == ({"Prefix": ""}, 1)


def test_eventbridge_notification_reads_back_with_the_queues(aws: Any) -> None:
    patches.PATCHES["s3-eventbridge-notification"]()
    s3, sqs = aws("s3"), aws("sqs")
    queue = sqs.get_queue_attributes(
        QueueUrl=sqs.create_queue(QueueName="tasks")["QueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    for bucket in ("only-events", "events-and-queue", "queue-only"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket="only-events", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    queues = [{"Id": "q", "QueueArn": queue, "Events": ["s3:ObjectCreated:*"]}]
    s3.put_bucket_notification_configuration(
        Bucket="events-and-queue",
        NotificationConfiguration={"EventBridgeConfiguration": {}, "QueueConfigurations": queues},
    )
    s3.put_bucket_notification_configuration(
        Bucket="queue-only", NotificationConfiguration={"QueueConfigurations": queues}
    )

    def read(bucket: str) -> dict[str, Any]:
        answer = s3.get_bucket_notification_configuration(Bucket=bucket)
        answer.pop("ResponseMetadata")
        return answer

    assert read("only-events") == {"EventBridgeConfiguration": {}}
    assert read("events-and-queue") == {"EventBridgeConfiguration": {}, "QueueConfigurations": queues}
    assert read("queue-only") == {"QueueConfigurations": queues}
