"""disaster-recovery: how each site's health reaches Route 53 without an unauthenticated route. Per site, in its
region: an EventBridge rule invokes the health function every minute, an alarm watches the function's Errors, and
the site's CLOUDWATCH_METRIC health check follows that alarm (modules/health_schedule.py, modules/failover_dns.py).
The values with cdktf's Testing matchers; how a match is kept exact: tests/matching.py."""

from __future__ import annotations

import pytest
from cdktf import Testing

from tests.conftest import EPHEMERAL_SUFFIX, Synth, props_error
from tests.matching import exactly
from tests.stacks.disaster_recovery import DR_PROVIDER, arguments, body, logical, on, region

ENVS = ("dev", "staging", "prod")
STACKS = [f"disaster-recovery-{e}" for e in ENVS] + [f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"]
# (site construct, label, failover role, provider); the site's region comes from the record (`region`)
SITES = (("Primary", "primary", "Primary", None), ("Dr", "dr", "Secondary", DR_PROVIDER))


def suffix(stack: str) -> str:
    return stack.removeprefix("disaster-recovery-")


@pytest.mark.parametrize("stack", STACKS)
def test_each_site_checks_itself_every_minute(synth: Synth, stack: str) -> None:
    received = synth.file(stack)
    for site, label, _, provider in SITES:
        rule_id = logical(synth, stack, "aws_cloudwatch_event_rule", f"{site}/HealthSchedule/Schedule")
        function_id = logical(synth, stack, "aws_lambda_function", f"{site}/Health/Function")
        rule = {
            "name": f"disaster-recovery-{label}-health-schedule-{suffix(stack)}",
            "description": (
                f"invokes the health function of the {label} site ({region(stack, label)}) on rate(1 minute)"
            ),
            "schedule_expression": "rate(1 minute)",
        } | on(provider)
        assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_event_rule", rule)
        assert arguments(synth, stack, "aws_cloudwatch_event_rule", f"{site}/HealthSchedule/Schedule") == sorted(rule)
        target = {
            "rule": f"${{aws_cloudwatch_event_rule.{rule_id}.name}}",
            "arn": f"${{aws_lambda_function.{function_id}.arn}}",
        } | on(provider)
        assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_event_target", target)
        assert arguments(synth, stack, "aws_cloudwatch_event_target", f"{site}/HealthSchedule/Target") == sorted(target)
        # a failed check counts once and an old check never answers for a later minute: no retries, 60 s max age
        invoke = {
            "function_name": f"${{aws_lambda_function.{function_id}.function_name}}",
            "maximum_retry_attempts": 0,
            "maximum_event_age_in_seconds": 60,
        } | on(provider)
        assert Testing.to_have_resource_with_properties(received, "aws_lambda_function_event_invoke_config", invoke)
        assert not Testing.to_have_resource_with_properties(
            received, "aws_lambda_function_event_invoke_config", {**invoke, "maximum_retry_attempts": 2}
        )  # the provider's default retries
        path = f"{site}/HealthSchedule/InvokeConfig"
        assert arguments(synth, stack, "aws_lambda_function_event_invoke_config", path) == sorted(invoke)


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_sites_rule_and_its_api_may_invoke_the_health_function(synth: Synth, stack: str) -> None:
    assert sorted(synth.by_path(stack, "aws_lambda_permission")) == [
        "Dr/Api/InvokeFromApi",
        "Dr/HealthSchedule/InvokeFromSchedule",
        "Primary/Api/InvokeFromApi",
        "Primary/HealthSchedule/InvokeFromSchedule",
    ]
    for site, _, _, provider in SITES:
        rule_id = logical(synth, stack, "aws_cloudwatch_event_rule", f"{site}/HealthSchedule/Schedule")
        function_id = logical(synth, stack, "aws_lambda_function", f"{site}/Health/Function")
        permission = {
            "statement_id": "AllowHealthFromSchedule",
            "action": "lambda:InvokeFunction",
            "function_name": f"${{aws_lambda_function.{function_id}.function_name}}",
            "principal": "events.amazonaws.com",
            "source_arn": f"${{aws_cloudwatch_event_rule.{rule_id}.arn}}",
        } | on(provider)
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_lambda_permission", permission)
        path = f"{site}/HealthSchedule/InvokeFromSchedule"
        assert arguments(synth, stack, "aws_lambda_permission", path) == sorted(permission)


@pytest.mark.parametrize("stack", STACKS)
def test_two_failed_or_missing_checks_in_three_minutes_raise_the_sites_alarm(synth: Synth, stack: str) -> None:
    for site, label, _, provider in SITES:
        function_id = logical(synth, stack, "aws_lambda_function", f"{site}/Health/Function")
        topic = f"${{aws_sns_topic.{logical(synth, stack, 'aws_sns_topic', f'{site}/Alarms/Topic')}.arn}}"
        alarm = {
            "alarm_name": f"disaster-recovery-{label}-health-errors-{suffix(stack)}",
            "alarm_description": (
                f"the {label} site ({region(stack, label)}): the scheduled health check failed or did not run (Errors "
                "Sum >= 1 in 2 of 3 minutes; missing data is breaching); a Route 53 health check watches this alarm"
            ),
            "namespace": "AWS/Lambda",
            "metric_name": "Errors",
            "dimensions": {"FunctionName": f"${{aws_lambda_function.{function_id}.function_name}}"},
            "statistic": "Sum",
            "period": 60,
            "evaluation_periods": 3,
            "datapoints_to_alarm": 2,
            "threshold": 1,
            "comparison_operator": "GreaterThanOrEqualToThreshold",
            "treat_missing_data": "breaching",
            "alarm_actions": [topic],
            "ok_actions": [topic],
        } | on(provider)
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_cloudwatch_metric_alarm", alarm)
        assert not Testing.to_have_resource_with_properties(
            synth.file(stack), "aws_cloudwatch_metric_alarm", {**alarm, "treat_missing_data": "notBreaching"}
        )  # a site that stopped checking must not look healthy
        path = f"{site}/HealthSchedule/ErrorsAlarm"
        assert arguments(synth, stack, "aws_cloudwatch_metric_alarm", path) == sorted(alarm)
        assert exactly(body(synth, stack, "aws_cloudwatch_metric_alarm", path), alarm)  # one dimension alone


@pytest.mark.parametrize("stack", STACKS)
def test_each_health_check_follows_its_sites_alarm_and_counts_silence_as_unhealthy(synth: Synth, stack: str) -> None:
    checks = synth.by_path(stack, "aws_route53_health_check")
    assert sorted(checks) == ["Failover/PrimaryHealthCheck", "Failover/SecondaryHealthCheck"]
    for site, label, role, _ in SITES:
        alarm_id = logical(synth, stack, "aws_cloudwatch_metric_alarm", f"{site}/HealthSchedule/ErrorsAlarm")
        check = {
            "type": "CLOUDWATCH_METRIC",
            "cloudwatch_alarm_name": f"${{aws_cloudwatch_metric_alarm.{alarm_id}.alarm_name}}",
            "cloudwatch_alarm_region": region(stack, label),
            "insufficient_data_health_status": "Unhealthy",
        }
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_route53_health_check", check)
        other = region(stack, "primary" if label == "dr" else "dr")
        assert not Testing.to_have_resource_with_properties(
            synth.file(stack), "aws_route53_health_check", {**check, "cloudwatch_alarm_region": other}
        )
        # Route 53 is global: the check has no provider of a region (and no argument but these)
        assert arguments(synth, stack, "aws_route53_health_check", f"Failover/{role}HealthCheck") == sorted(check)
        assert checks[f"Failover/{role}HealthCheck"][1]["tags"]["Name"].endswith(f"-{label}")


def test_outputs_name_each_sites_schedule_and_alarm(synth: Synth) -> None:
    stack = "disaster-recovery-dev"
    outputs = synth.json(stack)["output"]
    for site, label, _, _ in SITES:
        rule_id = logical(synth, stack, "aws_cloudwatch_event_rule", f"{site}/HealthSchedule/Schedule")
        alarm_id = logical(synth, stack, "aws_cloudwatch_metric_alarm", f"{site}/HealthSchedule/ErrorsAlarm")
        assert outputs[f"{label}_health_schedule_name"]["value"] == f"${{aws_cloudwatch_event_rule.{rule_id}.name}}"
        assert outputs[f"{label}_health_alarm_name"]["value"] == (
            f"${{aws_cloudwatch_metric_alarm.{alarm_id}.alarm_name}}"
        )


@pytest.mark.parametrize("stack", STACKS)
def test_health_routes_are_iam_authorized(synth: Synth, stack: str) -> None:
    assert sorted(synth.by_path(stack, "aws_api_gateway_method")) == ["Dr/Api/HealthGet", "Primary/Api/HealthGet"]
    for site, _, _, provider in SITES:
        api = f"${{aws_api_gateway_rest_api.{logical(synth, stack, 'aws_api_gateway_rest_api', f'{site}/Api/Api')}.id}}"
        method = {"rest_api_id": api, "http_method": "GET", "authorization": "AWS_IAM"} | on(provider)
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_api_gateway_method", method)
    assert not Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_api_gateway_method", {"authorization": "NONE"}
    )


