"""flask-api settings: invalid engine versions and reserved usernames fail on load, naming the valid choices."""

from __future__ import annotations

import pytest

from config import ConfigError, load_environments
from config.loader import ENVIRONMENTS_FILE

ENVS = ("dev", "staging", "prod")
VERSIONS = "14.13, 14.15, 14.17, 15.7, 15.8, 15.10, 15.12, 15.13, 16.4, 16.6, 16.8, 16.9"
RESERVED = "admin, postgres, rdsadmin, rds_superuser, rdsrepladmin, rds_replication, root, user, public"


def load_with(old: str, new: str, table: str = "defaults.flask_api.database") -> list[str]:
    """Problems of environments.toml with `old` replaced by `new` inside `[table]` only."""
    text = ENVIRONMENTS_FILE.read_text(encoding="utf-8")
    start = text.index(f"[{table}]\n")
    end = text.find("\n[", start + 1) % (len(text) + 1)
    assert text[start:end].count(old) == 1, f"{old!r} is no longer in [{table}] of environments.toml"
    with pytest.raises(ConfigError) as caught:
        load_environments(text[:start] + text[start:end].replace(old, new) + text[end:])
    return caught.value.problems


def test_engine_version_that_does_not_exist_fails() -> None:
    problems = load_with('engine_version = "16.9"', 'engine_version = "15.3"')
    assert problems == [
        f"environments.{env}.flask_api.database.engine_version: engine version '15.3' does not exist for "
        f"aurora-postgresql; choose one of: {VERSIONS}"
        for env in ENVS
    ]


def test_reserved_master_username_fails() -> None:
    problems = load_with('master_username = "dbadmin"', 'master_username = "admin"')
    assert problems == [
        f"environments.{env}.flask_api.database.master_username: master username 'admin' is reserved by "
        f"aurora-postgresql; choose another (e.g. 'dbadmin'); reserved: {RESERVED}"
        for env in ENVS
    ]


def test_reserved_username_is_caught_in_any_case() -> None:
    problems = load_with('master_username = "dbadmin"', 'master_username = "Postgres"')
    assert len(problems) == 3 and all("'Postgres' is reserved by aurora-postgresql" in p for p in problems)


NETWORK = "defaults.flask_api.network"


@pytest.mark.parametrize(
    ("old", "new", "table", "message"),
    [
        (
            'nat_gateways = "single"',
            'nat_gateways = "two"',
            NETWORK,
            "nat_gateways: 'two': choose one of: per_az, single",
        ),
        (
            'availability_zones = ["us-east-1a", "us-east-1b"]',
            'availability_zones = ["us-east-1a"]',
            NETWORK,
            "availability_zones: ['us-east-1a']: name at least 2 distinct zones",
        ),
        (
            'availability_zones = ["us-east-1a", "us-east-1b"]',
            'availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]',
            NETWORK,
            "availability_zones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d']: name at most 3 zones",
        ),
        (
            'availability_zones = ["us-east-1a", "us-east-1b"]',
            'availability_zones = ["us-east-1a", "us-east-1a"]',
            NETWORK,
            "availability_zones: ['us-east-1a', 'us-east-1a']: name at least 2 distinct zones",
        ),
        (
            "backup_retention_days = 7",
            "backup_retention_days = 36",
            "defaults.flask_api.database",
            "backup_retention_days: 36 days: RDS keeps automated backups for 1 to 35 days",
        ),
        (
            'instance_class = "db.t4g.medium"',
            'instance_class = "t4g.medium"',
            "defaults.flask_api.database",
            "instance_class: 't4g.medium' is not like 'db.r6g.large'",
        ),
    ],
)
def test_other_flask_api_values_are_checked(old: str, new: str, table: str, message: str) -> None:
    problems = load_with(old, new, table)
    assert problems and all(p.endswith(message) and ".flask_api." in p for p in problems)


def test_vpc_cidr_is_checked_and_environments_differ_only_where_written() -> None:
    records = load_environments()
    assert {r.flask_api.network.vpc_cidr for r in records.values()} == {"10.41.0.0/16"}
    assert [len(records[e].flask_api.network.availability_zones) for e in ENVS] == [2, 2, 3]
    assert [records[e].flask_api.network.nat_gateways for e in ENVS] == ["single", "single", "per_az"]
    assert [records[e].flask_api.database.instance_count for e in ENVS] == [1, 2, 2]
    problems = load_with('vpc_cidr = "10.41.0.0/16"', 'vpc_cidr = "10.41.0.0/8"', NETWORK)
    assert problems and all("flask_api.network.vpc_cidr: '10.41.0.0/8'" in p for p in problems)


SERVICE = "defaults.flask_api.service"


def test_service_settings_per_environment() -> None:
    records = load_environments()
    assert {e: (r.flask_api.service.task_cpu, r.flask_api.service.task_memory) for e, r in records.items()} == {
        "dev": (256, 512),
        "staging": (256, 512),
        "prod": (1024, 2048),
    }
    assert [(records[e].flask_api.service.min_count, records[e].flask_api.service.max_count) for e in ENVS] == [
        (2, 4),
        (2, 4),
        (3, 12),
    ]


def test_task_memory_that_fargate_does_not_offer_for_the_cpu_fails_naming_the_sizes() -> None:
    problems = load_with("task_memory = 512", "task_memory = 4096", SERVICE)
    assert problems == [  # prod sets its own 1024 CPU / 2048 MiB and is not affected
        f"environments.{env}.flask_api.service.task_memory: 4096 MiB is not a Fargate memory size for 256 CPU "
        "units; choose one of: 512, 1024, 2048"
        for env in ("dev", "staging")
    ]


def test_task_cpu_that_fargate_does_not_offer_fails() -> None:
    problems = load_with("task_cpu = 1024", "task_cpu = 1000", "environments.prod.flask_api.service")
    assert problems == [
        "environments.prod.flask_api.service.task_memory: 1000 CPU units is not a Fargate task "
        "size; choose one of: 256, 512, 1024, 2048, 4096"
    ]


def test_task_counts_out_of_order_fail() -> None:
    problems = load_with("max_count = 4", "max_count = 1", SERVICE)
    assert problems == [
        f"environments.{env}.flask_api.service: min_count 2 <= desired_count 2 <= max_count 1 does "
        "not hold; order the three counts"
        for env in ("dev", "staging")
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'health_check_path = "/health"',
            'health_check_path = "health"',
            "health_check_path: 'health' must start with '/'",
        ),
        ("container_port = 8000", "container_port = 80000", "container_port: 80000 is not a TCP port (1-65535)"),
    ],
)
def test_other_service_values_are_checked(old: str, new: str, message: str) -> None:
    problems = load_with(old, new, SERVICE)
    assert problems == [f"environments.{env}.flask_api.service.{message}" for env in ENVS]


def test_a_service_value_of_the_wrong_type_is_reported_once_by_its_type_check() -> None:
    problems = load_with("task_cpu = 256", 'task_cpu = "256"', SERVICE)  # prod writes its own task_cpu
    assert problems == [
        f"environments.{env}.flask_api.service.task_cpu: expected an integer, got '256'" for env in ("dev", "staging")
    ]
