"""An SQS queue with its dead-letter queue, both KMS-encrypted, and a queue policy naming who may send.

Defaults:
- redrive to the DLQ after `max_receive_count` receives (required: it differs per environment)
- retention of both queues: required; visibility timeout 30 s (set it to at least 6x a consumer's timeout)
- SSE-KMS with the given key, data keys reused for 300 s
- queue policy: denies every request not made over TLS; allows sqs:SendMessage only to each listed
  (service principal, source ARN) pair; the DLQ gets the TLS-only policy (redrive and IAM need no grant)
- `dead_letter_queue(...)` alone (a function's or a rule's DLQ): SSE-KMS with the given key, retention from the
  caller, data key reuse left to SQS (300 s) unless given, no policy (IAM grants the sender)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from config import limits
from core.props import policy_json, prop_problem, raise_problems

MAX_RETENTION_SECONDS = 14 * 24 * 3600
MAX_VISIBILITY_SECONDS = 12 * 3600


def dead_letter_queue(
    scope: Construct,
    id_: str,
    *,
    name: str,
    kms_key_arn: str,
    retention_seconds: int,
    data_key_reuse_seconds: int | None = None,
) -> SqsQueue:
    """The KMS-encrypted `SqsQueue` `id_` in `scope` that keeps failed messages `retention_seconds`."""
    return SqsQueue(
        scope,
        id_,
        name=name,
        message_retention_seconds=retention_seconds,
        kms_master_key_id=kms_key_arn,
        kms_data_key_reuse_period_seconds=data_key_reuse_seconds,
    )


@dataclass(frozen=True, kw_only=True)
class QueueSource:
    """A service allowed to send to the queue, only on behalf of one resource (aws:SourceArn)."""

    #: service principal allowed to send (e.g. s3.amazonaws.com)
    service: str
    #: the one resource it may send for (aws:SourceArn)
    source_arn: str


@dataclass(frozen=True, kw_only=True)
class QueueProps:  # pylint: disable=too-many-instance-attributes
    """Props of QueueWithDlq."""

    #: name of the queue
    queue_name: str
    #: name of its dead-letter queue
    dlq_name: str
    #: KMS key encrypting both queues
    kms_key_arn: str
    max_receive_count: int
    #: seconds the queue keeps a message (at most 14 days)
    message_retention_seconds: int
    #: seconds the DLQ keeps a message (at most 14 days)
    dlq_message_retention_seconds: int
    #: seconds a received message stays invisible (at least 6x a consumer's timeout)
    visibility_timeout_seconds: int = 30
    #: the services allowed to send, each for one resource
    sources: tuple[QueueSource, ...] = ()
    #: seconds SQS reuses a data key before asking KMS again
    kms_data_key_reuse_period_seconds: int = 300


def _problems(props: QueueProps) -> list[str | None]:
    return [
        prop_problem("max_receive_count", limits.sqs_max_receive_count(props.max_receive_count)),
        None
        if 60 <= props.message_retention_seconds <= MAX_RETENTION_SECONDS
        else "message_retention_seconds must be 60 to 1209600 (14 days)",
        None
        if 60 <= props.dlq_message_retention_seconds <= MAX_RETENTION_SECONDS
        else "dlq_message_retention_seconds must be 60 to 1209600 (14 days)",
        None
        if 0 <= props.visibility_timeout_seconds <= MAX_VISIBILITY_SECONDS
        else "visibility_timeout_seconds must be 0 to 43200 (12 hours)",
        next(
            (
                f"source {s.service!r} is not a service principal (like 'sns.amazonaws.com')"
                for s in props.sources
                if not s.service.endswith(".amazonaws.com")
            ),
            None,
        ),
    ]


def _deny_insecure(queue: SqsQueue) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue.arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


class QueueWithDlq(Construct):
    """`queue`, `dlq`, `policy` (of the queue) and `dlq_policy` are public."""

    def __init__(self, scope: Construct, id_: str, *, props: QueueProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"QueueWithDlq {id_}", _problems(props))
        key, reuse = props.kms_key_arn, props.kms_data_key_reuse_period_seconds
        self.dlq = dead_letter_queue(
            self,
            "DeadLetterQueue",
            name=props.dlq_name,
            kms_key_arn=key,
            retention_seconds=props.dlq_message_retention_seconds,
            data_key_reuse_seconds=reuse,
        )
        self.queue = SqsQueue(
            self,
            "Queue",
            name=props.queue_name,
            message_retention_seconds=props.message_retention_seconds,
            visibility_timeout_seconds=props.visibility_timeout_seconds,
            redrive_policy=json.dumps(
                {"deadLetterTargetArn": self.dlq.arn, "maxReceiveCount": props.max_receive_count}
            ),
            kms_master_key_id=key,
            kms_data_key_reuse_period_seconds=reuse,
        )
        senders = [
            {
                "Sid": f"Allow{source.service.split('.')[0].capitalize()}Send{index}",
                "Effect": "Allow",
                "Principal": {"Service": source.service},
                "Action": "sqs:SendMessage",
                "Resource": self.queue.arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": source.source_arn}},
            }
            for index, source in enumerate(props.sources)
        ]
        self.policy = SqsQueuePolicy(
            self, "Policy", queue_url=self.queue.url, policy=policy_json(_deny_insecure(self.queue), *senders)
        )
        self.dlq_policy = SqsQueuePolicy(
            self, "DeadLetterPolicy", queue_url=self.dlq.url, policy=policy_json(_deny_insecure(self.dlq))
        )
