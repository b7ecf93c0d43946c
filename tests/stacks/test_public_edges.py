"""No unauthenticated API method on any public edge, in every synthesized stack (issue 18): CKV_AWS_59 is fixed,
never suppressed; and no suppression at all on a prod public edge (load balancers, listeners, API methods, stages and
domains, web ACLs, ingress open to the world)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Synth, all_stack_names

STACKS = all_stack_names()


@pytest.mark.parametrize("stack", STACKS)
def test_every_api_method_is_authorized(synth: Synth, stack: str) -> None:
    methods = synth.resources(stack, "aws_api_gateway_method")
    assert {k: m["authorization"] for k, m in methods.items() if m["authorization"] == "NONE"} == {}


@pytest.mark.parametrize("stack", STACKS)
def test_no_stack_suppresses_the_unauthenticated_method_check(synth: Synth, stack: str) -> None:
    suppressed = [
        f"{rtype}.{name}"
        for rtype, items in synth.json(stack).get("resource", {}).items()
        for name, body in items.items()
        for entry in body.get("//", {}).get("suppressions", [])
        if entry["id"] == "CKV_AWS_59"
    ]
    assert not suppressed


PUBLIC_EDGE_TYPES = (
    "aws_lb",
    "aws_lb_listener",
    "aws_api_gateway_method",
    "aws_api_gateway_stage",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_domain_name",
    "aws_wafv2_web_acl",
)


def public_edge_suppressions(stack_json: dict[str, Any]) -> list[tuple[str, str]]:
    """(address, check) of every suppression on a resource clients reach from the internet: load balancers and
    their listeners, REST API methods, stages and domains, web ACLs, and ingress rules open to 0.0.0.0/0."""
    found = []
    for rtype, resources in stack_json.get("resource", {}).items():
        for name, body in resources.items():
            open_ingress = rtype == "aws_vpc_security_group_ingress_rule" and body.get("cidr_ipv4") == "0.0.0.0/0"
            if rtype in PUBLIC_EDGE_TYPES or open_ingress:
                found += [(f"{rtype}.{name}", s["id"]) for s in body.get("//", {}).get("suppressions", [])]
    return sorted(found)


@pytest.mark.parametrize("stack", [s for s in STACKS if "-prod" in s])
def test_no_suppression_on_a_prod_public_edge(synth: Synth, stack: str) -> None:
    """Issue 18: in prod every public entry point passes the scan because it is fixed (HTTPS only, WAF, signed
    API calls), never because a finding is excused."""
    assert public_edge_suppressions(synth.json(stack)) == []


def test_public_edge_suppressions_are_found() -> None:
    """The guard above sees a suppression on an open ingress rule and on an API method (a fixture of each)."""
    skip = {"//": {"suppressions": [{"id": "CKV_AWS_260", "reason": "x" * 12}]}}
    fixture = {
        "resource": {
            "aws_vpc_security_group_ingress_rule": {"Open": {"cidr_ipv4": "0.0.0.0/0", **skip}, "Vpc": skip},
            "aws_api_gateway_method": {"Get": skip},
        }
    }
    assert public_edge_suppressions(fixture) == [
        ("aws_api_gateway_method.Get", "CKV_AWS_260"),
        ("aws_vpc_security_group_ingress_rule.Open", "CKV_AWS_260"),
    ]
