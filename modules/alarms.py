"""CloudWatch metric alarms that notify someone: an alarm topic with a subscription per endpoint, and the alarms.

Defaults:
- the topic is a modules/topic.py Topic named `<name>-alarms` (KMS-encrypted with `kms_key_arn`, TLS-only) that
  CloudWatch of this account may publish to (the key must let cloudwatch.amazonaws.com use it)
- one subscription per entry of `endpoints` (at least one): an e-mail address (protocol email) or an https:// URL
  (protocol https); see modules/topic.py `endpoint_subscriptions`
- each alarm: `period_seconds` (300) x `evaluation_periods` (3), of which `datapoints_to_alarm` (2) must breach;
  comparison per alarm (GreaterThanThreshold unless given); missing data is not breaching unless the alarm says
  otherwise; it notifies the topic on ALARM and on OK; statistics starting with `p` are extended (percentiles)
- `service_alarms`, in this order: service-cpu and service-memory (AWS/ECS CPUUtilization and MemoryUtilization,
  Average), alb-5xx (AWS/ApplicationELB HTTPCode_ELB_5XX_Count, Sum), target-5xx (HTTPCode_Target_5XX_Count, Sum),
  alb-latency (TargetResponseTime, p99), db-cpu (AWS/RDS CPUUtilization, Average), db-connections
  (DatabaseConnections, Maximum); thresholds from the record through `service_thresholds`

Shared with the alarms a workload's package builds itself (`stacks/<workload>/`): `MetricAlarm` is the one
alarm-spec table, `service_alarms` the specs of a load-balanced service with its database (thresholds from the
record's alarm section through `service_thresholds`), `metric_alarm` builds one alarm from a spec, and
`dashboard_body` lays out a dashboard: metric widgets 12 x 6 in two columns, in the given order, then one 24 x 4
widget with the state of every alarm below them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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
class ServiceThresholds:
    """Values that raise the alarms of a load-balanced service with its database (`service_alarms`)."""

    #: average CPU of the service (%)
    service_cpu_percent: float
    #: average memory of the service (%)
    service_memory_percent: float
    #: 5xx answers of the load balancer, and separately of its targets, per period
    alb_5xx_count: float
    #: p99 target response time (seconds)
    alb_p99_latency_seconds: float
    #: average CPU of the Aurora cluster (%)
    db_cpu_percent: float
    #: most connections to the Aurora cluster
    db_connections: float


def service_thresholds(section: Any) -> ServiceThresholds:
    """The thresholds of a record's alarm section (fields as in ServiceThresholds, latency in ms)."""
    return ServiceThresholds(
        service_cpu_percent=section.service_cpu_percent,
        service_memory_percent=section.service_memory_percent,
        alb_5xx_count=section.alb_5xx_count,
        alb_p99_latency_seconds=section.alb_p99_latency_ms / 1000,
        db_cpu_percent=section.db_cpu_percent,
        db_connections=section.db_connections,
    )


def service_alarms(  # pylint: disable=too-many-arguments
    *,
    load_balancer_arn_suffix: str,
    cluster_name: str,
    service_name: str,
    db_cluster_identifier: str,
    thresholds: ServiceThresholds,
    subject: str,
    percent_units: bool,
) -> tuple[MetricAlarm, ...]:
    """The alarm specs of a load-balanced Fargate service with its Aurora cluster: service CPU and memory, 5xx of
    the load balancer and of its targets, p99 latency, Aurora CPU and connections (in this order). `subject` names
    the service in the descriptions ("<subject> service", "<subject> tasks"); `percent_units` appends " (%)" to
    the descriptions of percentages."""
    pct = " (%)" if percent_units else ""
    service = {"ClusterName": cluster_name, "ServiceName": service_name}
    alb = {"LoadBalancer": load_balancer_arn_suffix}
    database = {"DBClusterIdentifier": db_cluster_identifier}
    return (
        MetricAlarm(
            suffix="service-cpu",
            namespace="AWS/ECS",
            metric="CPUUtilization",
            dimensions=service,
            statistic="Average",
            threshold=thresholds.service_cpu_percent,
            description=f"average CPU of the {subject} service{pct}",
        ),
        MetricAlarm(
            suffix="service-memory",
            namespace="AWS/ECS",
            metric="MemoryUtilization",
            dimensions=service,
            statistic="Average",
            threshold=thresholds.service_memory_percent,
            description=f"average memory of the {subject} service{pct}",
        ),
        MetricAlarm(
            suffix="alb-5xx",
            namespace="AWS/ApplicationELB",
            metric="HTTPCode_ELB_5XX_Count",
            dimensions=alb,
            statistic="Sum",
            threshold=thresholds.alb_5xx_count,
            description="5xx answers generated by the load balancer",
        ),
        MetricAlarm(
            suffix="target-5xx",
            namespace="AWS/ApplicationELB",
            metric="HTTPCode_Target_5XX_Count",
            dimensions=alb,
            statistic="Sum",
            threshold=thresholds.alb_5xx_count,
            description=f"5xx answers of the {subject} tasks",
        ),
        MetricAlarm(
            suffix="alb-latency",
            namespace="AWS/ApplicationELB",
            metric="TargetResponseTime",
            dimensions=alb,
            statistic="p99",
            threshold=thresholds.alb_p99_latency_seconds,
            description=f"p99 response time of the {subject} tasks (seconds)",
        ),
        MetricAlarm(
            suffix="db-cpu",
            namespace="AWS/RDS",
            metric="CPUUtilization",
            dimensions=database,
            statistic="Average",
            threshold=thresholds.db_cpu_percent,
            description=f"average CPU of the Aurora cluster{pct}",
        ),
        MetricAlarm(
            suffix="db-connections",
            namespace="AWS/RDS",
            metric="DatabaseConnections",
            dimensions=database,
            statistic="Maximum",
            threshold=thresholds.db_connections,
            description="connections to the Aurora cluster",
        ),
    )


