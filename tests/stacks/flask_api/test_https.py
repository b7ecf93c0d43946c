"""flask-api with a certificate and a hosted zone configured: HTTPS listener, port 80 closed unless the record's
http_redirect opens it for a redirect, Route 53 alias."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_catalog, load_environments

CERTIFICATE = "arn:aws:acm:us-east-1:333333333333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
ZONE, DOMAIN = "Z0123456789ABC", "api.example.com"


def _prod_with_certificate(**record: Any) -> str:
    """The synthesized JSON of prod's flask-api stack with a certificate and a hosted zone (and `record`'s
    changes), as the Testing matchers take it."""
    from stacks.flask_api import FlaskApiStack  # pylint: disable=import-outside-toplevel

    prod = load_environments()["prod"]
    settings = dataclasses.replace(prod.flask_api, certificate_arn=CERTIFICATE, hosted_zone_id=ZONE, domain_name=DOMAIN)
    env = dataclasses.replace(prod, flask_api=settings, **record)
    return str(Testing.synth(FlaskApiStack(Testing.app(), env=env, catalog=load_catalog())))


def resources(synthesized: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(synthesized)
    return dict(parsed["resource"])


@pytest.fixture(scope="module")
def https(loaded_bindings: None) -> str:
    del loaded_bindings  # builds its own stack: the bindings, not the session synth
    return _prod_with_certificate()


@pytest.fixture(scope="module")
def redirecting(loaded_bindings: None) -> str:
    del loaded_bindings
    return _prod_with_certificate(http_redirect=True)


def _open_ports(synthesized: str) -> list[int]:
    ingress = resources(synthesized)["aws_vpc_security_group_ingress_rule"].values()
    return sorted(r["from_port"] for r in ingress if r.get("cidr_ipv4") == "0.0.0.0/0")


def test_https_listener_uses_the_certificate_and_tls12_policy(https: str) -> None:
    secure = {
        "port": 443,
        "protocol": "HTTPS",
        "certificate_arn": CERTIFICATE,
        "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    }
    assert Testing.to_have_resource_with_properties(https, "aws_lb_listener", secure)
    older = {**secure, "ssl_policy": "ELBSecurityPolicy-2016-08"}
    assert not Testing.to_have_resource_with_properties(https, "aws_lb_listener", older)
    parsed = resources(https)
    (https_id,) = [k for k, v in parsed["aws_lb_listener"].items() if v["port"] == 443]
    assert len(parsed["aws_lb_listener_rule"]) == 1
    assert Testing.to_have_resource_with_properties(
        https, "aws_lb_listener_rule", {"listener_arn": f"${{aws_lb_listener.{https_id}.arn}}"}
    )


def test_port_80_is_closed_and_https_sends_hsts(https: str) -> None:
    assert [body["port"] for body in resources(https)["aws_lb_listener"].values()] == [443]
    assert not Testing.to_have_resource_with_properties(https, "aws_lb_listener", {"port": 80})
    assert _open_ports(https) == [443]
    assert Testing.to_have_resource_with_properties(
        https,
        "aws_lb_listener",
        {"port": 443, "routing_http_response_strict_transport_security_header_value": "max-age=31536000"},
    )


def test_the_records_http_redirect_opens_port_80_for_a_redirect_only(redirecting: str) -> None:
    redirect = {"status_code": "HTTP_301", "protocol": "HTTPS", "port": "443"}
    assert Testing.to_have_resource_with_properties(
        redirecting,
        "aws_lb_listener",
        {"port": 80, "protocol": "HTTP", "default_action": [{"type": "redirect", "redirect": redirect}]},
    )
    (plain,) = [body for body in resources(redirecting)["aws_lb_listener"].values() if body["port"] == 80]
    assert plain["default_action"][0]["redirect"] == redirect  # exact: the matcher matches the block as a subset
    assert _open_ports(redirecting) == [80, 443]
    assert Testing.to_have_resource_with_properties(
        redirecting, "aws_vpc_security_group_ingress_rule", {"cidr_ipv4": "0.0.0.0/0", "from_port": 80, "to_port": 80}
    )


def test_alias_record_points_at_the_alb(https: str) -> None:
    parsed = resources(https)
    assert len(parsed["aws_route53_record"]) == 1
    (alb_id,) = parsed["aws_lb"]
    alias = {
        "name": f"${{aws_lb.{alb_id}.dns_name}}",
        "zone_id": f"${{aws_lb.{alb_id}.zone_id}}",
        "evaluate_target_health": True,
    }
    assert Testing.to_have_resource_with_properties(
        https, "aws_route53_record", {"zone_id": ZONE, "name": DOMAIN, "type": "A", "alias": alias}
    )
    (record,) = parsed["aws_route53_record"].values()
    assert record["alias"] == alias  # exact: the matcher matches the block as a subset
