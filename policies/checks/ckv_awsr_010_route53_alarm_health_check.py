"""CKV_AWSR_010: a Route 53 health check on a CloudWatch alarm watches an alarm Route 53 can read, in its region.

AWS documentation: Route 53 API Reference, "AlarmIdentifier"
(https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html): Route 53 supports CloudWatch
alarms with standard-resolution metrics only (high-resolution metrics are not supported) and the statistics Average,
Minimum, Maximum, Sum and SampleCount (extended statistics are not supported); `Region` is the region the alarm was
created in. Route 53 Developer Guide, "Values that you specify when you create or update health checks"
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html), "State of CloudWatch
alarm data stream": the health check follows the data stream of one alarm's metric (an alarm on metric math has
no single metric to follow).

What fails (a stack rule): an `aws_route53_health_check` of type CLOUDWATCH_METRIC whose alarm (a reference to an
`aws_cloudwatch_metric_alarm` of the stack, or a literal name of one) is in another region than
`cloudwatch_alarm_region`, uses `extended_statistic` or a statistic outside the five, a period that is not a
multiple of 60 s (10 and 30 are high-resolution periods), or `metric_query` (metric math). A health check whose
alarm the stack does not hold is not judged.

Why it matters: the emulator accepts any of these, and so does the apply on AWS, but the health check never sees
the alarm's state: it stays at its insufficient-data status (here: Unhealthy), so the site is failed over for
good, or never. Fix: alarm on one metric with a plain statistic and a period of 60 s or more, created through the
provider of the region the health check names (modules/health_schedule.py does).
"""

from __future__ import annotations

from typing import Any, Iterator

from policies.aws_rules import Finding, Stack, StackRule

ID = "CKV_AWSR_010"
ALARM_TYPE = "CLOUDWATCH_METRIC"
STATISTICS = ("Average", "Minimum", "Maximum", "Sum", "SampleCount")


def watched_alarm(stack: Stack, name: Any) -> tuple[str, dict[str, Any]] | None:
    """The stack's alarm a `cloudwatch_alarm_name` value names (a reference or a literal), or None."""
    found = stack.referenced(name, "aws_cloudwatch_metric_alarm")
    if found is not None:
        return found
    for address, body in stack.resources("aws_cloudwatch_metric_alarm"):
        if isinstance(name, str) and body.get("alarm_name") == name:
            return address, body
    return None


def problems(stack: Stack, check: dict[str, Any], address: str, alarm: dict[str, Any]) -> list[str]:
    """What makes the alarm unreadable for the health check ([] when nothing)."""
    found = []
    region, wanted = stack.region(alarm), check.get("cloudwatch_alarm_region")
    if region and region != wanted:
        found.append(f"{address} is in {region}, the health check reads it in {wanted}")
    if alarm.get("metric_query"):
        found.append(f"{address} uses metric math (metric_query): Route 53 follows one metric")
    if alarm.get("extended_statistic"):
        found.append(f"{address} uses the extended statistic {alarm['extended_statistic']}")
    elif alarm.get("statistic") not in STATISTICS and not alarm.get("metric_query"):
        found.append(f"{address} uses statistic {alarm.get('statistic')!r}: take one of {', '.join(STATISTICS)}")
    period = alarm.get("period")
    if isinstance(period, int) and period % 60:
        found.append(f"{address} has a {period} s period (high resolution): take 60 s or a multiple")
    return found


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per CLOUDWATCH_METRIC health check whose alarm the stack holds."""
    for address, body in stack.resources("aws_route53_health_check"):
        if str(body.get("type", "")).upper() != ALARM_TYPE:
            continue
        found = watched_alarm(stack, body.get("cloudwatch_alarm_name"))
        if found is None:
            continue
        wrong = problems(stack, body, *found)
        yield Finding(
            address,
            not wrong,
            "; ".join(wrong) + ": Route 53 never sees the alarm's state; alarm on one standard-resolution metric "
            "with a plain statistic, through the provider of cloudwatch_alarm_region",
        )


rule = StackRule(
    ID, "Ensure a Route 53 health check on an alarm watches one Route 53 can read, in the region it names", evaluate
)
