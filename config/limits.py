"""The rules the config loader and the modules both enforce: one function per rule, one message.

A rule returns None, or what is wrong and how to fix it without naming where the value is: the loader prefixes the
key path in environments.toml (`environments.dev.flask_api.service.container_port: ...`), a module the prop's name
(core/props.py `prop_problem`). config/validators.py turns the one-value rules into field checks; config/rules.py and
the modules call the rules on pairs of values (the key a pair rule reports on is named in its docstring).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from config.catalog import Catalog

Limit = Callable[[Any], "str | None"]
REDIS = "redis"


def between(low: int, high: int, what: str) -> Limit:
    """A whole number from `low` to `high` (`what` says whose limit it is)."""
    return lambda value: None if low <= value <= high else f"{value}: {what} takes {low} to {high}"


aurora_instance_count = between(1, 16, "an Aurora cluster")
gp3_storage_gib = between(20, 65536, "gp3 storage (GiB)")
redis_cluster_count = between(1, 6, "a Redis replication group")
sqs_max_receive_count = between(1, 1000, "an SQS redrive policy")
backup_retention_days = between(1, 36500, "an AWS Backup retention (days)")
ONE_YEAR_DAYS = 365  # CKV_AWS_338's minimum; core.suppress.suppress_short_retention excuses shorter ones


def positive(value: int) -> str | None:
    """A whole number of at least 1."""
    return None if value >= 1 else f"{value} must be at least 1"


def port(value: int) -> str | None:
    """A TCP port number."""
    return None if 1 <= value <= 65535 else f"{value} is not a TCP port (1-65535)"


def backup_retention(value: int) -> str | None:
    """Days of automated database backups: RDS accepts 1 to 35."""
    return None if 1 <= value <= 35 else f"{value} days: RDS keeps automated backups for 1 to 35 days"


def lambda_memory(value: int) -> str | None:
    """Lambda memory in MB: 128 to 10240."""
    return None if 128 <= value <= 10240 else f"{value} MB: Lambda takes 128 to 10240 MB"


def lambda_timeout(value: int) -> str | None:
    """Lambda timeout in seconds: 1 to 900."""
    return None if 1 <= value <= 900 else f"{value} s: a Lambda timeout is 1 to 900 seconds"


def reserved_concurrency(value: int) -> str | None:
    """Concurrent executions reserved for a function: at least 1 (0 would stop it)."""
    return None if value >= 1 else f"{value}: reserve at least 1 concurrent execution (0 disables the function)"


def lambda_runtime(value: str, supported: Sequence[str]) -> str | None:
    """A Lambda runtime AWS supports for new functions (`supported`: catalog.toml [lambda] runtimes)."""
    if value in supported:
        return None
    return (
        f"Lambda runtime {value!r} is not supported for new functions; "
        f"choose one of: {', '.join(supported)} (config/catalog.toml [lambda])"
    )


def health_check_path(value: str) -> str | None:
    """A load balancer health check path: starts with '/', at most 1024 printable characters, no spaces."""
    if not value.startswith("/"):
        return f"{value!r} must start with '/'"
    if not re.fullmatch(r"/[\x21-\x7e]{0,1023}", value):
        return f"{value!r}: a load balancer health check path is at most 1024 printable characters without spaces"
    return None


def waf_rate_limit(value: int) -> str | None:
    """Requests per client IP per 5 minutes: WAF rate-based rules take 100 to 2,000,000,000."""
    return None if 100 <= value <= 2_000_000_000 else f"{value}: a WAF rate limit is 100 to 2000000000 per 5 minutes"


API_CACHE_SIZES_GB = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")
api_cache_ttl = between(1, 3600, "an API Gateway response cache TTL (seconds)")


def api_cache_size(value: str) -> str | None:
    """A REST API stage's cache cluster size in GB: one of the sizes API Gateway offers."""
    if value in API_CACHE_SIZES_GB:
        return None
    return f"{value!r} is not an API Gateway cache size; choose one of: {', '.join(API_CACHE_SIZES_GB)}"


def certificate_arn(value: str) -> str | None:
    """An ACM certificate ARN (its region must be the load balancer's: see config/rules.py)."""
    if re.fullmatch(r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}", value):
        return None
    return (
        f"{value!r} is not an ACM certificate ARN like "
        "'arn:aws:acm:us-east-1:111111111111:certificate/0f5e5c3a-1111-2222-3333-444455556666'"
    )


def zone_and_domain(hosted_zone_id: str | None, domain_name: str | None) -> str | None:
    """A load balancer's hosted zone and domain come together or not at all (reported on the load balancer)."""
    if (hosted_zone_id is None) == (domain_name is None):
        return None
    return "set both hosted_zone_id and domain_name (the ALB's alias record and the ACM DNS validation), or neither"


