"""Typed environment records. Each field's metadata names the check applied to it on load (see loader.py).

Values that must differ per environment have no default here: they come from environments.toml, where
[defaults] gives the common value and each environment writes only its differences.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from config.catalog import Catalog

Check = Callable[[Any, Catalog], "str | None"]


def checked(check: Check, help_text: str) -> Any:
    """A dataclass field validated on load by `check`; `help_text` documents it (docs and error messages)."""
    return field(metadata={"check": check, "help": help_text})  # pylint: disable=invalid-field-call


def described(help_text: str) -> Any:
    """A dataclass field with documentation only (its type is still checked)."""
    return field(metadata={"help": help_text})  # pylint: disable=invalid-field-call


def account_id(value: str, _: Catalog) -> str | None:
    """A 12-digit AWS account id."""
    return None if re.fullmatch(r"\d{12}", value) else f"{value!r} is not a 12-digit AWS account id"


def region(value: str, catalog: Catalog) -> str | None:
    """A region in the catalog's allowed list."""
    if value in catalog.regions:
        return None
    return f"region {value!r} is not allowed; choose one of: {', '.join(catalog.regions)}"


def retention(value: int, catalog: Catalog) -> str | None:
    """A retention period CloudWatch Logs accepts."""
    if value in catalog.log_retention_days:
        return None
    choices = ", ".join(map(str, catalog.log_retention_days))
    return f"{value} is not a CloudWatch Logs retention; choose one of: {choices}"


def positive(value: int, _: Catalog) -> str | None:
    """A whole number of at least 1."""
    return None if value >= 1 else f"{value} must be at least 1"


def cidr(value: str, _: Catalog) -> str | None:
    """An IPv4 network in CIDR notation, /16 to /24, with no host bits set."""
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as exc:
        return f"{value!r} is not a valid IPv4 CIDR block ({exc}); write it like '10.20.0.0/16'"
    if not 16 <= network.prefixlen <= 24:
        return f"{value!r} has prefix /{network.prefixlen}; AWS VPCs take /16 to /28, and we need /16 to /24"
    return None


AURORA_POSTGRES = "aurora-postgresql"


def aurora_postgres_version(value: str, catalog: Catalog) -> str | None:
    """An Aurora PostgreSQL engine version that exists (catalog.toml)."""
    return catalog.engine_version_problem(AURORA_POSTGRES, value)


def aurora_postgres_username(value: str, catalog: Catalog) -> str | None:
    """A master username Aurora PostgreSQL accepts (not reserved by the engine)."""
    return catalog.username_problem(AURORA_POSTGRES, value)


