"""fraud-detection settings: the scoring service on Fargate, its Aurora cluster and the global rules table."""

from __future__ import annotations

from dataclasses import dataclass

from config import validators as v
from config.settings import AuroraSettings, FargateServiceSettings, NetworkSettings, PublicEdgeSettings
from config.validators import checked, described, optional


@dataclass(frozen=True)
class FraudAlarmSettings:
    """Alarm thresholds of the fraud-detection workload (each alarm notifies the workload's alarm topic)."""

    service_cpu_percent: int = checked(v.percent, "average CPU of the scoring service (%) that raises the alarm")
    service_memory_percent: int = checked(v.percent, "average memory of the scoring service (%) that raises it")
    alb_5xx_count: int = checked(v.positive, "5xx answers of the ALB and its targets per 5 minutes that raise it")
    alb_p99_latency_ms: int = checked(v.positive, "p99 target response time (ms) over 5 minutes that raises it")
    db_cpu_percent: int = checked(v.percent, "average CPU of the Aurora cluster (%) that raises it")
    db_connections: int = checked(v.positive, "Aurora connections (maximum over 5 minutes) that raise it")
    dynamodb_throttles: int = checked(v.positive, "throttled requests on the rules table per 5 minutes that raise it")


@dataclass(frozen=True)
class FraudDetectionSettings(PublicEdgeSettings):
    """The fraud-detection workload: network, scoring service, database, global rules table, alarms."""

    network: NetworkSettings = described("the workload's VPC (its block apart from the other workloads')")
    database: AuroraSettings = described("the workload's Aurora PostgreSQL cluster")
    replica_regions: tuple[str, ...] = checked(
        v.replica_regions, "regions holding a replica of the rules table (not the home region; [] for none)"
    )
    service: FargateServiceSettings = described("the fraud-scoring container's Fargate service")
    alarms: FraudAlarmSettings = described("alarm thresholds")
    alarm_email: str | None = optional(v.email, "e-mail address subscribed to the alarms")