def db_username(value: str) -> str | None:
    """An RDS / Aurora PostgreSQL master username: 1-63 letters, digits and '_', starting with a letter."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,62}", value):
        return None
    return f"master username {value!r}: use 1-63 letters, digits and '_', starting with a letter (e.g. 'dbadmin')"


def master_username(engine: str, value: str, catalog: Catalog) -> str | None:
    """A master username of `engine`: well formed, and not reserved by the engine (catalog.toml)."""
    return db_username(value) or catalog.username_problem(engine, value)


def redis_version(value: str, catalog: Catalog) -> str | None:
    """An ElastiCache Redis version that exists (catalog.toml) and supports IAM authentication (7 or later)."""
    found = catalog.engine_version_problem(REDIS, value)
    if found:
        return found
    major = value.split(".")[0]
    if major.isdigit() and int(major) >= 7:
        return None
    return f"{value!r}: IAM authentication needs Redis 7 or later; choose a 7.x version"


def redis_failover(automatic_failover: bool, num_cache_clusters: int) -> str | None:
    """Reported on automatic_failover: it needs a replica to promote."""
    if not automatic_failover or num_cache_clusters >= 2:
        return None
    return f"needs num_cache_clusters >= 2 (a replica to promote); num_cache_clusters is {num_cache_clusters}"


def redis_multi_az(multi_az: bool, automatic_failover: bool) -> str | None:
    """Reported on multi_az: replicas in other zones are used only through automatic failover."""
    return None if not multi_az or automatic_failover else "needs automatic_failover = true"


def fargate_counts(min_count: int, desired_count: int, max_count: int) -> str | None:
    """Reported on the service: auto scaling keeps the desired count between the other two."""
    if min_count <= desired_count <= max_count:
        return None
    return (
        f"min_count {min_count} <= desired_count {desired_count} <= max_count {max_count} does not hold; "
        "order the three counts"
    )


def throttling_burst(burst_limit: int, rate_limit: int) -> str | None:
    """Reported on throttling_burst_limit: an API stage's burst is at least its steady rate."""
    if burst_limit >= rate_limit:
        return None
    return f"{burst_limit} is below throttling_rate_limit {rate_limit}; the burst must be at least the rate"


def noncurrent_transition(transition_days: int | None, expiration_days: int) -> str | None:
    """Reported on noncurrent_version_transition_days: after S3's STANDARD_IA minimum, before expiration."""
    if transition_days is None or 30 <= transition_days < expiration_days:
        return None
    return (
        f"{transition_days} must be >= 30 (S3's STANDARD_IA minimum) and below "
        f"noncurrent_version_expiration_days ({expiration_days})"
    )


def another_region(region: str, other: str, other_key: str) -> str | None:
    """Reported on a replica's region: cross-region replication needs a region other than `other` (`other_key`)."""
    return None if region != other else f"{region!r} is also {other_key}; a replica must be in another region"


def distinct_zones(zones: Sequence[str]) -> str | None:
    """At least two distinct availability zones (a load balancer and a database subnet group need two)."""
    return None if len(set(zones)) == len(zones) >= 2 else f"{list(zones)}: name at least 2 distinct zones"


def zones_of_region(zones: Sequence[str], region: str, region_key: str) -> str | None:
    """Reported on availability_zones: every zone is in `region` (the value of the key `region_key`)."""
    if all(zone.startswith(region) for zone in zones):
        return None
    return f"{list(zones)} must all be zones of {region} ({region_key}); write zones like '{region}a'"


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:\d+)?(/\S*)?")


def endpoint_problem(endpoint: str) -> str | None:
    """None for an e-mail address or an https:// URL (the endpoints a person or a pager answers)."""
    if EMAIL.fullmatch(endpoint) or HTTPS_URL.fullmatch(endpoint):
        return None
    return f"{endpoint!r} is neither an e-mail address nor an https:// URL"


def alarm_endpoints(value: Sequence[str]) -> str | None:
    """At least one endpoint; each an e-mail address or an https:// URL (every alarm topic subscribes them)."""
    if not value:
        return "[]: name at least one e-mail address or https:// URL, or the alarms notify nobody"
    return next((endpoint_problem(e) for e in value if endpoint_problem(e)), None)


def protected_log_retention(days: int, deletion_protection: bool) -> str | None:
    """An environment with deletion protection keeps every log at least a year (CKV_AWS_338): only environments
    whose data is disposable may keep logs shorter (their log groups carry core.suppress's one suppression)."""
    if deletion_protection is not True or days >= ONE_YEAR_DAYS:
        return None
    return (
        f"{days} days in an environment with deletion_protection = true; protected environments keep logs at "
        f"least {ONE_YEAR_DAYS} days, set {ONE_YEAR_DAYS} or more"
    )
