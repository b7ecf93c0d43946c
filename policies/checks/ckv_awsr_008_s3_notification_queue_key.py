"""CKV_AWSR_008: S3 event notifications reach an SQS queue encrypted with a customer-managed key.

AWS documentation: Amazon S3 User Guide, "Walkthrough: Configuring a bucket for notifications (SNS topic or SQS
queue)", section "AWS KMS key policy"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html):
when the destination queue or topic is encrypted with a customer managed key, the key policy must allow the
principal `s3.amazonaws.com` kms:GenerateDataKey and kms:Decrypt; the AWS managed key (alias/aws/sqs) cannot be
used.

What fails (a stack rule): an `aws_s3_bucket_notification` with a `queue` entry whose `queue_arn` references an
`aws_sqs_queue` of the stack with `kms_master_key_id` = `alias/aws/sqs`, or referencing an `aws_kms_key` of the
stack whose policy has no Allow for s3.amazonaws.com covering both actions.

Why it matters: AWS rejects the notification configuration ("Unable to validate the following destination
configurations") or drops events; the emulator delivers them. Fix: add s3.amazonaws.com to the key's services.
"""

from __future__ import annotations

from typing import Iterator

from policies.aws_rules import Finding, Stack, StackRule, as_list, service_key_problem, verdict

ID = "CKV_AWSR_008"
SERVICE = "s3.amazonaws.com"
ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per bucket notification with a queue destination of the stack."""
    for address, body in stack.resources("aws_s3_bucket_notification"):
        yield from verdict(
            address,
            [
                service_key_problem(
                    stack,
                    entry.get("queue_arn") if isinstance(entry, dict) else None,
                    "aws_sqs_queue",
                    service=SERVICE,
                    actions=ACTIONS,
                    managed_alias="alias/aws/sqs",
                    managed_reason="alias/aws/sqs, which S3 cannot use",
                )
                for entry in as_list(body.get("queue") or [])
            ],
        )


rule = StackRule(ID, "Ensure S3 can use the KMS key of the SQS queues its event notifications go to", evaluate)
