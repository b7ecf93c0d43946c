"""disaster-recovery settings: two regions (active/passive) with an Aurora global database, S3 replication, a
DynamoDB global table, a health API in each region and Route 53 failover between them."""

from __future__ import annotations

from dataclasses import dataclass

from config import validators as v
from config.settings import AuroraSettings, NetworkSettings
from config.validators import checked, described, optional


@dataclass(frozen=True)
class DisasterRecoveryAlarmSettings:
    """Alarm thresholds of the disaster-recovery workload (each alarm notifies its region's alarm topic)."""

    aurora_replication_lag_ms: int = checked(v.positive, "Aurora global replication lag (ms, maximum) that raises it")
    s3_replication_latency_seconds: int = checked(v.positive, "S3 replication latency (s, maximum) that raises it")
    s3_failed_operations: int = checked(v.positive, "objects that failed to replicate per 5 minutes that raise it")
    dynamodb_replication_latency_ms: int = checked(
        v.positive, "DynamoDB replication latency (ms, average) that raises it"
    )


@dataclass(frozen=True)
class DisasterRecoverySettings:  # pylint: disable=too-many-instance-attributes
    """The disaster-recovery workload: two regions (active/passive), each with its VPC, Aurora global database,
    S3 replication, a DynamoDB global table, health API and Route 53 failover."""

    primary_region: str = checked(v.region, "region serving traffic (the Aurora global database's writer)")
    dr_region: str = checked(v.region, "standby region (Aurora secondary, bucket and table replicas); not primary")
    primary_network: NetworkSettings = described("VPC of the primary region (zones of primary_region)")
    dr_network: NetworkSettings = described("VPC of the DR region (zones of dr_region, block apart from primary)")
    database: AuroraSettings = described("the Aurora PostgreSQL global database (same size in both regions)")
    skip_final_snapshot: bool = described("destroy the clusters without a final snapshot (dev only)")
    replication_time_control: bool = described("S3 Replication Time Control (15-minute SLA, metrics)")
    runtime: str = checked(v.lambda_runtime, "Python runtime of the health function (config/catalog.toml [lambda])")
    memory_mb: int = checked(v.lambda_memory, "health function memory in MB (128-10240)")
    domain_name: str = checked(v.failover_domain, "name of the failover record (and of the zone created for it)")
    alarms: DisasterRecoveryAlarmSettings = described("alarm thresholds")
    hosted_zone_id: str | None = optional(
        v.hosted_zone_id, "existing Route 53 zone holding domain_name (none: a zone is created)"
    )