def test_failover_dns_refuses_one_alarm_for_both_sites(synth: Synth) -> None:
    """One health signal for both sites would fail both over at once (or neither)."""
    from modules.failover_dns import FailoverDns, FailoverDnsProps, Site  # pylint: disable=import-outside-toplevel

    del synth  # the bindings are loaded
    sites = tuple(
        Site(label=label, alarm_name="health-errors", alarm_region="us-east-1", rest_api_id="r", stage_name="live")
        for label in ("primary", "dr")
    )
    props = FailoverDnsProps(domain_name="example.com", record_name="api.example.com", sites=(sites[0], sites[1]))
    assert props_error(FailoverDns, "Failover", props) == (
        "FailoverDns Failover: 1 invalid prop(s):\n"
        "  - the two sites need different alarms (one health signal cannot tell which site is down)"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_health_schedule_refuses_more_failed_minutes_than_it_evaluates() -> None:
    from modules.health_schedule import HealthSchedule, HealthScheduleProps  # pylint: disable=import-outside-toplevel

    props = HealthScheduleProps(
        name="s",
        alarm_name="a",
        function_name="f",
        function_arn="arn:aws:lambda:us-east-1:111111111111:function:f",
        topic_arn="arn:aws:sns:us-east-1:111111111111:t",
        subject="the site",
        schedule="every minute",
        evaluation_periods=2,
        datapoints_to_alarm=3,
    )
    assert props_error(HealthSchedule, "Health", props) == (
        "HealthSchedule Health: 2 invalid prop(s):\n"
        "  - schedule 'every minute' must be an EventBridge rate(...) or cron(...) expression\n"
        "  - datapoints_to_alarm (3) must be 1 to evaluation_periods (2)"
    )
