"""CIDR checks: malformed blocks and overlaps within an environment, with their exact messages."""

from __future__ import annotations

from dataclasses import dataclass

from config import load_catalog
from config.loader import overlap_problems
from config.validators import checked, cidr


@dataclass(frozen=True)
class TwoNetworks:
    """A stand-in record with two CIDR-checked fields (the real sections come with the workloads)."""

    primary: str = checked(cidr, "first VPC")
    secondary: str = checked(cidr, "second VPC")


def test_valid_block() -> None:
    assert cidr("10.20.0.0/16", load_catalog()) is None


def test_malformed_block_says_how_to_write_one() -> None:
    problem = cidr("10.20.0.0/33", load_catalog())
    assert problem is not None
    assert problem.startswith("'10.20.0.0/33' is not a valid IPv4 CIDR block (")
    assert problem.endswith("); write it like '10.20.0.0/16'")


def test_host_bits_set_is_malformed() -> None:
    assert (cidr("10.20.0.1/16", load_catalog()) or "").startswith("'10.20.0.1/16' is not a valid IPv4 CIDR block")


def test_prefix_out_of_range() -> None:
    assert cidr("10.0.0.0/8", load_catalog()) == (
        "'10.0.0.0/8' has prefix /8; AWS VPCs take /16 to /28, and we need /16 to /24"
    )


def test_overlapping_blocks_are_named() -> None:
    record = TwoNetworks(primary="10.0.0.0/16", secondary="10.0.128.0/20")
    assert overlap_problems(record, "environments.dev") == [
        "environments.dev.primary: 10.0.0.0/16 overlaps environments.dev.secondary (10.0.128.0/20); "
        "give each VPC its own block"
    ]


def test_disjoint_and_malformed_blocks_are_not_overlaps() -> None:
    assert not overlap_problems(TwoNetworks(primary="10.0.0.0/16", secondary="10.1.0.0/16"), "e")
    assert not overlap_problems(TwoNetworks(primary="nonsense", secondary="10.1.0.0/16"), "e")
