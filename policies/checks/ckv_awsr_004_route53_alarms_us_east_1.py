"""CKV_AWSR_004: CloudWatch alarms on Route 53 metrics are created in us-east-1.

AWS documentation: Route 53 Developer Guide, "Monitoring health check status and getting notifications"
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-monitor-view-status.html) and "Monitoring
Route 53 with Amazon CloudWatch": Route 53 health-check metrics (namespace AWS/Route53) are available only in the
US East (N. Virginia) Region; an alarm on them must be created there.

What fails (a stack rule): an `aws_cloudwatch_metric_alarm` with `namespace = "AWS/Route53"` whose provider's region
is not us-east-1.

Why it matters: AWS accepts the alarm in any region, where it stays INSUFFICIENT_DATA forever: the health check
fails and nobody is told. Fix: create the alarm through a us-east-1 provider.
"""

from __future__ import annotations

from typing import Iterator

from policies.aws_rules import Finding, Stack, StackRule

ID = "CKV_AWSR_004"
METRICS_REGION = "us-east-1"


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per alarm on a Route 53 metric."""
    for address, body in stack.resources("aws_cloudwatch_metric_alarm"):
        if body.get("namespace") != "AWS/Route53":
            continue
        region = stack.region(body)
        yield Finding(
            address,
            region == METRICS_REGION,
            f"the alarm is in {region or 'an unknown region'}: Route 53 publishes its metrics only in "
            f"{METRICS_REGION}; create it through a {METRICS_REGION} provider",
        )


rule = StackRule(
    ID, "Ensure alarms on Route 53 metrics are in us-east-1 (the only region with those metrics)", evaluate
)
