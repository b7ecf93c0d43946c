"""A CloudWatch dashboard and alarms for an ALB-fronted ECS service, its Aurora cluster and a DynamoDB table.

Defaults:
- dashboard widgets: service CPU and memory, ALB 5xx (load balancer and targets), ALB latency (p50/p99), Aurora
  connections and CPU, DynamoDB read/write throttles, and the state of every alarm; the body is JSON whose resource
  names are real Terraform references, and each metric widget draws its alarm thresholds
- alarms (one per threshold in `thresholds`) over `period_seconds` (300) x `evaluation_periods` (3, of which
  `datapoints_to_alarm` (2) must breach); missing data is not breaching; they notify an SNS topic on ALARM and OK
- the topic is a modules/topic.py Topic (KMS-encrypted, TLS-only) that CloudWatch of this account may publish to;
  the key must let cloudwatch.amazonaws.com use it; one subscription per entry of `alarm_endpoints` (at least one:
  e-mail addresses or https:// URLs, see modules/topic.py `endpoint_subscriptions`)
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from constructs import Construct

from config.limits import alarm_endpoints
from core.props import prop_problem, raise_problems
from modules.alarms import AlarmTiming, MetricAlarm, MetricWidget, ServiceThresholds, construct_id, metric_alarm
from modules.alarms import metric_line, service_alarms
from modules.alarms import dashboard_body as grid_body
from modules.topic import Topic, TopicProps, alarm_publish_statement, endpoint_subscriptions


@dataclass(frozen=True, kw_only=True)
class AlarmThresholds(ServiceThresholds):
    """Values that raise each alarm (percentages, counts per period, seconds): the service's and the table's."""

    #: throttled reads, and separately writes, of the table per period
    dynamodb_throttles: float


@dataclass(frozen=True, kw_only=True)
class MonitoringProps:  # pylint: disable=too-many-instance-attributes
    """Props of Monitoring. Names and ARN suffixes are usually references to the monitored resources."""

    name: str
    region: str
    account_id: str
    kms_key_arn: str
    cluster_name: str
    service_name: str
    load_balancer_arn_suffix: str
    db_cluster_identifier: str
    table_name: str
    thresholds: AlarmThresholds
    alarm_endpoints: tuple[str, ...]
    period_seconds: int = 300
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2


def _alarms(props: MonitoringProps) -> list[MetricAlarm]:
    limits = props.thresholds
    table = {"TableName": props.table_name}
    return [
        *service_alarms(
            load_balancer_arn_suffix=props.load_balancer_arn_suffix,
            cluster_name=props.cluster_name,
            service_name=props.service_name,
            db_cluster_identifier=props.db_cluster_identifier,
            thresholds=limits,
            subject="scoring",
            percent_units=False,
        ),
        MetricAlarm(
            suffix="table-read-throttles",
            namespace="AWS/DynamoDB",
            metric="ReadThrottleEvents",
            dimensions=table,
            statistic="Sum",
            threshold=limits.dynamodb_throttles,
            description="throttled reads of the rules table",
        ),
        MetricAlarm(
            suffix="table-write-throttles",
            namespace="AWS/DynamoDB",
            metric="WriteThrottleEvents",
            dimensions=table,
            statistic="Sum",
            threshold=limits.dynamodb_throttles,
            description="throttled writes of the rules table",
        ),
    ]


def dashboard_body(props: MonitoringProps, alarm_arns: list[str]) -> str:
    """The dashboard: one metric widget per group of alarms, then the alarms' states (JSON with references)."""
    alarms = {a.suffix: a for a in _alarms(props)}
    groups = (
        ("Scoring service CPU and memory (%)", ("service-cpu", "service-memory")),
        ("ALB 5xx answers", ("alb-5xx", "target-5xx")),
        ("ALB target response time (s)", ("alb-latency",)),
        ("Aurora connections and CPU", ("db-connections", "db-cpu")),
        ("DynamoDB throttles", ("table-read-throttles", "table-write-throttles")),
    )
    widgets = []
    for title, names in groups:
        metrics = [metric_line(alarms[n], label=n) for n in names]
        if names == ("alb-latency",):
            metrics.insert(0, metric_line(alarms[names[0]], stat="p50", label="p50"))
        widgets.append(
            MetricWidget(
                title=title,
                region=props.region,
                period_seconds=props.period_seconds,
                metrics=tuple(metrics),
                thresholds=tuple((f"{n} alarm", alarms[n].threshold) for n in names),
            )
        )
    return grid_body(widgets, alarm_arns)


class Monitoring(Construct):
    """`dashboard`, `alarms` (by suffix, e.g. "db-cpu") and `topic` (a Topic; its `topic` is the SNS topic)."""

    def __init__(self, scope: Construct, id_: str, *, props: MonitoringProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"Monitoring {id_}",
            [
                None if props.period_seconds % 60 == 0 else "period_seconds must be a multiple of 60",
                None
                if 1 <= props.datapoints_to_alarm <= props.evaluation_periods
                else "datapoints_to_alarm must be 1 to evaluation_periods",
                next((f"threshold {k} must be > 0" for k, v in props.thresholds.__dict__.items() if v <= 0), None),
                prop_problem("alarm_endpoints", alarm_endpoints(props.alarm_endpoints)),
            ],
        )
        subscriptions = endpoint_subscriptions(props.alarm_endpoints)
        self.topic = Topic(
            self,
            "AlarmTopic",
            props=TopicProps(
                topic_name=f"{props.name}-alarms",
                kms_key_arn=props.kms_key_arn,
                account_id=props.account_id,
                subscriptions=subscriptions,
                extra_policy_statements=(
                    alarm_publish_statement(props.region, props.account_id, f"{props.name}-alarms"),
                ),
            ),
        )
        timing = AlarmTiming(
            period_seconds=props.period_seconds,
            evaluation_periods=props.evaluation_periods,
            datapoints_to_alarm=props.datapoints_to_alarm,
        )
        self.alarms = {
            a.suffix: metric_alarm(
                self,
                construct_id(a.suffix),
                a,
                name=f"{props.name}-{a.suffix}",
                description=f"{a.description} above {a.threshold:g}",
                topic_arn=self.topic.topic.arn,
                timing=timing,
            )
            for a in _alarms(props)
        }
        self.dashboard = CloudwatchDashboard(
            self,
            "Dashboard",
            dashboard_name=props.name,
            dashboard_body=dashboard_body(props, [alarm.arn for alarm in self.alarms.values()]),
        )
