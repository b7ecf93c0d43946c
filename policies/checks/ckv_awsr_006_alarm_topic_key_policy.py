"""CKV_AWSR_006: an SNS topic encrypted with a customer-managed key lets the CloudWatch alarms that notify it use
the key.

AWS documentation: Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms", section on encrypted SNS topics
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html) and Amazon SNS Developer
Guide, "Configuring AWS KMS permissions" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html):
an AWS service that publishes to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on its key, granted
to the service principal (`cloudwatch.amazonaws.com`) in the key policy; AWS managed keys cannot be used.

What fails (a stack rule): an `aws_cloudwatch_metric_alarm` whose alarm, OK or insufficient-data actions name an
`aws_sns_topic` of the stack with `kms_master_key_id` referencing an `aws_kms_key` of the stack whose policy has no
Allow for `cloudwatch.amazonaws.com` with kms:GenerateDataKey and kms:Decrypt; or a topic using `alias/aws/sns`.

Why it matters: the alarm goes to ALARM and its notification is silently dropped (the alarm history shows "Failed
to execute action"); nothing fails at apply. Fix: add cloudwatch.amazonaws.com to the key's service principals.
"""

from __future__ import annotations

from typing import Iterator

from policies.aws_rules import Finding, Stack, StackRule, as_list, service_key_problem, verdict

ID = "CKV_AWSR_006"
SERVICE = "cloudwatch.amazonaws.com"
ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
ACTION_KEYS = ("alarm_actions", "ok_actions", "insufficient_data_actions")


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per alarm that notifies an encrypted topic of the stack."""
    for address, body in stack.resources("aws_cloudwatch_metric_alarm"):
        actions = sorted({str(a) for k in ACTION_KEYS for a in as_list(body.get(k) or [])})
        yield from verdict(
            address,
            [
                service_key_problem(
                    stack,
                    action,
                    "aws_sns_topic",
                    service=SERVICE,
                    actions=ACTIONS,
                    managed_alias="alias/aws/sns",
                    managed_reason="the AWS managed key alias/aws/sns, which CloudWatch cannot use",
                )
                for action in actions
            ],
        )


rule = StackRule(ID, "Ensure CloudWatch alarms can publish to their KMS-encrypted SNS topics (key policy)", evaluate)
