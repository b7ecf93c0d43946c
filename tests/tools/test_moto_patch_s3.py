"""tools/moto_patch_s3.py applied in-process: the test fails without its fix (stock moto answers without
EventBridgeConfiguration), and the emulator loads the file."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from tools import moto_patch_s3, moto_patches

REGION = "us-east-1"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Any:
    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("s3", region_name=REGION)


def test_eventbridge_notification_reads_back_with_the_queues(s3: Any) -> None:
    moto_patches.PATCHES["s3-eventbridge-notification"]()
    sqs = boto3.client("sqs", region_name=REGION)
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


def test_the_fix_is_registered_under_its_name() -> None:
    assert moto_patches.PATCHES["s3-eventbridge-notification"] is moto_patch_s3.s3_eventbridge_notification


def test_the_emulator_loads_every_patch_file() -> None:
    from tools.emulator import load_patch_files  # pylint: disable=import-outside-toplevel

    assert "moto_patch_s3" in load_patch_files()
    assert "s3-eventbridge-notification" in moto_patches.PATCHES
