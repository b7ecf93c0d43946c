"""Network module: exact VPC layout as synthesized in the flask-api stacks, and props validation."""

from __future__ import annotations

import dataclasses

import pytest
from cdktf import TerraformStack, Testing

from config import load_environments
from config.settings import NatGateways
from core.props import PropsError
from modules.network import Network, NetworkProps, network_props, subnet_blocks
from tests.conftest import Synth
from tests.matching import policy_document

RECORDS = load_environments()
PROPS = NetworkProps(
    name="n",
    vpc_cidr="10.41.0.0/16",
    availability_zones=("us-east-1a", "us-east-1b"),
    nat_gateway_per_az=False,
    region="us-east-1",
    account_id="111111111111",
    log_kms_key_arn="arn:aws:kms:us-east-1:111111111111:key/k",
    flow_log_retention_days=7,
)


def ids(synth: Synth, stack: str, rtype: str, attribute: str = "id") -> dict[str, str]:
    return {k: f"${{{rtype}.{k}.{attribute}}}" for k in synth.resources(stack, rtype)}


def test_vpc_has_dns_support_and_hostnames(synth: Synth) -> None:
    assert Testing.to_have_resource_with_properties(
        synth.file("flask-api-dev"),
        "aws_vpc",
        {
            "cidr_block": RECORDS["dev"].flask_api.network.vpc_cidr,
            "enable_dns_support": True,
            "enable_dns_hostnames": True,
            "tags": {"Name": "flask-api-vpc-dev"},
        },
    )


@pytest.mark.parametrize(
    ("env", "public", "private"),
    [
        ("dev", ["10.41.0.0/20", "10.41.16.0/20"], ["10.41.128.0/20", "10.41.144.0/20"]),
        (
            "prod",
            ["10.41.0.0/20", "10.41.16.0/20", "10.41.32.0/20"],
            ["10.41.128.0/20", "10.41.144.0/20", "10.41.160.0/20"],
        ),
    ],
)
def test_subnet_blocks_and_zones(synth: Synth, env: str, public: list[str], private: list[str]) -> None:
    stack = f"flask-api-{env}"
    subnets = synth.resources(stack, "aws_subnet")
    (vpc,) = ids(synth, stack, "aws_vpc").values()
    zones = list(RECORDS[env].flask_api.network.availability_zones)
    assert zones == [f"us-east-1{letter}" for letter in "abc"][: len(public)]
    for tier, blocks in (("Public", public), ("Private", private)):
        for index, (block, zone) in enumerate(zip(blocks, zones)):
            props = {
                "cidr_block": block,
                "availability_zone": zone,
                "vpc_id": vpc,
                "tags": {"Tier": tier.lower(), "Name": f"flask-api-vpc-{env}-{tier.lower()}-{index}"},
            }
            assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_subnet", props)
            other_zone = {**props, "availability_zone": zones[(index + 1) % len(zones)]}
            assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_subnet", other_zone)
        # exactly these subnets of the tier, in this order of their logical ids
        found = [
            (subnets[k]["cidr_block"], subnets[k]["availability_zone"])
            for k in sorted(subnets)
            if k.startswith(f"Network_{tier}")
        ]
        assert found == list(zip(blocks, zones))
    assert {s.get("map_public_ip_on_launch", False) for s in subnets.values()} == {False}


def test_default_security_group_is_taken_over_with_no_rules(synth: Synth) -> None:
    (vpc,) = ids(synth, "flask-api-prod", "aws_vpc").values()
    assert len(synth.resources("flask-api-prod", "aws_default_security_group")) == 1  # exactly one
    assert Testing.to_have_resource_with_properties(
        synth.file("flask-api-prod"), "aws_default_security_group", {"ingress": [], "egress": [], "vpc_id": vpc}
    )


def test_public_routes_go_to_the_internet_gateway(synth: Synth) -> None:
    stack = "flask-api-dev"
    routes = synth.resources(stack, "aws_route")
    (gateway,) = ids(synth, stack, "aws_internet_gateway").values()
    assert len([k for k in routes if k.startswith("Network_PublicDefaultRoute")]) == 1
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_route", {"destination_cidr_block": "0.0.0.0/0", "gateway_id": gateway}
    )
    associations = synth.resources(stack, "aws_route_table_association")
    assert len(associations) == 4


def test_prod_routes_each_zone_through_its_own_nat(synth: Synth) -> None:
    stack = "flask-api-prod"
    nats = synth.resources(stack, "aws_nat_gateway")
    subnets = ids(synth, stack, "aws_subnet")
    placed = sorted((nat["subnet_id"], nat["allocation_id"]) for nat in nats.values())
    eips = ids(synth, stack, "aws_eip", "allocation_id")
    public = [v for k, v in subnets.items() if k.startswith("Network_Public")]
    assert placed == sorted(zip(public, eips.values()))  # exactly one NAT per public subnet
    tables = ids(synth, stack, "aws_route_table")
    for index, (subnet, eip) in enumerate(zip(public, eips.values())):
        nat_id = f"${{aws_nat_gateway.{sorted(nats)[index]}.id}}"
        assert Testing.to_have_resource_with_properties(
            synth.file(stack),
            "aws_nat_gateway",
            {"subnet_id": subnet, "allocation_id": eip, "tags": {"Name": f"flask-api-vpc-prod-nat-{index}"}},
        )
        (table,) = [v for k, v in tables.items() if k.startswith(f"Network_Private{index}RouteTable")]
        assert Testing.to_have_resource_with_properties(
            synth.file(stack),
            "aws_route",
            {"route_table_id": table, "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": nat_id},
        )
    routes = synth.resources(stack, "aws_route")
    targets = [routes[k]["nat_gateway_id"] for k in sorted(routes) if k.startswith("Network_Private")]
    assert targets == [f"${{aws_nat_gateway.{k}.id}}" for k in sorted(nats)]  # no other private route


