"""flask-api settings: a Flask container on Fargate behind a public ALB, with an Aurora PostgreSQL cluster."""

from __future__ import annotations

from dataclasses import dataclass

from config import validators as v
from config.settings import AuroraSettings, FargateServiceSettings, NetworkSettings, PublicEdgeSettings
from config.validators import checked, described


@dataclass(frozen=True)
class ServiceAlarmSettings:
    """Alarm thresholds of flask-api: its ALB, Fargate service and Aurora cluster."""

    service_cpu_percent: int = checked(v.percent, "average CPU of the service (%) that raises the alarm")
    service_memory_percent: int = checked(v.percent, "average memory of the service (%) that raises it")
    alb_5xx_count: int = checked(v.positive, "5xx answers of the ALB or its targets per 5 minutes that raise it")
    alb_p99_latency_ms: int = checked(v.positive, "p99 target response time (ms) over 5 minutes that raises it")
    db_cpu_percent: int = checked(v.percent, "average CPU of the Aurora cluster (%) that raises it")
    db_connections: int = checked(v.positive, "Aurora connections (maximum over 5 minutes) that raise it")


@dataclass(frozen=True)
class FlaskApiSettings(PublicEdgeSettings):
    """The flask-api workload: network, Fargate service size and scaling, database, optional HTTPS and DNS."""

    network: NetworkSettings = described("the workload's VPC")
    database: AuroraSettings = described("the workload's Aurora PostgreSQL cluster")
    service: FargateServiceSettings = described("the Flask container's Fargate service")
    alarms: ServiceAlarmSettings = described("alarm thresholds")
