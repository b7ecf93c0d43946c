"""flask-api with a certificate and a hosted zone configured: HTTPS listener only (no port 80), Route 53 alias."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_catalog, load_environments
from tests.conftest import Synth

CERTIFICATE = "arn:aws:acm:us-east-1:333333333333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


@pytest.fixture(scope="module")
def https(synth: Synth) -> dict[str, Any]:
    del synth  # the provider bindings are loaded by the session synth
    from stacks.flask_api import FlaskApiStack  # pylint: disable=import-outside-toplevel

    prod = load_environments()["prod"]
    settings = dataclasses.replace(
        prod.flask_api, certificate_arn=CERTIFICATE, hosted_zone_id="Z0123456789ABC", domain_name="api.example.com"
    )
    stack = FlaskApiStack(Testing.app(), env=dataclasses.replace(prod, flask_api=settings), catalog=load_catalog())
    parsed: dict[str, Any] = json.loads(Testing.synth(stack))
    return parsed["resource"]


def test_https_listener_uses_the_certificate_and_tls12_policy(https: dict[str, Any]) -> None:
    listeners = {body["port"]: body for body in https["aws_lb_listener"].values()}
    secure = listeners[443]
    assert (secure["protocol"], secure["certificate_arn"], secure["ssl_policy"]) == (
        "HTTPS",
        CERTIFICATE,
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
    )
    (rule,) = https["aws_lb_listener_rule"].values()
    (https_id,) = [k for k, v in https["aws_lb_listener"].items() if v["port"] == 443]
    assert rule["listener_arn"] == f"${{aws_lb_listener.{https_id}.arn}}"


def test_no_http_listener_at_all(https: dict[str, Any]) -> None:
    """An API answers HTTPS only: a 301 would come after the request (and its credentials) crossed in clear text."""
    assert [body["port"] for body in https["aws_lb_listener"].values()] == [443]


def test_alb_opens_only_the_https_port(https: dict[str, Any]) -> None:
    ports = sorted(
        r["from_port"]
        for r in https["aws_vpc_security_group_ingress_rule"].values()
        if r.get("cidr_ipv4") == "0.0.0.0/0"
    )
    assert ports == [443]


def test_alias_record_points_at_the_alb(https: dict[str, Any]) -> None:
    (record,) = https["aws_route53_record"].values()
    (alb_id,) = https["aws_lb"]
    assert (record["zone_id"], record["name"], record["type"]) == ("Z0123456789ABC", "api.example.com", "A")
    assert record["alias"] == {
        "name": f"${{aws_lb.{alb_id}.dns_name}}",
        "zone_id": f"${{aws_lb.{alb_id}.zone_id}}",
        "evaluate_target_health": True,
    }