@dataclass(frozen=True, kw_only=True)
class AlarmTiming:
    """How long a metric must breach: `datapoints_to_alarm` of `evaluation_periods` periods of `period_seconds`."""

    #: length of one evaluated period (a multiple of 60)
    period_seconds: int = 300
    #: number of most recent periods evaluated
    evaluation_periods: int = 3
    #: how many of the evaluated periods must breach to raise the alarm
    datapoints_to_alarm: int = 2


@dataclass(frozen=True, kw_only=True)
class MetricWidget:
    """One dashboard graph: `metrics` are CloudWatch metric lines (see `metric_line`), `thresholds` the
    (label, value) horizontal lines drawn across it (usually the thresholds of its alarms)."""

    #: title shown above the graph
    title: str
    #: region whose metrics the graph draws
    region: str
    #: aggregation period of the graph's points
    period_seconds: int
    #: metric lines, in drawing order
    metrics: tuple[list[Any], ...]
    #: (label, value) horizontal lines
    thresholds: tuple[tuple[str, float], ...]


def metric_line(alarm: MetricAlarm, *, stat: str | None = None, label: str | None = None) -> list[Any]:
    """The dashboard line of the alarm's metric: namespace, metric, its dimensions (sorted by name) and options
    (`stat`: the alarm's statistic unless given; `label` only when given)."""
    dimensions = [part for pair in sorted(alarm.dimensions.items()) for part in pair]
    options: dict[str, str] = {"stat": stat or alarm.statistic}
    if label is not None:
        options["label"] = label
    return [alarm.namespace, alarm.metric, *dimensions, options]


def dashboard_body(widgets: Sequence[MetricWidget], alarm_arns: Sequence[str]) -> str:
    """Dashboard JSON: the metric widgets 12 x 6 in two columns (in order), then the alarms' states (24 x 4)."""
    body: list[dict[str, Any]] = [
        {
            "type": "metric",
            "x": 12 * (index % 2),
            "y": 6 * (index // 2),
            "width": 12,
            "height": 6,
            "properties": {
                "title": widget.title,
                "region": widget.region,
                "view": "timeSeries",
                "period": widget.period_seconds,
                "metrics": list(widget.metrics),
                "annotations": {"horizontal": [{"label": label, "value": value} for label, value in widget.thresholds]},
            },
        }
        for index, widget in enumerate(widgets)
    ]
    body.append(
        {
            "type": "alarm",
            "x": 0,
            "y": 6 * ((len(widgets) + 1) // 2),
            "width": 24,
            "height": 4,
            "properties": {"title": "Alarms", "alarms": list(alarm_arns)},
        }
    )
    return json.dumps({"widgets": body}, sort_keys=True)


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


def metric_alarm(  # pylint: disable=too-many-arguments
    scope: Construct,
    id_: str,
    alarm: MetricAlarm,
    *,
    name: str,
    description: str,
    topic_arn: str,
    timing: AlarmTiming,
    provider: TerraformProvider | None = None,
) -> CloudwatchMetricAlarm:
    """The CloudWatch alarm of `alarm`, named `name`, notifying `topic_arn` on ALARM and OK; a statistic starting
    with `p` is an extended (percentile) statistic."""
    percentile = alarm.statistic.startswith("p")
    return CloudwatchMetricAlarm(
        scope,
        id_,
        alarm_name=name,
        alarm_description=description,
        namespace=alarm.namespace,
        metric_name=alarm.metric,
        dimensions=alarm.dimensions,
        statistic=None if percentile else alarm.statistic,
        extended_statistic=alarm.statistic if percentile else None,
        comparison_operator=alarm.comparison,
        threshold=alarm.threshold,
        period=timing.period_seconds,
        evaluation_periods=timing.evaluation_periods,
        datapoints_to_alarm=timing.datapoints_to_alarm,
        treat_missing_data=alarm.treat_missing_data,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        provider=provider,
    )


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
        timing = AlarmTiming(
            period_seconds=props.period_seconds,
            evaluation_periods=props.evaluation_periods,
            datapoints_to_alarm=props.datapoints_to_alarm,
        )
        self.alarms: dict[str, CloudwatchMetricAlarm] = {
            a.suffix: metric_alarm(
                self,
                construct_id(a.suffix),
                a,
                name=f"{props.name}-{a.suffix}",
                description=f"{a.description} ({a.comparison} {_number(a.threshold)})",
                topic_arn=self.topic.topic.arn,
                timing=timing,
                provider=props.provider,
            )
            for a in props.alarms
        }