def test_flow_logs_go_to_an_encrypted_group_through_a_scoped_role(synth: Synth) -> None:
    stack, record = "flask-api-staging", RECORDS["staging"]
    synth.only(stack, "aws_flow_log")  # exactly one
    groups = {k: g for k, g in synth.resources(stack, "aws_cloudwatch_log_group").items() if "FlowLog" in k}
    ((group_id, group),) = groups.items()
    roles = {k: r for k, r in synth.resources(stack, "aws_iam_role").items() if "FlowLog" in k}
    ((role_id, role),) = roles.items()
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_flow_log",
        {
            "traffic_type": "ALL",
            "log_destination_type": "cloud-watch-logs",
            "log_destination": f"${{aws_cloudwatch_log_group.{group_id}.arn}}",
            "iam_role_arn": f"${{aws_iam_role.{role_id}.arn}}",
        },
    )
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_cloudwatch_log_group",
        {"name": f"/vpc/flow-logs/flask-api-vpc-{record.name}", "retention_in_days": record.log_retention_days},
    )
    assert group["kms_key_id"].startswith("${aws_kms_key.LogsKey")
    trust = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": record.account_id}},
    }
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_iam_role", {"name": role["name"], "assume_role_policy": policy_document(trust)}
    )
    (write_id,) = [k for k in synth.resources(stack, "aws_iam_role_policy") if "FlowLog" in k]
    arn = f"${{aws_cloudwatch_log_group.{group_id}.arn}}"
    write = {
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        "Resource": [arn, f"{arn}:*"],
    }
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_iam_role_policy",
        {"role": f"${{aws_iam_role.{role_id}.id}}", "policy": policy_document(write)},
    ), write_id


def test_s3_gateway_endpoint_serves_every_route_table(synth: Synth) -> None:
    stack = "flask-api-prod"
    endpoint = synth.only(stack, "aws_vpc_endpoint")
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_vpc_endpoint",
        {"service_name": f"com.amazonaws.{RECORDS['prod'].region}.s3", "vpc_endpoint_type": "Gateway"},
    )
    # route tables in any order: exact as a sorted list on the JSON
    assert sorted(endpoint["route_table_ids"]) == sorted(ids(synth, stack, "aws_route_table").values())


def test_subnet_blocks_split_the_vpc_in_halves() -> None:
    assert subnet_blocks(PROPS) == (["10.41.0.0/20", "10.41.16.0/20"], ["10.41.128.0/20", "10.41.144.0/20"])


@pytest.mark.usefixtures("loaded_bindings")
def test_invalid_props_fail_with_every_problem() -> None:
    stack = TerraformStack(Testing.app(), "network-props")
    bad = NetworkProps(**{**PROPS.__dict__, "availability_zones": ("us-west-2a",), "flow_log_retention_days": 0})
    with pytest.raises(PropsError) as caught:
        Network(stack, "Network", props=bad)
    assert str(caught.value) == (
        "Network Network: 3 invalid prop(s):\n"
        "  - availability_zones: ['us-west-2a']: name at least 2 distinct zones\n"
        "  - availability_zones: ['us-west-2a'] must all be zones of us-east-1 (region); write zones like "
        "'us-east-1a'\n"
        "  - flow_log_retention_days must be >= 1"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_malformed_cidr_fails() -> None:
    stack = TerraformStack(Testing.app(), "network-cidr")
    with pytest.raises(PropsError, match="vpc_cidr '10.41.0.1/16' is not an IPv4 network"):
        Network(stack, "Network", props=NetworkProps(**{**PROPS.__dict__, "vpc_cidr": "10.41.0.1/16"}))


@pytest.mark.parametrize(
    ("days", "field"), [(7, "log_retention_days"), (30, "healthcare_api.audit_log_retention_days")]
)
def test_flow_logs_under_a_year_carry_the_one_short_retention_reason(synth: Synth, days: int, field: str) -> None:
    del synth  # bindings loaded
    stack = TerraformStack(Testing.app(), "short-retention")
    props = NetworkProps(**{**PROPS.__dict__, "flow_log_retention_days": days, "retention_field": field})
    network = Network(stack, "Network", props=props)
    assert network.flow_log_group._suppressions == [
        {
            "id": "CKV_AWS_338",
            "reason": f"VPC flow logs of this environment are kept {days} days by its record ({field}); only an "
            "environment without deletion protection may keep logs under a year (config/rules.py checks it on "
            "load): its data is disposable (make destroy empties its buckets), so these logs are debugging aids, "
            "not an audit record",
        }
    ]
    kept = Network(
        TerraformStack(Testing.app(), "year"),
        "Network",
        props=NetworkProps(**{**PROPS.__dict__, "flow_log_retention_days": 365}),
    )
    assert not getattr(kept.flow_log_group, "_suppressions", [])


@pytest.mark.parametrize(("layout", "per_az"), [(NatGateways.SINGLE, False), (NatGateways.PER_AZ, True)])
def test_network_props_take_block_zones_and_nat_layout_from_the_settings(layout: NatGateways, per_az: bool) -> None:
    settings = dataclasses.replace(RECORDS["prod"].healthcare_api.network, nat_gateways=layout)
    from_settings = ("vpc_cidr", "availability_zones", "nat_gateway_per_az", "subnet_newbits")  # newbits: default
    given = {k: v for k, v in PROPS.__dict__.items() if k not in from_settings}
    assert network_props(settings, **given) == NetworkProps(
        **given,
        vpc_cidr=settings.vpc_cidr,
        availability_zones=tuple(settings.availability_zones),
        nat_gateway_per_az=per_az,
    )
