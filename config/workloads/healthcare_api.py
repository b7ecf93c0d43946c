"""healthcare-api settings: a REST API in its own region with an RDS PostgreSQL instance and Redis."""

from __future__ import annotations

from dataclasses import dataclass

from config import validators as v
from config.settings import NetworkSettings, PostgresSettings, RedisSettings
from config.validators import checked, described


@dataclass(frozen=True)
class HealthcareAlarmSettings:
    """Alarm thresholds of healthcare-api: the API stage, the PostgreSQL instance and Redis."""

    api_5xx_count: int = checked(v.positive, "5xx answers of the API stage per 5 minutes that raise it")
    api_p99_latency_ms: int = checked(v.positive, "p99 latency (ms) of the API stage that raises it")
    db_cpu_percent: int = checked(v.percent, "average CPU of the DB instance (%) that raises it")
    db_connections: int = checked(v.positive, "connections to the DB instance (maximum) that raise it")
    db_free_storage_mb: int = checked(
        v.positive, "free storage (MiB, minimum) of the DB instance below which it raises"
    )
    redis_cpu_percent: int = checked(v.percent, "engine CPU of a Redis node (%) that raises it")
    redis_memory_percent: int = checked(v.percent, "memory used by the Redis data set (%) that raises it")


@dataclass(frozen=True)
class HealthcareApiSettings:  # pylint: disable=too-many-instance-attributes
    """The healthcare-api workload: its own region, network, PostgreSQL, Redis, API throttling, audit retention."""

    region: str = checked(v.region, "region of the workload's resources (its state stays in the environment's)")
    network: NetworkSettings = described("the workload's VPC")
    database: PostgresSettings = described("the workload's RDS PostgreSQL instance")
    cache: RedisSettings = described("the workload's Redis replication group")
    throttling_rate_limit: int = checked(v.positive, "steady-state requests per second of the API stage")
    throttling_burst_limit: int = checked(v.positive, "burst requests of the API stage")
    audit_log_retention_days: int = checked(v.retention, "retention of access, database and flow logs (days)")
    alarms: HealthcareAlarmSettings = described("alarm thresholds")
