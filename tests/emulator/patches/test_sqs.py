"""The fixes of emulator/patches/sqs.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

import json
from typing import Any

from emulator import patches


def test_sqs_redrive_policy_comes_back_compact(aws: Any) -> None:
    patches.PATCHES["sqs-compact-redrive-policy"]()
    sqs = aws("sqs")
    dlq = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="dlq")["QueueUrl"], AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    url = sqs.create_queue(
        QueueName="q", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq, "maxReceiveCount": 3})}
    )["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["RedrivePolicy"] == f'{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":3}}'
