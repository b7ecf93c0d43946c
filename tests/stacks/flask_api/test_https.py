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


def _prod_with_certificate(**record: Any) -> dict[str, Any]:
    from stacks.flask_api import FlaskApiStack  # pylint: disable=import-outside-toplevel

    prod = load_environments()["prod"]
    settings = dataclasses.replace(
        prod.flask_api, certificate_arn=CERTIFICATE, hosted_zone_id="Z0123456789ABC", domain_name="api.example.com"
    )
    env = dataclasses.replace(prod, flask_api=settings, **record)
    stack = FlaskApiStack(Testing.app(), env=env, catalog=load_catalog())
    parsed: dict[str, Any] = json.loads(Testing.synth(stack))
    return dict(parsed["resource"])


@pytest.fixture(scope="module")
def https(loaded_bindings: None) -> dict[str, Any]:
    del loaded_bindings  # builds its own stack: the bindings, not the session synth
    return _prod_with_certificate()


@pytest.fixture(scope="module")
def redirecting(loaded_bindings: None) -> dict[str, Any]:
    del loaded_bindings
    return _prod_with_certificate(http_redirect=True)


def _open_ports(resources: dict[str, Any]) -> list[int]:
    ingress = resources["aws_vpc_security_group_ingress_rule"].values()
    return sorted(r["from_port"] for r in ingress if r.get("cidr_ipv4") == "0.0.0.0/0")


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


def test_port_80_is_closed_and_https_sends_hsts(https: dict[str, Any]) -> None:
    assert [body["port"] for body in https["aws_lb_listener"].values()] == [443]
    assert _open_ports(https) == [443]
    (secure,) = https["aws_lb_listener"].values()
    assert secure["routing_http_response_strict_transport_security_header_value"] == "max-age=31536000"


def test_the_records_http_redirect_opens_port_80_for_a_redirect_only(redirecting: dict[str, Any]) -> None:
    (plain,) = [body for body in redirecting["aws_lb_listener"].values() if body["port"] == 80]
    (action,) = plain["default_action"]
    assert action["type"] == "redirect"
    assert action["redirect"] == {"status_code": "HTTP_301", "protocol": "HTTPS", "port": "443"}
    assert _open_ports(redirecting) == [80, 443]


def test_alias_record_points_at_the_alb(https: dict[str, Any]) -> None:
    (record,) = https["aws_route53_record"].values()
    (alb_id,) = https["aws_lb"]
    assert (record["zone_id"], record["name"], record["type"]) == ("Z0123456789ABC", "api.example.com", "A")
    assert record["alias"] == {
        "name": f"${{aws_lb.{alb_id}.dns_name}}",
        "zone_id": f"${{aws_lb.{alb_id}.zone_id}}",
        "evaluate_target_health": True,
    }
