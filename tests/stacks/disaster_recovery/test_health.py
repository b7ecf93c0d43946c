"""disaster-recovery: how each site's health reaches Route 53 without an unauthenticated route. Per site, in its
region: an EventBridge rule invokes the health function every minute, an alarm watches the function's Errors, and
the site's CLOUDWATCH_METRIC health check follows that alarm (modules/health_schedule.py, modules/failover_dns.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import EPHEMERAL_SUFFIX, Synth, props_error

ENVS = ("dev", "staging", "prod")
STACKS = [f"disaster-recovery-{e}" for e in ENVS] + [f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"]
# (site construct, label, failover role, region, provider)
SITES = (("Primary", "primary", "Primary", "us-east-1", None), ("Dr", "dr", "Secondary", "us-west-2", "aws.dr"))


def without_metadata(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("//", "tags")}


def suffix(stack: str) -> str:
    return stack.removeprefix("disaster-recovery-")


@pytest.mark.parametrize("stack", STACKS)
def test_each_site_checks_itself_every_minute(synth: Synth, stack: str) -> None:
    rules, targets = (
        synth.by_path(stack, "aws_cloudwatch_event_rule"),
        synth.by_path(stack, "aws_cloudwatch_event_target"),
    )
    functions = synth.by_path(stack, "aws_lambda_function")
    for site, label, _, region, provider in SITES:
        rule_id, rule = rules[f"{site}/HealthSchedule/Schedule"]
        function_id, _ = functions[f"{site}/Health/Function"]
        assert without_metadata(rule) == {
            "name": f"disaster-recovery-{label}-health-schedule-{suffix(stack)}",
            "description": f"invokes the health function of the {label} site ({region}) on rate(1 minute)",
            "schedule_expression": "rate(1 minute)",
        } | ({"provider": provider} if provider else {})
        _, target = targets[f"{site}/HealthSchedule/Target"]
        assert without_metadata(target) == {
            "rule": f"${{aws_cloudwatch_event_rule.{rule_id}.name}}",
            "arn": f"${{aws_lambda_function.{function_id}.arn}}",
        } | ({"provider": provider} if provider else {})
        # a failed check counts once and an old check never answers for a later minute: no retries, 60 s max age
        _, invoke = synth.by_path(stack, "aws_lambda_function_event_invoke_config")[
            f"{site}/HealthSchedule/InvokeConfig"
        ]
        assert without_metadata(invoke) == {
            "function_name": f"${{aws_lambda_function.{function_id}.function_name}}",
            "maximum_retry_attempts": 0,
            "maximum_event_age_in_seconds": 60,
        } | ({"provider": provider} if provider else {})


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_sites_rule_and_its_api_may_invoke_the_health_function(synth: Synth, stack: str) -> None:
    permissions = synth.by_path(stack, "aws_lambda_permission")
    rules, functions = synth.by_path(stack, "aws_cloudwatch_event_rule"), synth.by_path(stack, "aws_lambda_function")
    assert sorted(permissions) == [
        "Dr/Api/InvokeFromApi",
        "Dr/HealthSchedule/InvokeFromSchedule",
        "Primary/Api/InvokeFromApi",
        "Primary/HealthSchedule/InvokeFromSchedule",
    ]
    for site, _, _, _, provider in SITES:
        _, permission = permissions[f"{site}/HealthSchedule/InvokeFromSchedule"]
        rule_id, _ = rules[f"{site}/HealthSchedule/Schedule"]
        function_id, _ = functions[f"{site}/Health/Function"]
        assert without_metadata(permission) == {
            "statement_id": "AllowHealthFromSchedule",
            "action": "lambda:InvokeFunction",
            "function_name": f"${{aws_lambda_function.{function_id}.function_name}}",
            "principal": "events.amazonaws.com",
            "source_arn": f"${{aws_cloudwatch_event_rule.{rule_id}.arn}}",
        } | ({"provider": provider} if provider else {})


@pytest.mark.parametrize("stack", STACKS)
def test_two_failed_or_missing_checks_in_three_minutes_raise_the_sites_alarm(synth: Synth, stack: str) -> None:
    alarms, functions = (
        synth.by_path(stack, "aws_cloudwatch_metric_alarm"),
        synth.by_path(stack, "aws_lambda_function"),
    )
    topics = synth.by_path(stack, "aws_sns_topic")
    for site, label, _, region, provider in SITES:
        _, alarm = alarms[f"{site}/HealthSchedule/ErrorsAlarm"]
        function_id, _ = functions[f"{site}/Health/Function"]
        topic_id, _ = topics[f"{site}/Alarms/Topic"]
        topic = f"${{aws_sns_topic.{topic_id}.arn}}"
        assert without_metadata(alarm) == {
            "alarm_name": f"disaster-recovery-{label}-health-errors-{suffix(stack)}",
            "alarm_description": (
                f"the {label} site ({region}): the scheduled health check failed or did not run (Errors Sum >= 1 "
                "in 2 of 3 minutes; missing data is breaching); a Route 53 health check watches this alarm"
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
        } | ({"provider": provider} if provider else {})


@pytest.mark.parametrize("stack", STACKS)
def test_each_health_check_follows_its_sites_alarm_and_counts_silence_as_unhealthy(synth: Synth, stack: str) -> None:
    checks, alarms = (
        synth.by_path(stack, "aws_route53_health_check"),
        synth.by_path(stack, "aws_cloudwatch_metric_alarm"),
    )
    assert sorted(checks) == ["Failover/PrimaryHealthCheck", "Failover/SecondaryHealthCheck"]
    for site, label, role, region, _ in SITES:
        _, check = checks[f"Failover/{role}HealthCheck"]
        alarm_id, _ = alarms[f"{site}/HealthSchedule/ErrorsAlarm"]
        assert without_metadata(check) == {
            "type": "CLOUDWATCH_METRIC",
            "cloudwatch_alarm_name": f"${{aws_cloudwatch_metric_alarm.{alarm_id}.alarm_name}}",
            "cloudwatch_alarm_region": region,
            "insufficient_data_health_status": "Unhealthy",
        }  # Route 53 is global: the check has no provider of a region
        assert check["tags"]["Name"].endswith(f"-{label}")


def test_outputs_name_each_sites_schedule_and_alarm(synth: Synth) -> None:
    outputs = synth.json("disaster-recovery-dev")["output"]
    rules = synth.by_path("disaster-recovery-dev", "aws_cloudwatch_event_rule")
    alarms = synth.by_path("disaster-recovery-dev", "aws_cloudwatch_metric_alarm")
    for site, label, _, _, _ in SITES:
        assert outputs[f"{label}_health_schedule_name"]["value"] == (
            f"${{aws_cloudwatch_event_rule.{rules[f'{site}/HealthSchedule/Schedule'][0]}.name}}"
        )
        assert outputs[f"{label}_health_alarm_name"]["value"] == (
            f"${{aws_cloudwatch_metric_alarm.{alarms[f'{site}/HealthSchedule/ErrorsAlarm'][0]}.alarm_name}}"
        )


@pytest.mark.parametrize("stack", STACKS)
def test_health_routes_are_iam_authorized(synth: Synth, stack: str) -> None:
    methods = synth.by_path(stack, "aws_api_gateway_method")
    assert {path: body["authorization"] for path, (_, body) in methods.items()} == {
        "Primary/Api/HealthGet": "AWS_IAM",
        "Dr/Api/HealthGet": "AWS_IAM",
    }


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
