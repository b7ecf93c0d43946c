"""The per-value checks of the environment records, and the field helpers that attach a check and a description.

A check takes the value and the catalog and returns None or the problem (the loader prefixes the key path). The rules
the modules enforce too live once in config/limits.py; `limit` makes a field check of one.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import field
from typing import Any, Callable

from config import limits
from config.catalog import Catalog

Check = Callable[[Any, Catalog], "str | None"]
AURORA_POSTGRES = "aurora-postgresql"
POSTGRES = "postgres"
ENV_NAME_MAX_LENGTH = 10
"""Longest environment name: with a suffix of 8 every shortened name still fits (core/naming.py)."""


def checked(check: Check, help_text: str) -> Any:
    """A required dataclass field validated on load by `check`; `help_text` documents it (docs and errors)."""
    return field(metadata={"check": check, "help": help_text})  # pylint: disable=invalid-field-call


def optional(check: Check, help_text: str) -> Any:
    """A field that may be left out (None), validated by `check` when it is given."""
    return field(default=None, metadata={"check": check, "help": help_text})  # pylint: disable=invalid-field-call


def described(help_text: str) -> Any:
    """A dataclass field with documentation only (its type is still checked)."""
    return field(metadata={"help": help_text})  # pylint: disable=invalid-field-call


def checks(*found: Check) -> Check:
    """All of `found`, in order: the first problem wins."""
    return lambda value, catalog: next((p for c in found if (p := c(value, catalog))), None)


def limit(rule: limits.Limit) -> Check:
    """A rule of config/limits.py (shared with the modules, no catalog needed) as a field check."""

    @functools.wraps(rule)
    def check(value: Any, _: Catalog) -> str | None:
        return rule(value)

    return check


positive = limit(limits.positive)
port = limit(limits.port)
backup_retention = limit(limits.backup_retention)
lambda_memory = limit(limits.lambda_memory)
lambda_timeout = limit(limits.lambda_timeout)
reserved_concurrency = limit(limits.reserved_concurrency)
health_check_path = limit(limits.health_check_path)
waf_rate_limit = limit(limits.waf_rate_limit)
api_cache_size = limit(limits.api_cache_size)
api_cache_ttl = limit(limits.api_cache_ttl)
backup_retention_days = limit(limits.backup_retention_days)

BACKUP_CRON = re.compile(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)")
BACKUP_SCHEDULE_HELP = (
    "write it like 'cron(0 23 ? * * *)': six fields (minutes hours day-of-month month day-of-week year, UTC), "
    "one of day-of-month and day-of-week '?', the minutes one number (AWS Backup runs a plan at most hourly)"
)


def backup_schedule(value: str, _: Catalog) -> str | None:
    """An AWS Backup schedule: a six-field cron expression (UTC) running at most hourly."""
    match = BACKUP_CRON.fullmatch(value)
    if match is None:
        return f"{value!r} is not an AWS Backup cron expression; {BACKUP_SCHEDULE_HELP}"
    minutes, _hours, day_of_month, _month, day_of_week, _year = match.groups()
    if (day_of_month == "?") == (day_of_week == "?") or not re.fullmatch(r"[0-5]?\d", minutes):
        return f"{value!r}: {BACKUP_SCHEDULE_HELP}"
    return None


certificate_arn = limit(limits.certificate_arn)
alarm_endpoints = limit(limits.alarm_endpoints)
aurora_instance_count = limit(limits.aurora_instance_count)
gp3_storage = limit(limits.gp3_storage_gib)
redis_cluster_count = limit(limits.redis_cluster_count)
sqs_max_receive_count = limit(limits.sqs_max_receive_count)


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


def cidr(value: str, _: Catalog) -> str | None:
    """An IPv4 network in CIDR notation, /16 to /24, with no host bits set."""
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as exc:
        return f"{value!r} is not a valid IPv4 CIDR block ({exc}); write it like '10.20.0.0/16'"
    if not 16 <= network.prefixlen <= 24:
        return f"{value!r} has prefix /{network.prefixlen}; AWS VPCs take /16 to /28, and we need /16 to /24"
    return None


def zone_names(value: tuple[str, ...], _: Catalog) -> str | None:
    """2 or 3 distinct availability zone names (an ALB and Aurora need at least two zones)."""
    if not all(re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d[a-z]", zone) for zone in value):
        return f"{list(value)}: write zone names like 'us-east-1a'"
    return limits.distinct_zones(value) or (None if len(value) <= 3 else f"{list(value)}: name at most 3 zones")


def aurora_postgres_version(value: str, catalog: Catalog) -> str | None:
    """An Aurora PostgreSQL engine version that exists (catalog.toml)."""
    return catalog.engine_version_problem(AURORA_POSTGRES, value)


def aurora_postgres_username(value: str, catalog: Catalog) -> str | None:
    """A master username Aurora PostgreSQL accepts: well formed, not reserved by the engine."""
    return limits.master_username(AURORA_POSTGRES, value, catalog)


def postgres_version(value: str, catalog: Catalog) -> str | None:
    """An RDS PostgreSQL engine version that exists (catalog.toml)."""
    return catalog.engine_version_problem(POSTGRES, value)


def postgres_username(value: str, catalog: Catalog) -> str | None:
    """A master username RDS PostgreSQL accepts: well formed, not reserved by the engine."""
    return limits.master_username(POSTGRES, value, catalog)


def redis_version(value: str, catalog: Catalog) -> str | None:
    """An ElastiCache Redis engine version that exists (catalog.toml) and has IAM authentication (7.x)."""
    return limits.redis_version(value, catalog)


def lambda_runtime(value: str, catalog: Catalog) -> str | None:
    """A Lambda runtime AWS supports for new functions (catalog.toml [lambda] runtimes)."""
    return limits.lambda_runtime(value, catalog.lambda_runtimes)


def db_instance_class(value: str, _: Catalog) -> str | None:
    """An RDS instance class (db.<family>.<size>)."""
    return None if re.fullmatch(r"db\.[a-z0-9]+\.[a-z0-9]+", value) else f"{value!r} is not like 'db.r6g.large'"


def cache_node_type(value: str, _: Catalog) -> str | None:
    """An ElastiCache node type (cache.<family>.<size>)."""
    return None if re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", value) else f"{value!r} is not like 'cache.t4g.small'"


def sqs_retention_days(value: int, _: Catalog) -> str | None:
    """SQS message retention in days: 1 to 14 (the queue module takes seconds, 60 to 14 days)."""
    return None if 1 <= value <= 14 else f"{value} days: SQS keeps messages for 1 to 14 days"


def percent(value: int, _: Catalog) -> str | None:
    """A whole percentage, 1 to 100."""
    return None if 1 <= value <= 100 else f"{value}: a percentage is 1 to 100"


def replica_regions(value: tuple[str, ...], catalog: Catalog) -> str | None:
    """Distinct regions, each in the catalog's allowed list (the home region is refused by config/rules.py)."""
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


def hosted_zone_id(value: str, _: Catalog) -> str | None:
    """A Route 53 hosted zone id (Z followed by up to 31 capital letters and digits)."""
    if re.fullmatch(r"Z[A-Z0-9]{1,31}", value):
        return None
    return f"{value!r} is not a hosted zone id like 'Z0123456789ABC'"


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
