"""fraud-detection settings: exact per-environment values, and every bad value fails on load naming the fix."""

from __future__ import annotations

import pytest

from config import load_catalog, load_environments
from tests.conftest import config_problems

ENVS = ("dev", "staging", "prod")
VERSIONS = "14.13, 14.15, 14.17, 15.7, 15.8, 15.10, 15.12, 15.13, 16.4, 16.6, 16.8, 16.9"
RESERVED = "admin, postgres, rdsadmin, rds_superuser, rdsrepladmin, rds_replication, root, user, public"
PROD_REPLICAS = "environments.prod.fraud_detection.replica_regions"
DEFAULTS = "defaults.fraud_detection"


def test_records_hold_the_values_written_per_environment() -> None:
    records = {name: record.fraud_detection for name, record in load_environments().items()}
    assert {n: s.replica_regions for n, s in records.items()} == {
        "dev": (),
        "staging": ("us-west-2",),
        "prod": ("us-west-2", "eu-west-1"),
    }
    assert {n: (s.database.engine_version, s.database.master_username) for n, s in records.items()} == {
        n: ("15.13", "fraudadmin") for n in ENVS
    }
    assert {
        n: (s.database.instance_count, s.database.instance_class, s.database.backup_retention_days)
        for n, s in records.items()
    } == {"dev": (1, "db.t4g.large", 3), "staging": (2, "db.t4g.large", 14), "prod": (3, "db.r6g.large", 35)}
    assert {n: (s.service.desired_count, s.service.min_count, s.service.max_count) for n, s in records.items()} == {
        "dev": (1, 1, 2),
        "staging": (2, 2, 6),
        "prod": (3, 3, 12),
    }
    assert {
        n: (s.alarms.alb_5xx_count, s.alarms.alb_p99_latency_ms, s.alarms.service_cpu_percent, s.alarms.db_connections)
        for n, s in records.items()
    } == {"dev": (50, 2000, 80, 200), "staging": (10, 1000, 80, 200), "prod": (5, 500, 70, 800)}
    assert {s.network.vpc_cidr for s in records.values()} == {"10.46.0.0/16"}
    assert [records[e].alarm_email for e in ENVS] == [None, None, "fraud-oncall@example.com"]


def test_engine_version_that_does_not_exist_fails_naming_the_versions() -> None:
    problems = config_problems(f"{DEFAULTS}.database.engine_version", "15.3")
    assert problems == [
        f"environments.{env}.fraud_detection.database.engine_version: engine version '15.3' does not exist for "
        f"aurora-postgresql; choose one of: {VERSIONS}"
        for env in ENVS
    ]


def test_reserved_master_username_fails_naming_the_reserved_words() -> None:
    problems = config_problems(f"{DEFAULTS}.database.master_username", "admin")
    assert problems == [
        f"environments.{env}.fraud_detection.database.master_username: master username 'admin' is reserved by "
        f"aurora-postgresql; choose another (e.g. 'dbadmin'); reserved: {RESERVED}"
        for env in ENVS
    ]


def test_duplicate_replica_region_fails() -> None:
    problems = config_problems(PROD_REPLICAS, ["us-west-2", "us-west-2"])
    assert problems == [
        "environments.prod.fraud_detection.replica_regions: ['us-west-2', 'us-west-2']: "
        "us-west-2 listed more than once; name each replica region once"
    ]


def test_home_region_as_replica_fails() -> None:
    problems = config_problems(PROD_REPLICAS, ["us-east-1", "eu-west-1"])
    assert problems == [
        "environments.prod.fraud_detection.replica_regions: 'us-east-1' is also this environment's "
        "home region (region); a replica must be in another region"
    ]


def test_replica_region_outside_the_catalog_fails_naming_the_allowed_regions() -> None:
    problems = config_problems(PROD_REPLICAS, ["us-west-2", "eu-south-1"])
    assert problems == [
        "environments.prod.fraud_detection.replica_regions: ['us-west-2', 'eu-south-1']: "
        f"eu-south-1 not allowed; choose replica regions from: {', '.join(load_catalog().regions)}"
    ]


def test_vpc_overlapping_another_workload_of_the_environment_fails() -> None:
    problems = config_problems(f"{DEFAULTS}.network.vpc_cidr", "10.41.128.0/17")
    assert problems == [
        f"environments.{env}.flask_api.network.vpc_cidr: 10.41.0.0/16 overlaps "
        f"environments.{env}.fraud_detection.network.vpc_cidr (10.41.128.0/17); give each VPC its own block"
        for env in ENVS
    ]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("alarms.service_cpu_percent", 120, "alarms.service_cpu_percent: 120: a percentage is 1 to 100"),
        ("alarms.dynamodb_throttles", 0, "alarms.dynamodb_throttles: 0 must be at least 1"),
        ("replica_regions", "us-west-2", "replica_regions: expected a list, got 'us-west-2'"),
    ],
)
def test_other_values_are_checked(path: str, value: object, message: str) -> None:
    problems = config_problems(f"{DEFAULTS}.{path}", value)
    assert problems and all(p.endswith(message) and ".fraud_detection." in p for p in problems)
