"""The settings records several workloads share: state bucket, VPC, Aurora, Fargate service, PostgreSQL, Redis, WAF,
REST API stages and a public load balancer's HTTPS. Each field's metadata names the check the loader applies
(config/validators.py) and its help text (docs/environments.md). Values that must differ per environment have no
default here: they come from environments.toml, where [defaults] gives the common value and each environment writes
only its differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from config import validators as v
from config.validators import checked, described, optional


class NatGateways(StrEnum):
    """How a VPC's private subnets reach the internet (the value written in environments.toml)."""

    SINGLE = "single"
    """One NAT gateway in the first zone, shared by every private subnet (cheaper; a zone outage cuts egress)."""
    PER_AZ = "per_az"
    """One NAT gateway per zone, each private subnet routed to its own zone's."""


@dataclass(frozen=True)
class StateSettings:
    """The Terraform state bucket of an environment (created by the bootstrap stack)."""

    noncurrent_version_expiration_days: int = checked(v.positive, "days old state versions are kept")


@dataclass(frozen=True)
class NetworkSettings:
    """A VPC: its address block, how many availability zones it spans and how its NAT gateways are laid out."""

    vpc_cidr: str = checked(v.cidr, "IPv4 block of the VPC (/16 to /24), apart from the others")
    availability_zones: tuple[str, ...] = checked(
        v.zone_names, "zones of the region holding one public and one private subnet each (2 or 3)"
    )
    nat_gateways: NatGateways = described("'single' (one shared NAT gateway) or 'per_az' (one per zone)")


@dataclass(frozen=True)
class AuroraSettings:
    """An Aurora PostgreSQL cluster: engine version and username from the catalog, size, backups."""

    engine_version: str = checked(v.aurora_postgres_version, "aurora-postgresql version (config/catalog.toml)")
    master_username: str = checked(
        v.aurora_postgres_username, "master username (letters, digits, '_'), not reserved by the engine"
    )
    instance_class: str = checked(v.db_instance_class, "instance class of every cluster instance")
    instance_count: int = checked(v.aurora_instance_count, "cluster instances (the first is the writer; 1-16)")
    backup_retention_days: int = checked(v.backup_retention, "days of automated backups (1-35)")


@dataclass(frozen=True)
class FargateServiceSettings:  # pylint: disable=too-many-instance-attributes
    """One container on ECS Fargate behind the workload's ALB: task size, counts for CPU auto scaling, port, image.
    The CPU/memory pair and the counts are checked together by config/rules.py."""

    task_cpu: int = checked(v.positive, "Fargate task CPU units (256, 512, 1024, 2048, 4096)")
    task_memory: int = checked(v.positive, "Fargate task memory in MiB, valid for the CPU units (config/catalog.toml)")
    desired_count: int = checked(v.positive, "tasks running after a deploy (min_count <= desired_count <= max_count)")
    min_count: int = checked(v.positive, "fewest tasks CPU auto scaling leaves running")
    max_count: int = checked(v.positive, "most tasks CPU auto scaling starts")
    container_port: int = checked(v.port, "port the container listens on")
    health_check_path: str = checked(
        v.health_check_path, "path the load balancer checks on each task (starts with '/')"
    )
    image_tag: str = checked(v.image_tag, "tag of the image in the workload's ECR repository (tags are immutable)")


@dataclass(frozen=True)
class PostgresSettings:
    """An RDS PostgreSQL instance: engine version and username from the catalog, size, Multi-AZ, backups."""

    engine_version: str = checked(v.postgres_version, "postgres version (config/catalog.toml)")
    master_username: str = checked(
        v.postgres_username, "master username (letters, digits, '_'), not reserved by the engine"
    )
    instance_class: str = checked(v.db_instance_class, "DB instance class")
    allocated_storage_gb: int = checked(v.gp3_storage, "allocated gp3 storage in GiB (20-65536)")
    multi_az: bool = described("a synchronous standby in a second zone")
    backup_retention_days: int = checked(v.backup_retention, "days of automated backups (1-35)")


@dataclass(frozen=True)
class RedisSettings:
    """An ElastiCache Redis replication group (cluster mode disabled): size, replicas and failover."""

    engine_version: str = checked(v.redis_version, "redis version (config/catalog.toml; 7.x for IAM auth)")
    node_type: str = checked(v.cache_node_type, "node type of every cache cluster")
    num_cache_clusters: int = checked(
        v.redis_cluster_count, "primary plus replicas (1-6; 2 or more for automatic failover)"
    )
    automatic_failover: bool = described("promote a replica when the primary fails (needs 2+ clusters)")
    multi_az: bool = described("place replicas in other zones (needs automatic failover)")


@dataclass(frozen=True)
class WafSettings:
    """A WAFv2 web ACL in front of every internet-facing load balancer and REST API stage (modules/waf.py)."""

    enabled: bool = described("create the web ACL and associate it (staging and prod; dev per record)")
    rate_limit: int = checked(v.waf_rate_limit, "requests per client IP per 5 minutes before WAF blocks it")


@dataclass(frozen=True)
class ApiStageSettings:
    """What every REST API stage of the environment gets beyond access logs, X-Ray, throttling and the WAF
    (modules/rest_api.py): a client certificate and an encrypted response cache."""

    client_certificate: bool = described(
        "a client certificate on the stage, for HTTP backends to verify that a call comes from API Gateway"
    )
    cache_ttl_seconds: int = checked(v.api_cache_ttl, "seconds a cached response is served (1-3600)")
    cache_size_gb: str | None = optional(
        v.api_cache_size, "cache cluster size of the stage ('0.5', '1.6', ...); left out: no response cache"
    )


@dataclass(frozen=True)
class BackupSettings:
    """AWS Backup of every stateful workload (modules/backup.py), built in every environment with
    deletion_protection = true: a vault, a plan over every Aurora cluster, RDS instance and DynamoDB table of the
    stack, and for disaster-recovery a copy of each recovery point in its DR region."""

    schedule: str = checked(v.backup_schedule, "when the plan's backup starts: an AWS Backup cron expression (UTC)")
    retention_days: int = checked(v.backup_retention_days, "days each recovery point (and its DR copy) is kept")


@dataclass(frozen=True, kw_only=True)
class PublicEdgeSettings:
    """How a workload's internet-facing load balancer serves HTTPS: a certificate, or a Route 53 zone and a domain
    for which ACM issues one (DNS validation). Without either it serves plain HTTP where the record allows it."""

    certificate_arn: str | None = optional(
        v.certificate_arn, "ACM certificate in the environment's region: turns HTTPS on"
    )
    hosted_zone_id: str | None = optional(
        v.hosted_zone_id,
        "Route 53 zone of domain_name (both or neither; with it: ACM certificate, HTTPS); the staging and prod values "
        "are placeholders: replace with your zone",
    )
    domain_name: str | None = optional(v.failover_domain, "alias record for the ALB (with the zone)")