def zone_names(value: tuple[str, ...], _: Catalog) -> str | None:
    """2 or 3 distinct availability zone names (an ALB and Aurora need at least two zones)."""
    if not all(re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d[a-z]", zone) for zone in value):
        return f"{list(value)}: write zone names like 'us-east-1a'"
    return None if 2 <= len(set(value)) == len(value) <= 3 else f"{list(value)}: name 2 or 3 distinct zones"


def nat_gateways(value: str, _: Catalog) -> str | None:
    """'single' (one shared NAT gateway) or 'per_az' (one per availability zone)."""
    return None if value in ("single", "per_az") else f"{value!r}: choose one of: per_az, single"


def backup_retention(value: int, _: Catalog) -> str | None:
    """Days of automated database backups: RDS accepts 1 to 35."""
    return None if 1 <= value <= 35 else f"{value} days: RDS keeps automated backups for 1 to 35 days"


def db_instance_class(value: str, _: Catalog) -> str | None:
    """An RDS instance class (db.<family>.<size>)."""
    return None if re.fullmatch(r"db\.[a-z0-9]+\.[a-z0-9]+", value) else f"{value!r} is not like 'db.r6g.large'"


def lambda_runtime(value: str, catalog: Catalog) -> str | None:
    """A Lambda runtime AWS supports for new functions (catalog.toml [lambda] runtimes)."""
    if value in catalog.lambda_runtimes:
        return None
    return (
        f"Lambda runtime {value!r} is not supported for new functions; "
        f"choose one of: {', '.join(catalog.lambda_runtimes)} (config/catalog.toml [lambda])"
    )


def lambda_memory(value: int, _: Catalog) -> str | None:
    """Lambda memory in MB: 128 to 10240."""
    return None if 128 <= value <= 10240 else f"{value} MB: Lambda takes 128 to 10240 MB"


def lambda_timeout(value: int, _: Catalog) -> str | None:
    """Lambda timeout in seconds: 1 to 900."""
    return None if 1 <= value <= 900 else f"{value} s: a Lambda timeout is 1 to 900 seconds"


def sqs_retention_days(value: int, _: Catalog) -> str | None:
    """SQS message retention in days: 1 to 14."""
    return None if 1 <= value <= 14 else f"{value} days: SQS keeps messages for 1 to 14 days"


POSTGRES = "postgres"
REDIS = "redis"


def postgres_version(value: str, catalog: Catalog) -> str | None:
    """An RDS PostgreSQL engine version that exists (catalog.toml)."""
    return catalog.engine_version_problem(POSTGRES, value)


def postgres_username(value: str, catalog: Catalog) -> str | None:
    """A master username RDS PostgreSQL accepts (not reserved by the engine)."""
    return catalog.username_problem(POSTGRES, value)


def redis_version(value: str, catalog: Catalog) -> str | None:
    """An ElastiCache Redis engine version that exists (catalog.toml)."""
    return catalog.engine_version_problem(REDIS, value)


def cache_node_type(value: str, _: Catalog) -> str | None:
    """An ElastiCache node type (cache.<family>.<size>)."""
    return None if re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", value) else f"{value!r} is not like 'cache.t4g.small'"


def percent(value: int, _: Catalog) -> str | None:
    """A whole percentage, 1 to 100."""
    return None if 1 <= value <= 100 else f"{value}: a percentage is 1 to 100"


def replica_regions(value: list[str], catalog: Catalog) -> str | None:
    """Distinct regions, each in the catalog's allowed list (the home region is refused by `record_problems`)."""
    duplicates = sorted({r for r in value if value.count(r) > 1})
    if duplicates:
        return f"{list(value)}: {', '.join(duplicates)} listed more than once; name each replica region once"
    unknown = [r for r in value if r not in catalog.regions]
    if unknown:
        return (
            f"{list(value)}: {', '.join(unknown)} not allowed; choose replica regions from: "
            f"{', '.join(catalog.regions)}"
        )
    return None


def failover_domain(value: str, _: Catalog) -> str | None:
    """A DNS name of two or more labels (lowercase letters, digits, '-')."""
    label = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
    return None if re.fullmatch(rf"{label}(\.{label})+", value) else f"{value!r} is not a domain like 'dr.example.com'"


ENV_NAME_MAX_LENGTH = 10
"""Longest environment name: with a suffix of 8 every shortened name still fits (core/naming.py)."""


def environment_name(value: str, _: Catalog) -> str | None:
    """1-10 lowercase letters and digits, starting with a letter: it goes into every physical name."""
    if re.fullmatch(rf"[a-z][a-z0-9]{{0,{ENV_NAME_MAX_LENGTH - 1}}}", value):
        return None
    return (
        f"environment name {value!r} is invalid: use 1-{ENV_NAME_MAX_LENGTH} lowercase letters and digits "
        "starting with a letter (e.g. 'qa'); it becomes part of every resource name; rename the table"
    )


def email(value: str, _: Catalog) -> str | None:
    """An e-mail address SNS can subscribe (local part, '@', a domain of two or more labels)."""
    label = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
    if re.fullmatch(rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{label}(\.{label})+", value) and len(value) <= 254:
        return None
    return f"{value!r} is not an e-mail address like 'oncall@example.com'"


def tag_value(value: str, _: Catalog) -> str | None:
    """A tag value AWS accepts: 1-256 letters, digits, spaces and _ . : / = + - @."""
    if re.fullmatch(r"[\w .:/=+\-@]{1,256}", value):
        return None
    return f"{value!r} is not a tag value: use 1-256 letters, digits, spaces and _ . : / = + - @"


def image_tag(value: str, _: Catalog) -> str | None:
    """An image tag ECR accepts: 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'."""
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", value):
        return None
    return f"{value!r} is not an image tag: use 1-128 letters, digits, '_', '.' and '-' (not first), like '1.0.0'"


def db_username(value: str, _: Catalog) -> str | None:
    """An RDS / Aurora PostgreSQL master username: 1-63 letters, digits and '_', starting with a letter."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,62}", value):
        return None
    return f"master username {value!r}: use 1-63 letters, digits and '_', starting with a letter (e.g. 'dbadmin')"


def checks(*found: Check) -> Check:
    """All of `found`, in order: the first problem wins."""
    return lambda value, catalog: next((p for c in found if (p := c(value, catalog))), None)


def between(low: int, high: int, what: str) -> Check:
    """A whole number from `low` to `high` (`what` says whose limit it is)."""
    return lambda value, _: None if low <= value <= high else f"{value}: {what} takes {low} to {high}"


def certificate_arn(value: str, _: Catalog) -> str | None:
    """An ACM certificate ARN (its region must be the load balancer's: see record_problems)."""
    if re.fullmatch(r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}", value):
        return None
    return (
        f"{value!r} is not an ACM certificate ARN like "
        "'arn:aws:acm:us-east-1:111111111111:certificate/0f5e5c3a-1111-2222-3333-444455556666'"
    )


def hosted_zone_id(value: str, _: Catalog) -> str | None:
    """A Route 53 hosted zone id (Z followed by up to 31 capital letters and digits)."""
    if re.fullmatch(r"Z[A-Z0-9]{1,31}", value):
        return None
    return f"{value!r} is not a hosted zone id like 'Z0123456789ABC'"


@dataclass(frozen=True)
class StateSettings:
    """The Terraform state bucket of an environment (created by the bootstrap stack)."""

    noncurrent_version_expiration_days: int = checked(positive, "days old state versions are kept")


@dataclass(frozen=True)
class NetworkSettings:
    """A VPC: its address block, how many availability zones it spans and how its NAT gateways are laid out."""

    vpc_cidr: str = checked(cidr, "IPv4 block of the VPC (/16 to /24), apart from the others")
    availability_zones: list[str] = checked(
        zone_names, "zones of the region holding one public and one private subnet each (2 or 3)"
    )
    nat_gateways: str = checked(nat_gateways, "'single' (one shared NAT gateway) or 'per_az' (one per zone)")


@dataclass(frozen=True)
class AuroraSettings:
    """An Aurora PostgreSQL cluster: engine version and username from the catalog, size, backups."""

    engine_version: str = checked(aurora_postgres_version, "aurora-postgresql version (config/catalog.toml)")
    master_username: str = checked(
        checks(db_username, aurora_postgres_username),
        "master username (letters, digits, '_'), not reserved by the engine",
    )
    instance_class: str = checked(db_instance_class, "instance class of every cluster instance")
    instance_count: int = checked(
        between(1, 16, "an Aurora cluster"), "cluster instances (the first is the writer; 1-16)"
    )
    backup_retention_days: int = checked(backup_retention, "days of automated backups (1-35)")


def port(value: int, _: Catalog) -> str | None:
    """A TCP port number."""
    return None if 1 <= value <= 65535 else f"{value} is not a TCP port (1-65535)"


@dataclass(frozen=True)
class FargateServiceSettings:  # pylint: disable=too-many-instance-attributes
    """One container on ECS Fargate behind the workload's ALB: task size, counts for CPU auto scaling, port, image.
    The CPU/memory pair and the counts are checked together by `record_problems`."""

    task_cpu: int = checked(positive, "Fargate task CPU units (256, 512, 1024, 2048, 4096)")
    task_memory: int = checked(positive, "Fargate task memory in MiB, valid for the CPU units (config/catalog.toml)")
    desired_count: int = checked(positive, "tasks running after a deploy (min_count <= desired_count <= max_count)")
    min_count: int = checked(positive, "fewest tasks CPU auto scaling leaves running")
    max_count: int = checked(positive, "most tasks CPU auto scaling starts")
    container_port: int = checked(port, "port the container listens on")
    health_check_path: str = described("path the load balancer checks on each task (starts with '/')")
    image_tag: str = checked(image_tag, "tag of the image in the workload's ECR repository (tags are immutable)")


# ---------------------------------------------------------------- public edges (issue 18): TLS certificate sources


def edge_problems(record: Any, path: str) -> list[str]:
    """Protected environments serve HTTPS only: no allow_plain_http, a certificate source per public ALB."""
    problems = (
        []
        if not (record.deletion_protection is True and record.allow_plain_http is True)
        else [
            f"{path}.allow_plain_http: true in an environment with deletion_protection = true; protected environments "
            "serve HTTPS only, remove it"
        ]
    )
    for workload in ("flask_api", "fraud_detection"):
        problems += certificate_problems(getattr(record, workload), f"{path}.{workload}", record.deletion_protection)
    return problems


ONE_YEAR_DAYS = 365  # CKV_AWS_338's minimum; core.suppress.suppress_short_retention excuses shorter ones


def retention_problems(record: Any, path: str) -> list[str]:
    """An environment with deletion protection keeps every log at least a year (CKV_AWS_338): only environments
    whose data is disposable may keep logs shorter (their suppression says so, core.suppress)."""
    if record.deletion_protection is not True:
        return []
    healthcare = record.healthcare_api
    problems = []
    for key, days in (
        ("log_retention_days", record.log_retention_days),
        ("healthcare_api.audit_log_retention_days", getattr(healthcare, "audit_log_retention_days", None)),
    ):
        if isinstance(days, int) and not isinstance(days, bool) and days < ONE_YEAR_DAYS:
            problems.append(
                f"{path}.{key}: {days} days in an environment with deletion_protection = true; protected "
                f"environments keep logs at least {ONE_YEAR_DAYS} days, set {ONE_YEAR_DAYS} or more"
            )
    return problems


def certificate_problems(settings: Any, path: str, deletion_protection: bool) -> list[str]:
    """A workload with a public load balancer: an environment with deletion protection needs a certificate source
    (certificate_arn, or hosted_zone_id + domain_name for ACM DNS validation); elsewhere plain HTTP needs the
    record's allow_plain_http switch (checked at synth by modules/load_balancer.py and in the scan by CKV_APP_013)."""
    if settings is None or not all(
        isinstance(getattr(settings, k), (str, type(None)))
        for k in ("certificate_arn", "hosted_zone_id", "domain_name")
    ):
        return []  # a value of the wrong type is already reported by the loader
    problems = []  # hosted_zone_id and domain_name given together or not at all: _value_pair_problems
    source = settings.certificate_arn is not None or (settings.hosted_zone_id and settings.domain_name)
    if deletion_protection is True and not source:
        problems.append(
            f"{path}: this environment has deletion_protection = true but no certificate source; set "
            "certificate_arn, or hosted_zone_id and domain_name (ACM issues the certificate with DNS "
            "validation), so the load balancer serves HTTPS"
        )
    return problems


# ---------------------------------------------------------------- alarms that reach someone (issue 18)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:\d+)?(/\S*)?")


def endpoint_problem(endpoint: str) -> str | None:
    """None for an e-mail address or an https:// URL (the endpoints a person or a pager answers)."""
    if EMAIL.fullmatch(endpoint) or HTTPS_URL.fullmatch(endpoint):
        return None
    return f"{endpoint!r} is neither an e-mail address nor an https:// URL"


def alarm_endpoints(value: list[str], _: Catalog) -> str | None:
    """At least one endpoint; each an e-mail address or an https:// URL (every alarm topic subscribes them)."""
    if not value:
        return "[]: name at least one e-mail address or https:// URL, or the alarms notify nobody"
    return next((endpoint_problem(e) for e in value if endpoint_problem(e)), None)


@dataclass(frozen=True)
class ServiceAlarmSettings:
    """Alarm thresholds of flask-api: its ALB, Fargate service and Aurora cluster."""

    service_cpu_percent: int = checked(percent, "average CPU of the service (%) that raises the alarm")
    service_memory_percent: int = checked(percent, "average memory of the service (%) that raises it")
    alb_5xx_count: int = checked(positive, "5xx answers of the ALB or its targets per 5 minutes that raise it")
    alb_p99_latency_ms: int = checked(positive, "p99 target response time (ms) over 5 minutes that raises it")
    db_cpu_percent: int = checked(percent, "average CPU of the Aurora cluster (%) that raises it")
    db_connections: int = checked(positive, "Aurora connections (maximum over 5 minutes) that raise it")


@dataclass(frozen=True)
class EventProcessingAlarmSettings:
    """Alarm thresholds of event-processing: the processor function and its queues."""

    function_errors: int = checked(positive, "processor invocations that failed per 5 minutes that raise it")
    function_throttles: int = checked(positive, "throttled processor invocations per 5 minutes that raise it")
    dlq_messages: int = checked(positive, "messages waiting in the dead-letter queue that raise it")
    oldest_message_seconds: int = checked(positive, "age (s) of the task queue's oldest message that raises it")


@dataclass(frozen=True)
class HealthcareAlarmSettings:
    """Alarm thresholds of healthcare-api: the API stage, the PostgreSQL instance and Redis."""

    api_5xx_count: int = checked(positive, "5xx answers of the API stage per 5 minutes that raise it")
    api_p99_latency_ms: int = checked(positive, "p99 latency (ms) of the API stage that raises it")
    db_cpu_percent: int = checked(percent, "average CPU of the DB instance (%) that raises it")
    db_connections: int = checked(positive, "connections to the DB instance (maximum) that raise it")
    db_free_storage_mb: int = checked(positive, "free storage (MiB, minimum) of the DB instance below which it raises")
    redis_cpu_percent: int = checked(percent, "engine CPU of a Redis node (%) that raises it")
    redis_memory_percent: int = checked(percent, "memory used by the Redis data set (%) that raises it")


# ---------------------------------------------------------------- WAF at the public edges (issue 18)


def waf_rate_limit(value: int, _: Catalog) -> str | None:
    """Requests per client IP per 5 minutes: WAF rate-based rules take 100 to 2,000,000,000."""
    return None if 100 <= value <= 2_000_000_000 else f"{value}: a WAF rate limit is 100 to 2000000000 per 5 minutes"


@dataclass(frozen=True)
class WafSettings:
    """A WAFv2 web ACL in front of every internet-facing load balancer and REST API stage (modules/waf.py)."""

    enabled: bool = described("create the web ACL and associate it (staging and prod; dev per record)")
    rate_limit: int = checked(waf_rate_limit, "requests per client IP per 5 minutes before WAF blocks it")


@dataclass(frozen=True)
class FlaskApiSettings:
    """The flask-api workload: network, Fargate service size and scaling, database, optional HTTPS and DNS."""

    network: NetworkSettings = described("the workload's VPC")
    database: AuroraSettings = described("the workload's Aurora PostgreSQL cluster")
    service: FargateServiceSettings = described("the Flask container's Fargate service")
    alarms: ServiceAlarmSettings = described("alarm thresholds")
    certificate_arn: str | None = field(
        default=None,
        metadata={"check": certificate_arn, "help": "ACM certificate in the environment's region: turns HTTPS on"},
    )
    hosted_zone_id: str | None = field(
        default=None,
        metadata={
            "check": hosted_zone_id,
            "help": "Route 53 zone of domain_name (both or neither; with it: ACM certificate, HTTPS)",
        },
    )
    domain_name: str | None = field(
        default=None, metadata={"check": failover_domain, "help": "alias record for the ALB (with the zone)"}
    )


@dataclass(frozen=True)
class EventProcessingSettings:  # pylint: disable=too-many-instance-attributes
    """The event-processing workload: the processor function, its queues and the data bucket's lifecycle."""

    runtime: str = checked(lambda_runtime, "Python runtime of the processor (config/catalog.toml [lambda])")
    memory_mb: int = checked(lambda_memory, "processor memory in MB (128-10240)")
    timeout_seconds: int = checked(lambda_timeout, "processor timeout in seconds (1-900)")
    reserved_concurrency: int = checked(positive, "concurrent executions reserved for the processor")
    max_receive_count: int = checked(
        between(1, 1000, "an SQS redrive policy"),
        "deliveries of a task before it moves to the dead-letter queue (1-1000)",
    )
    queue_retention_days: int = checked(sqs_retention_days, "days the task queue keeps a message (1-14)")
    dlq_retention_days: int = checked(sqs_retention_days, "days the dead-letter queue keeps a message (1-14)")
    noncurrent_version_expiration_days: int = checked(positive, "days old object versions are kept")
    alarms: EventProcessingAlarmSettings = described("alarm thresholds")
    noncurrent_version_transition_days: int | None = field(
        default=None,
        metadata={
            "check": positive,
            "help": "days before old object versions move to STANDARD_IA (>= 30, before expiration)",
        },
    )
    notification_email: str | None = field(
        default=None,
        metadata={"check": email, "help": "e-mail address subscribed to the processed-object notifications"},
    )


@dataclass(frozen=True)
class FraudAlarmSettings:
    """Alarm thresholds of the fraud-detection workload (each alarm notifies the workload's alarm topic)."""

    service_cpu_percent: int = checked(percent, "average CPU of the scoring service (%) that raises the alarm")
    service_memory_percent: int = checked(percent, "average memory of the scoring service (%) that raises it")
    alb_5xx_count: int = checked(positive, "5xx answers of the ALB and its targets per 5 minutes that raise it")
    alb_p99_latency_ms: int = checked(positive, "p99 target response time (ms) over 5 minutes that raises it")
    db_cpu_percent: int = checked(percent, "average CPU of the Aurora cluster (%) that raises it")
    db_connections: int = checked(positive, "Aurora connections (maximum over 5 minutes) that raise it")
    dynamodb_throttles: int = checked(positive, "throttled requests on the rules table per 5 minutes that raise it")


@dataclass(frozen=True)
class FraudDetectionSettings:
    """The fraud-detection workload: network, scoring service, database, global rules table, alarms."""

    network: NetworkSettings = described("the workload's VPC (its block apart from the other workloads')")
    database: AuroraSettings = described("the workload's Aurora PostgreSQL cluster")
    replica_regions: list[str] = checked(
        replica_regions, "regions holding a replica of the rules table (not the home region; [] for none)"
    )
    service: FargateServiceSettings = described("the fraud-scoring container's Fargate service")
    alarms: FraudAlarmSettings = described("alarm thresholds")
    alarm_email: str | None = field(
        default=None, metadata={"check": email, "help": "e-mail address subscribed to the alarms"}
    )
    certificate_arn: str | None = field(
        default=None,
        metadata={"check": certificate_arn, "help": "ACM certificate in the environment's region: turns HTTPS on"},
    )
    hosted_zone_id: str | None = field(
        default=None,
        metadata={
            "check": hosted_zone_id,
            "help": "Route 53 zone of domain_name (both or neither; with it: ACM certificate, HTTPS)",
        },
    )
    domain_name: str | None = field(
        default=None, metadata={"check": failover_domain, "help": "alias record for the ALB (with the zone)"}
    )


@dataclass(frozen=True)
class PostgresSettings:
    """An RDS PostgreSQL instance: engine version and username from the catalog, size, Multi-AZ, backups."""

    engine_version: str = checked(postgres_version, "postgres version (config/catalog.toml)")
    master_username: str = checked(
        checks(db_username, postgres_username), "master username (letters, digits, '_'), not reserved by the engine"
    )
    instance_class: str = checked(db_instance_class, "DB instance class")
    allocated_storage_gb: int = checked(
        between(20, 65536, "gp3 storage (GiB)"), "allocated gp3 storage in GiB (20-65536)"
    )
    multi_az: bool = described("a synchronous standby in a second zone")
    backup_retention_days: int = checked(backup_retention, "days of automated backups (1-35)")


@dataclass(frozen=True)
class RedisSettings:
    """An ElastiCache Redis replication group (cluster mode disabled): size, replicas and failover."""

    engine_version: str = checked(redis_version, "redis version (config/catalog.toml; 7.x for IAM auth)")
    node_type: str = checked(cache_node_type, "node type of every cache cluster")
    num_cache_clusters: int = checked(
        between(1, 6, "a Redis replication group"), "primary plus replicas (1-6; 2 or more for automatic failover)"
    )
    automatic_failover: bool = described("promote a replica when the primary fails (needs 2+ clusters)")
    multi_az: bool = described("place replicas in other zones (needs automatic failover)")


@dataclass(frozen=True)
class HealthcareApiSettings:  # pylint: disable=too-many-instance-attributes
    """The healthcare-api workload: its own region, network, PostgreSQL, Redis, API throttling, audit retention."""

    region: str = checked(region, "region of the workload's resources (its state stays in the environment's)")
    network: NetworkSettings = described("the workload's VPC")
    database: PostgresSettings = described("the workload's RDS PostgreSQL instance")
    cache: RedisSettings = described("the workload's Redis replication group")
    throttling_rate_limit: int = checked(positive, "steady-state requests per second of the API stage")
    throttling_burst_limit: int = checked(positive, "burst requests of the API stage")
    audit_log_retention_days: int = checked(retention, "retention of access, database and flow logs (days)")
    alarms: HealthcareAlarmSettings = described("alarm thresholds")


@dataclass(frozen=True)
class DisasterRecoveryAlarmSettings:
    """Alarm thresholds of the disaster-recovery workload (each alarm notifies its region's alarm topic)."""

    aurora_replication_lag_ms: int = checked(positive, "Aurora global replication lag (ms, maximum) that raises it")
    s3_replication_latency_seconds: int = checked(positive, "S3 replication latency (s, maximum) that raises it")
    s3_failed_operations: int = checked(positive, "objects that failed to replicate per 5 minutes that raise it")
    dynamodb_replication_latency_ms: int = checked(
        positive, "DynamoDB replication latency (ms, average) that raises it"
    )


@dataclass(frozen=True)
class DisasterRecoverySettings:  # pylint: disable=too-many-instance-attributes
    """The disaster-recovery workload: two regions (active/passive), each with its VPC, Aurora global database,
    S3 replication, a DynamoDB global table, health API and Route 53 failover."""

    primary_region: str = checked(region, "region serving traffic (the Aurora global database's writer)")
    dr_region: str = checked(region, "standby region (Aurora secondary, bucket and table replicas); not primary")
    primary_network: NetworkSettings = described("VPC of the primary region (zones of primary_region)")
    dr_network: NetworkSettings = described("VPC of the DR region (zones of dr_region, block apart from primary)")
    database: AuroraSettings = described("the Aurora PostgreSQL global database (same size in both regions)")
    skip_final_snapshot: bool = described("destroy the clusters without a final snapshot (dev only)")
    replication_time_control: bool = described("S3 Replication Time Control (15-minute SLA, metrics)")
    runtime: str = checked(lambda_runtime, "Python runtime of the health function (config/catalog.toml [lambda])")
    memory_mb: int = checked(lambda_memory, "health function memory in MB (128-10240)")
    domain_name: str = checked(failover_domain, "name of the failover record (and of the zone created for it)")
    alarms: DisasterRecoveryAlarmSettings = described("alarm thresholds")
    hosted_zone_id: str | None = field(
        default=None,
        metadata={
            "check": hosted_zone_id,
            "help": "existing Route 53 zone holding domain_name (none: a zone is created)",
        },
    )


@dataclass(frozen=True)
class EnvironmentRecord:  # pylint: disable=too-many-instance-attributes
    """One deployment environment: where it lives and how protective and long-lived its resources are."""

    name: str = checked(environment_name, "environment name (the table name in environments.toml)")
    account_id: str = checked(account_id, "the only AWS account this environment may deploy into")
    region: str = checked(region, "home region of every stack of this environment")
    owner: str = checked(tag_value, "team that owns the resources (the Owner tag)")
    deletion_protection: bool = described("protect stateful resources from deletion")
    log_retention_days: int = checked(retention, "CloudWatch Logs retention of every log group")
    state: StateSettings = described("Terraform state bucket settings")
    flask_api: FlaskApiSettings = described("flask-api workload settings")
    event_processing: EventProcessingSettings = described("event-processing workload settings")
    healthcare_api: HealthcareApiSettings = described("healthcare-api workload settings")
    fraud_detection: FraudDetectionSettings = described("fraud-detection workload settings")
    disaster_recovery: DisasterRecoverySettings = described("disaster-recovery workload settings")
    alarm_endpoints: list[str] = checked(
        alarm_endpoints,
        "e-mail addresses or https:// URLs subscribed to every alarm topic of the environment (at least one)",
    )
    waf: WafSettings = described("the web ACL at the public edges")
    allow_plain_http: bool = described(
        "public load balancers without a certificate source serve plain HTTP "
        "(never with deletion_protection; listed in the consistency report)"
    )


def record_problems(record: EnvironmentRecord, path: str, catalog: Catalog) -> list[str]:
    """Checks that compare fields of one record. The loader runs them on every record it could build, also when a
    field had the wrong type (already reported): a check must leave such a value alone (see service_problems)."""
    problems = []
    fraud = record.fraud_detection
    if fraud is not None and record.region in fraud.replica_regions:
        problems.append(
            f"{path}.fraud_detection.replica_regions: {record.region!r} is this environment's home "
            "region (region); a replica must be in another region"
        )
    for workload in ("flask_api", "fraud_detection"):
        settings = getattr(record, workload)
        if settings is not None and settings.service is not None:
            problems += service_problems(settings.service, f"{path}.{workload}.service", catalog)
    problems += _zone_problems(record, path, catalog) + _value_pair_problems(record, path)
    problems += edge_problems(record, path)  # public edges (issue 18)
    problems += retention_problems(record, path)
    return problems + _disaster_recovery_problems(record.disaster_recovery, f"{path}.disaster_recovery")


def _strings(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _zone_problems(record: EnvironmentRecord, path: str, catalog: Catalog) -> list[str]:
    """Each workload's VPC zones belong to the region its resources are in (a module would fail on it later); an
    unknown region is reported alone."""
    problems = []
    healthcare = record.healthcare_api
    for key, settings, region_key, where in (
        ("flask_api", record.flask_api, "region", record.region),
        ("fraud_detection", record.fraud_detection, "region", record.region),
        ("healthcare_api", healthcare, "healthcare_api.region", getattr(healthcare, "region", None)),
    ):
        network = getattr(settings, "network", None)
        zones = getattr(network, "availability_zones", None) or ()
        if _strings(zones) and where in catalog.regions and not all(z.startswith(f"{where}") for z in zones):
            problems.append(
                f"{path}.{key}.network.availability_zones: {list(zones)} must all be zones of {where} "
                f"({region_key}); write zones like '{where}a'"
            )
    return problems


def _value_pair_problems(record: EnvironmentRecord, path: str) -> list[str]:
    """Values AWS accepts only together (each module checks them again when it builds)."""
    problems = []
    cache = getattr(record.healthcare_api, "cache", None)
    if cache is not None and isinstance(cache.num_cache_clusters, int) and isinstance(cache.engine_version, str):
        where = f"{path}.healthcare_api.cache"
        major = cache.engine_version.split(".")[0]
        if major.isdigit() and int(major) < 7:
            problems.append(
                f"{where}.engine_version: {cache.engine_version!r}: IAM authentication needs Redis 7 or "
                "later; choose a 7.x version"
            )
        if cache.automatic_failover is True and cache.num_cache_clusters < 2:
            problems.append(
                f"{where}.automatic_failover: needs num_cache_clusters >= 2 (a replica to promote); "
                f"num_cache_clusters is {cache.num_cache_clusters}"
            )
        if cache.multi_az is True and cache.automatic_failover is not True:
            problems.append(f"{where}.multi_az: needs automatic_failover = true")
    api = record.healthcare_api
    if (
        api is not None
        and isinstance(api.throttling_rate_limit, int)
        and isinstance(api.throttling_burst_limit, int)
        and api.throttling_burst_limit < api.throttling_rate_limit
    ):
        problems.append(
            f"{path}.healthcare_api.throttling_burst_limit: {api.throttling_burst_limit} is below "
            f"throttling_rate_limit {api.throttling_rate_limit}; the burst must be at least the rate"
        )
    events = record.event_processing
    transition = getattr(events, "noncurrent_version_transition_days", None)
    expiration = getattr(events, "noncurrent_version_expiration_days", None)
    if isinstance(transition, int) and isinstance(expiration, int) and not 30 <= transition < expiration:
        problems.append(
            f"{path}.event_processing.noncurrent_version_transition_days: {transition} must be >= 30 "
            f"(S3's STANDARD_IA minimum) and below noncurrent_version_expiration_days ({expiration})"
        )
    return problems + _https_problems(record, path)


def _https_problems(record: EnvironmentRecord, path: str) -> list[str]:
    """Each public load balancer's certificate is in the environment's account and region; zone and domain come
    together (flask-api, fraud-detection)."""
    problems: list[str] = []
    for key in ("flask_api", "fraud_detection"):
        settings = getattr(record, key)
        if settings is None:
            continue
        if (settings.hosted_zone_id is None) != (settings.domain_name is None):
            problems.append(
                f"{path}.{key}: set both hosted_zone_id and domain_name (the ALB's alias record and the "
                "ACM DNS validation), or neither"
            )
        arn = settings.certificate_arn
        if isinstance(arn, str) and certificate_arn(arn, None) is None:  # type: ignore[arg-type]
            arn_region, arn_account = arn.split(":")[3:5]
            if (arn_region, arn_account) != (record.region, record.account_id):
                problems.append(
                    f"{path}.{key}.certificate_arn: the certificate is in {arn_region} / {arn_account}; "
                    f"the load balancer needs one in {record.region} / {record.account_id} (region, "
                    "account_id)"
                )
    return problems


def service_problems(service: FargateServiceSettings, path: str, catalog: Catalog) -> list[str]:
    """The task size is one Fargate offers, the counts are ordered, the health check path is absolute."""
    numbers = (service.task_cpu, service.task_memory, service.desired_count, service.min_count, service.max_count)
    if not all(isinstance(n, int) for n in numbers) or not isinstance(service.health_check_path, str):
        return []  # a value of the wrong type is already reported by the loader
    size = catalog.fargate_size_problem(service.task_cpu, service.task_memory)
    problems = [f"{path}.task_memory: {size}"] if size else []
    if not service.min_count <= service.desired_count <= service.max_count:
        problems.append(
            f"{path}: min_count {service.min_count} <= desired_count {service.desired_count} <= "
            f"max_count {service.max_count} does not hold; order the three counts"
        )
    if not service.health_check_path.startswith("/"):
        problems.append(f"{path}.health_check_path: {service.health_check_path!r} must start with '/'")
    elif not re.fullmatch(r"/[\x21-\x7e]{0,1023}", service.health_check_path):
        problems.append(
            f"{path}.health_check_path: {service.health_check_path!r}: a load balancer health check "
            "path is at most 1024 printable characters without spaces"
        )
    return problems


def _disaster_recovery_problems(dr: DisasterRecoverySettings | None, path: str) -> list[str]:
    """The DR region differs from the primary, and each VPC's zones belong to its own region."""
    if dr is None:
        return []
    problems = (
        []
        if dr.primary_region != dr.dr_region
        else [f"{path}.dr_region: {dr.dr_region!r} is also primary_region; the DR region must be another region"]
    )
    for key, network, where in (
        ("primary_network", dr.primary_network, dr.primary_region),
        ("dr_network", dr.dr_network, dr.dr_region),
    ):
        if network is not None and not all(z.startswith(where) for z in network.availability_zones):
            problems.append(
                f"{path}.{key}.availability_zones: {list(network.availability_zones)} must all be zones of {where}"
            )
    return problems
