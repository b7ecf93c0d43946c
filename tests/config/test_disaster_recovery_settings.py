"""disaster-recovery settings: exact per-environment values, and every bad value fails on load naming the fix."""

from __future__ import annotations

import pytest

from config import ConfigError, load_environments
from config.loader import ENVIRONMENTS_FILE


def load_with(old: str, new: str) -> list[str]:
    text = ENVIRONMENTS_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is no longer in environments.toml"
    with pytest.raises(ConfigError) as caught:
        load_environments(text.replace(old, new))
    return caught.value.problems


def test_records_hold_the_values_written_per_environment() -> None:
    records = {name: record.disaster_recovery for name, record in load_environments().items()}
    assert {n: (s.primary_region, s.dr_region) for n, s in records.items()} == {
        n: ("us-east-1", "us-west-2") for n in records
    }
    assert {n: (s.primary_network.vpc_cidr, s.dr_network.vpc_cidr) for n, s in records.items()} == {
        n: ("10.50.0.0/16", "10.51.0.0/16") for n in records
    }
    assert {n: (s.skip_final_snapshot, s.replication_time_control) for n, s in records.items()} == {
        "dev": (True, False),
        "staging": (False, False),
        "prod": (False, True),
    }
    assert {n: (s.database.instance_class, s.database.instance_count) for n, s in records.items()} == {
        "dev": ("db.r6g.large", 1),
        "staging": ("db.r6g.large", 1),
        "prod": ("db.r6g.large", 2),
    }
    assert {n: s.alarms.aurora_replication_lag_ms for n, s in records.items()} == {
        "dev": 5000,
        "staging": 1000,
        "prod": 500,
    }
    assert {n: s.domain_name for n, s in records.items()} == {
        "dev": "dr-dev.example.com",
        "staging": "dr-staging.example.com",
        "prod": "dr.example.com",
    }


def test_dr_region_must_differ_from_the_primary() -> None:
    problems = load_with(
        'primary_region = "us-east-1"\ndr_region = "us-west-2"', 'primary_region = "us-west-2"\ndr_region = "us-west-2"'
    )
    expected = (
        "environments.{}.disaster_recovery.dr_region: 'us-west-2' is also primary_region; a replica must be in "
        "another region"
    )
    for env in ("dev", "staging", "prod"):
        assert expected.format(env) in problems


def test_zones_must_belong_to_their_region() -> None:
    problems = load_with(
        'availability_zones = ["us-west-2a", "us-west-2b"]', 'availability_zones = ["us-east-1a", "us-east-1b"]'
    )
    assert (
        "environments.dev.disaster_recovery.dr_network.availability_zones: ['us-east-1a', 'us-east-1b'] must "
        "all be zones of us-west-2 (dr_region); write zones like 'us-west-2a'"
    ) in problems


def test_overlapping_vpc_blocks_are_refused() -> None:
    problems = load_with(
        '[defaults.disaster_recovery.dr_network]\nvpc_cidr = "10.51.0.0/16"',
        '[defaults.disaster_recovery.dr_network]\nvpc_cidr = "10.50.128.0/17"',
    )
    assert (
        "environments.dev.disaster_recovery.primary_network.vpc_cidr: 10.50.0.0/16 overlaps "
        "environments.dev.disaster_recovery.dr_network.vpc_cidr (10.50.128.0/17); give each VPC its own block"
    ) in problems


def test_unknown_region_and_bad_domain_name_the_fix() -> None:
    problems = load_with('domain_name = "dr.example.com"', 'domain_name = "DR example"')
    assert (
        "environments.prod.disaster_recovery.domain_name: 'DR example' is not a domain like 'dr.example.com'"
        in problems
    )
    problems = load_with('dr_region = "us-west-2"', 'dr_region = "eu-south-1"')
    assert any(
        p.startswith("environments.dev.disaster_recovery.dr_region: region 'eu-south-1' is not allowed")
        for p in problems
    )
