"""Alarms and dashboard of the disaster-recovery workload: replication of each data store and site health.

Each alarm lives in the region whose metric it watches and notifies that region's alarm topic:
- Aurora `AuroraGlobalDBReplicationLag` (ms, Maximum) of the secondary cluster: DR region
- S3 `ReplicationLatency` (s, Maximum) and `OperationsFailedReplication` (Sum) of the source bucket's rule:
  primary region (the metrics of the source bucket)
- DynamoDB `ReplicationLatency` (ms, Average) towards the DR region: primary region
- Route 53 `HealthCheckStatus` (Minimum < 1) of each site: us-east-1 only (where Route 53 publishes its metrics)
Every alarm: 5-minute periods, 2 of 3 breaching; missing data is not breaching except for health checks (a
health check that stops reporting is treated as failing). The dashboard (primary region) draws them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from config.workloads import DisasterRecoveryAlarmSettings
from core.naming import pascal
from modules.alarms import AlarmTiming, MetricAlarm, MetricWidget, dashboard_body, metric_alarm, metric_line
from modules.bucket_replication import RULE_ID
from stacks.disaster_recovery.site import Site

ROUTE53_METRICS_REGION = "us-east-1"


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm (modules/alarms.py `MetricAlarm`; its description names the metric and the site) and the site
    whose region, provider and alarm topic it uses."""

    site: Site
    alarm: MetricAlarm


def alarm_specs(
    sites: tuple[Site, Site],
    limits: DisasterRecoveryAlarmSettings,
    *,
    secondary_cluster: str,
    table_name: str,
    health_check_ids: list[str],
) -> list[AlarmSpec]:
    """Every alarm of the workload."""
    primary, dr = sites
    bucket = {
        "SourceBucket": primary.bucket.bucket.bucket,
        "DestinationBucket": dr.bucket.bucket.bucket,
        "RuleId": RULE_ID,
    }
    specs = [
        AlarmSpec(
            dr,
            MetricAlarm(
                suffix="aurora-replication-lag",
                namespace="AWS/RDS",
                metric="AuroraGlobalDBReplicationLag",
                dimensions={"DBClusterIdentifier": secondary_cluster},
                statistic="Maximum",
                threshold=limits.aurora_replication_lag_ms,
                description=f"AuroraGlobalDBReplicationLag of {dr.spec.label}",
            ),
        ),
        AlarmSpec(
            primary,
            MetricAlarm(
                suffix="s3-replication-latency",
                namespace="AWS/S3",
                metric="ReplicationLatency",
                dimensions=bucket,
                statistic="Maximum",
                threshold=limits.s3_replication_latency_seconds,
                description=f"ReplicationLatency of {primary.spec.label}",
            ),
        ),
        AlarmSpec(
            primary,
            MetricAlarm(
                suffix="s3-replication-failed",
                namespace="AWS/S3",
                metric="OperationsFailedReplication",
                dimensions=bucket,
                statistic="Sum",
                threshold=limits.s3_failed_operations,
                description=f"OperationsFailedReplication of {primary.spec.label}",
                comparison="GreaterThanOrEqualToThreshold",
            ),
        ),
        AlarmSpec(
            primary,
            MetricAlarm(
                suffix="dynamodb-replication-latency",
                namespace="AWS/DynamoDB",
                metric="ReplicationLatency",
                dimensions={"TableName": table_name, "ReceivingRegion": dr.spec.region},
                statistic="Average",
                threshold=limits.dynamodb_replication_latency_ms,
                description=f"ReplicationLatency of {primary.spec.label}",
            ),
        ),
    ]
    route53_site = next((s for s in sites if s.spec.region == ROUTE53_METRICS_REGION), None)
    if route53_site is None:
        raise ValueError(
            f"Route 53 health-check metrics exist only in {ROUTE53_METRICS_REGION}: make it the "
            "primary_region or the dr_region of disaster_recovery"
        )
    for site, check_id in zip(sites, health_check_ids):
        specs.append(
            AlarmSpec(
                route53_site,
                MetricAlarm(
                    suffix=f"{site.spec.label}-health-check",
                    namespace="AWS/Route53",
                    metric="HealthCheckStatus",
                    dimensions={"HealthCheckId": check_id},
                    statistic="Minimum",
                    threshold=1,
                    description=f"HealthCheckStatus of {route53_site.spec.label}",
                    comparison="LessThanThreshold",
                    treat_missing_data="breaching",
                ),
            )
        )
    return specs


class ReplicationAlarms(Construct):
    """`alarms` (by suffix) and `dashboard`."""

    def __init__(self, scope: Construct, id_: str, *, name: str, specs: list[AlarmSpec]) -> None:
        super().__init__(scope, id_)
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}
        for spec in specs:
            alarm = spec.alarm
            self.alarms[alarm.suffix] = metric_alarm(
                self,
                pascal(alarm.suffix),
                alarm,
                name=f"{name}-{alarm.suffix}",
                description=f"{alarm.description} {alarm.comparison} {alarm.threshold:g}",
                topic_arn=spec.site.topic.topic.arn,
                timing=AlarmTiming(),
                provider=spec.site.spec.provider,
            )
        widgets = [
            MetricWidget(
                title=spec.alarm.suffix,
                region=spec.site.spec.region,
                period_seconds=AlarmTiming().period_seconds,
                metrics=(metric_line(spec.alarm),),
                thresholds=(("alarm", spec.alarm.threshold),),
            )
            for spec in specs
        ]
        self.dashboard = CloudwatchDashboard(
            self,
            "Dashboard",
            dashboard_name=name,
            dashboard_body=dashboard_body(widgets, [a.arn for a in self.alarms.values()]),
        )
