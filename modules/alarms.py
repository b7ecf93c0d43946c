"""CloudWatch metric alarms that notify someone: an alarm topic with a subscription per endpoint, and the alarms.

Defaults:
- the topic is a modules/topic.py Topic named `<name>-alarms` (KMS-encrypted with `kms_key_arn`, TLS-only) that
  CloudWatch of this account may publish to (the key must let cloudwatch.amazonaws.com use it)
- one subscription per entry of `endpoints` (at least one): an e-mail address (protocol email) or an https:// URL
  (protocol https); see modules/topic.py `endpoint_subscriptions`
- each alarm: `period_seconds` (300) x `evaluation_periods` (3), of which `datapoints_to_alarm` (2) must breach;
  comparison per alarm (GreaterThanThreshold unless given); missing data is not breaching unless the alarm says
  otherwise; it notifies the topic on ALARM and on OK; statistics starting with `p` are extended (percentiles)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from config import limits
from core.naming import pascal
from core.props import prop_problem, raise_problems
from modules.topic import Topic, TopicProps, alarm_publish_statement, endpoint_subscriptions


@dataclass(frozen=True, kw_only=True)
class MetricAlarm:
    """One alarm: `suffix` goes into its name (`<name>-<suffix>`); dimensions are usually Terraform references."""

    suffix: str
    #: CloudWatch namespace of the metric (e.g. AWS/RDS)
    namespace: str
    #: metric name within `namespace`
    metric: str
    #: metric dimensions selecting the one resource watched
    dimensions: dict[str, str]
    #: statistic compared (Average, Sum, Maximum, Minimum) or a percentile such as p99
    statistic: str
    #: value the statistic is compared with (required: it differs per workload and environment)
    threshold: float
    #: what the alarm watches; becomes the alarm description
    description: str
    #: CloudWatch comparison operator of statistic against threshold
    comparison: str = "GreaterThanThreshold"
    #: how periods without data count: not breaching, so an idle resource stays OK
    treat_missing_data: str = "notBreaching"


@dataclass(frozen=True, kw_only=True)
class AlarmsProps:  # pylint: disable=too-many-instance-attributes
    """Props of Alarms."""

    #: prefix of the topic, alarm and dashboard names
    name: str
    #: region of the alarms and of the dashboard's widgets
    region: str
    #: account owning the topic (its policy lets only CloudWatch of this account publish)
    account_id: str
    kms_key_arn: str
    endpoints: tuple[str, ...]
    #: one CloudWatch alarm per spec, in this order (also the dashboard's order)
    alarms: tuple[MetricAlarm, ...]
    period_seconds: int = 300
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2
    #: provider (region) to build in; None: the stack's default provider
    provider: TerraformProvider | None = field(default=None)


def _problems(props: AlarmsProps) -> list[str | None]:
    suffixes = [a.suffix for a in props.alarms]
    return [
        prop_problem("endpoints", limits.alarm_endpoints(props.endpoints)),
        None if props.alarms else "no alarms given",
        None if len(set(suffixes)) == len(suffixes) else f"alarm suffixes must be unique: {sorted(suffixes)}",
        next((f"alarm {a.suffix}: threshold must be > 0" for a in props.alarms if a.threshold <= 0), None),
        None if props.period_seconds % 60 == 0 else "period_seconds must be a multiple of 60",
        None
        if 1 <= props.datapoints_to_alarm <= props.evaluation_periods
        else "datapoints_to_alarm must be 1 to evaluation_periods",
    ]


def _number(value: float) -> str:
    """2147483648.0 -> '2147483648', 0.5 -> '0.5' (no exponent, so the description names the record's value)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def construct_id(suffix: str) -> str:
    """`db-cpu` -> `DbCpuAlarm`."""
    return pascal(suffix) + "Alarm"


class Alarms(Construct):
    """`topic` (a Topic; its `topic` is the SNS topic) and `alarms` (by suffix)."""

    def __init__(self, scope: Construct, id_: str, *, props: AlarmsProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"Alarms {id_}", _problems(props))
        topic_name = f"{props.name}-alarms"
        self.topic = Topic(
            self,
            "AlarmTopic",
            props=TopicProps(
                topic_name=topic_name,
                kms_key_arn=props.kms_key_arn,
                account_id=props.account_id,
                subscriptions=endpoint_subscriptions(props.endpoints),
                provider=props.provider,
                extra_policy_statements=(alarm_publish_statement(props.region, props.account_id, topic_name),),
            ),
        )
        topic_arn = self.topic.topic.arn
        self.alarms = {
            a.suffix: CloudwatchMetricAlarm(
                self,
                construct_id(a.suffix),
                alarm_name=f"{props.name}-{a.suffix}",
                alarm_description=f"{a.description} ({a.comparison} {_number(a.threshold)})",
                namespace=a.namespace,
                metric_name=a.metric,
                dimensions=a.dimensions,
                statistic=None if a.statistic.startswith("p") else a.statistic,
                extended_statistic=a.statistic if a.statistic.startswith("p") else None,
                comparison_operator=a.comparison,
                threshold=a.threshold,
                period=props.period_seconds,
                evaluation_periods=props.evaluation_periods,
                datapoints_to_alarm=props.datapoints_to_alarm,
                treat_missing_data=a.treat_missing_data,
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                provider=props.provider,
            )
            for a in props.alarms
        }
