"""A health signal Route 53 can read without calling an API: an EventBridge schedule invokes a health function,
and a CloudWatch alarm on the function's `Errors` is the state a CLOUDWATCH_METRIC health check watches.

Why: the health route of a public API is IAM-authorized (modules/rest_api.py) and Route 53 health checkers
cannot sign requests. The function raises when its site cannot serve, so a failed check is
an error of the function.

Defaults:
- rule `<name>` on `schedule` (`rate(1 minute)`), targeting the function; the function's resource policy lets only
  this rule invoke it (principal events.amazonaws.com, `source_arn` the rule's ARN)
- the schedule's invocations are not retried and expire after 60 s (aws_lambda_function_event_invoke_config:
  maximum_retry_attempts 0): the next check is a minute away, so a failed check counts once in `Errors` and a
  retried old check never answers for a later minute
- alarm `alarm_name` on AWS/Lambda `Errors` of the function (dimension FunctionName): Sum over 60 s, >= 1 in
  `datapoints_to_alarm` (2) of `evaluation_periods` (3) minutes, so one late or lost data point does not fail the
  site over, two bad minutes out of three do. Missing data is breaching: a schedule or function that stopped
  running counts as unhealthy.
  Standard resolution, a plain statistic, one metric (no metric math): what Route 53 supports for a health check
  on an alarm (Route 53 API Reference, AlarmIdentifier; rule CKV_AWSR_010). It notifies `topic_arn` on ALARM and
  OK (the site's topic, in its region), like every alarm of the project; an alarm on the health check's own
  HealthCheckStatus (us-east-1, where Route 53 publishes it) says when Route 53 acts on it
- everything in the function's region (`provider`; None: the stack's default); the health check must name that
  region (`cloudwatch_alarm_region`)
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.lambda_function_event_invoke_config import LambdaFunctionEventInvokeConfig
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from constructs import Construct

from core.props import raise_problems

#: seconds per evaluated period of the alarm (standard resolution: Route 53 reads no high-resolution alarm)
PERIOD_SECONDS = 60


@dataclass(frozen=True, kw_only=True)
class HealthScheduleProps:
    """Props of HealthSchedule."""

    #: name of the EventBridge rule
    name: str
    #: name of the alarm (what the Route 53 health check names)
    alarm_name: str
    #: name of the health function (alarm dimension, permission)
    function_name: str
    #: ARN of the health function (the rule's target)
    function_arn: str
    #: SNS topic the alarm notifies (in the function's region)
    topic_arn: str
    #: what the alarm watches, for its description
    subject: str
    #: EventBridge schedule expression of the rule
    schedule: str = "rate(1 minute)"
    #: minutes the alarm evaluates, and how many of them must have failed (or be missing) to raise it
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2
    #: provider (region) of the function; None: the stack's default
    provider: TerraformProvider | None = None


class HealthSchedule(Construct):
    """`rule`, `target`, `permission`, `invoke_config` and `alarm`."""

    def __init__(self, scope: Construct, id_: str, *, props: HealthScheduleProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"HealthSchedule {id_}",
            [
                None
                if props.schedule.startswith(("rate(", "cron("))
                else f"schedule {props.schedule!r} must be an EventBridge rate(...) or cron(...) expression",
                None
                if 1 <= props.datapoints_to_alarm <= props.evaluation_periods
                else f"datapoints_to_alarm ({props.datapoints_to_alarm}) must be 1 to evaluation_periods "
                f"({props.evaluation_periods})",
            ],
        )
        provider = props.provider
        self.rule = CloudwatchEventRule(
            self,
            "Schedule",
            name=props.name,
            description=f"invokes the health function of {props.subject} on {props.schedule}",
            schedule_expression=props.schedule,
            provider=provider,
        )
        self.target = CloudwatchEventTarget(
            self, "Target", rule=self.rule.name, arn=props.function_arn, provider=provider
        )
        self.permission = LambdaPermission(
            self,
            "InvokeFromSchedule",
            statement_id="AllowHealthFromSchedule",
            action="lambda:InvokeFunction",
            function_name=props.function_name,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
            provider=provider,
        )
        self.invoke_config = LambdaFunctionEventInvokeConfig(
            self,
            "InvokeConfig",
            function_name=props.function_name,
            maximum_retry_attempts=0,
            maximum_event_age_in_seconds=PERIOD_SECONDS,
            provider=provider,
        )
        self.alarm = CloudwatchMetricAlarm(
            self,
            "ErrorsAlarm",
            alarm_name=props.alarm_name,
            alarm_description=(
                f"{props.subject}: the scheduled health check failed or did not run (Errors Sum >= 1 in "
                f"{props.datapoints_to_alarm} of {props.evaluation_periods} minutes; missing data is breaching); a "
                "Route 53 health check watches this alarm"
            ),
            namespace="AWS/Lambda",
            metric_name="Errors",
            dimensions={"FunctionName": props.function_name},
            statistic="Sum",
            period=PERIOD_SECONDS,
            evaluation_periods=props.evaluation_periods,
            datapoints_to_alarm=props.datapoints_to_alarm,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="breaching",
            alarm_actions=[props.topic_arn],
            ok_actions=[props.topic_arn],
            provider=provider,
        )
