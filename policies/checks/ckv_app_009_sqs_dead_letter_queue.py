"""CKV_APP_009: every SQS queue sends failed messages to a dead-letter queue, or is itself one.

What fails: an `aws_sqs_queue` without a `redrive_policy` naming a `deadLetterTargetArn`, unless it is a
dead-letter queue. Convention: a dead-letter queue's name (or name_prefix) has `dlq` as one of its hyphen-separated
words, which `names.name("orders-dlq")` gives (`<workload>-orders-dlq-<env>`); a FIFO queue may end in
`-dlq.fifo`.

Why it matters: without a DLQ a message that always fails (a poison message) is retried until its retention
expires, blocking FIFO groups, burning consumer invocations and then vanishing without trace. Fix: create a
`<component>-dlq` queue and set `redrive_policy=json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5})`
via core.props.policy_json or Fn.jsonencode. A redrive policy set with the separate
`aws_sqs_queue_redrive_policy` resource is not visible here: suppress CKV_APP_009 on that queue with the reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import first

DLQ_NAME = re.compile(r"(^|-)dlq(-|$)")


def is_dead_letter_queue_name(name: Any) -> bool:
    """True when `name` follows the dead-letter queue naming convention."""
    if not isinstance(name, str):
        return False
    return bool(DLQ_NAME.search(name.lower().removesuffix(".fifo")))


def names_dead_letter_target(policy: Any) -> bool:
    """True when a redrive policy (JSON text or a jsonencode expression) names a deadLetterTargetArn."""
    if isinstance(policy, dict):
        return bool(policy.get("deadLetterTargetArn"))
    if not isinstance(policy, str) or not policy.strip():
        return False
    try:
        parsed = json.loads(policy)
    except ValueError:
        return "deadLetterTargetArn" in policy  # a ${jsonencode({...})} expression
    return isinstance(parsed, dict) and bool(parsed.get("deadLetterTargetArn"))


class QueueHasDeadLetterQueue(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure every SQS queue has a redrive_policy to a dead-letter queue or is a '-dlq' queue itself",
            id="CKV_APP_009",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_sqs_queue",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["redrive_policy", "name", "name_prefix"]
        if names_dead_letter_target(first(conf, "redrive_policy")):
            return CheckResult.PASSED
        if is_dead_letter_queue_name(first(conf, "name")) or is_dead_letter_queue_name(first(conf, "name_prefix")):
            return CheckResult.PASSED
        self.details.append(
            "no redrive_policy with a deadLetterTargetArn, and the name does not mark a dead-letter "
            "queue (a '-dlq' word): add a DLQ and a redrive_policy"
        )
        return CheckResult.FAILED


check = QueueHasDeadLetterQueue()
