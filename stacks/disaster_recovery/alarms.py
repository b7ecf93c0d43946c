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

import json
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from config.workloads import DisasterRecoveryAlarmSettings
from core.naming import pascal
from modules.bucket_replication import RULE_ID
from stacks.disaster_recovery.site import Site

ROUTE53_METRICS_REGION = "us-east-1"


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: where, on what metric, at which threshold."""

    suffix: str
    site: Site
    namespace: str
    metric: str
    dimensions: dict[str, str]
    statistic: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    missing: str = "notBreaching"


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
            "aurora-replication-lag",
            dr,
            "AWS/RDS",
            "AuroraGlobalDBReplicationLag",
            {"DBClusterIdentifier": secondary_cluster},
            "Maximum",
            limits.aurora_replication_lag_ms,
        ),
        AlarmSpec(
            "s3-replication-latency",
            primary,
            "AWS/S3",
            "ReplicationLatency",
            bucket,
            "Maximum",
            limits.s3_replication_latency_seconds,
        ),
        AlarmSpec(
            "s3-replication-failed",
            primary,
            "AWS/S3",
            "OperationsFailedReplication",
            bucket,
            "Sum",
            limits.s3_failed_operations,
            "GreaterThanOrEqualToThreshold",
        ),
        AlarmSpec(
            "dynamodb-replication-latency",
            primary,
            "AWS/DynamoDB",
            "ReplicationLatency",
            {"TableName": table_name, "ReceivingRegion": dr.spec.region},
            "Average",
            limits.dynamodb_replication_latency_ms,
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
                f"{site.spec.label}-health-check",
                route53_site,
                "AWS/Route53",
                "HealthCheckStatus",
                {"HealthCheckId": check_id},
                "Minimum",
                1,
                "LessThanThreshold",
                "breaching",
            )
        )
    return specs


class ReplicationAlarms(Construct):
    """`alarms` (by suffix) and `dashboard`."""

    def __init__(self, scope: Construct, id_: str, *, name: str, specs: list[AlarmSpec]) -> None:
        super().__init__(scope, id_)
        self.alarms = {}
        for spec in specs:
            topic = spec.site.topic.topic.arn
            self.alarms[spec.suffix] = CloudwatchMetricAlarm(
                self,
                pascal(spec.suffix),
                alarm_name=f"{name}-{spec.suffix}",
                alarm_description=f"{spec.metric} of {spec.site.spec.label} {spec.comparison} {spec.threshold:g}",
                namespace=spec.namespace,
                metric_name=spec.metric,
                dimensions=spec.dimensions,
                statistic=spec.statistic,
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                period=300,
                evaluation_periods=3,
                datapoints_to_alarm=2,
                treat_missing_data=spec.missing,
                alarm_actions=[topic],
                ok_actions=[topic],
                provider=spec.site.spec.provider,
            )
        self.dashboard = CloudwatchDashboard(
            self, "Dashboard", dashboard_name=name, dashboard_body=dashboard_body(specs, self.alarms)
        )


def dashboard_body(specs: list[AlarmSpec], alarms: dict[str, CloudwatchMetricAlarm]) -> str:
    """One metric widget per alarm (in the metric's region, with its threshold), then every alarm's state."""
    widgets: list[dict[str, Any]] = []
    for index, spec in enumerate(specs):
        dimensions = [part for pair in sorted(spec.dimensions.items()) for part in pair]
        widgets.append(
            {
                "type": "metric",
                "x": 12 * (index % 2),
                "y": 6 * (index // 2),
                "width": 12,
                "height": 6,
                "properties": {
                    "title": spec.suffix,
                    "region": spec.site.spec.region,
                    "view": "timeSeries",
                    "period": 300,
                    "metrics": [[spec.namespace, spec.metric, *dimensions, {"stat": spec.statistic}]],
                    "annotations": {"horizontal": [{"label": "alarm", "value": spec.threshold}]},
                },
            }
        )
    widgets.append(
        {
            "type": "alarm",
            "x": 0,
            "y": 6 * ((len(specs) + 1) // 2),
            "width": 24,
            "height": 4,
            "properties": {"title": "Alarms", "alarms": [a.arn for a in alarms.values()]},
        }
    )
    return json.dumps({"widgets": widgets}, sort_keys=True)
