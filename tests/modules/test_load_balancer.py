"""Public edges (issue 18): staging and prod load balancers serve HTTPS only (an ACM certificate validated in the
record's zone, HSTS, port 80 closed; a record's http_redirect opens it for a redirect only); dev serves plain HTTP
only because its record allows it; a protected environment without a certificate source is a configuration error."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from dataclasses import replace

import pytest

from cdktf import Testing, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider

from config import ConfigError, load_catalog, load_environments
from config.loader import ENVIRONMENTS_FILE, records_from_data
from modules.load_balancer import LoadBalancer, LoadBalancerProps
from tests.conftest import Synth, props_error, skip_unless_selected

ALB_STACKS = ("flask-api", "fraud-detection")
RECORDS = load_environments()


def _edge(workload: str, env: str) -> Any:
    """The workload's HTTPS edge settings in `env` (domain_name, hosted_zone_id, certificate_arn)."""
    return getattr(RECORDS[env], workload.replace("-", "_"))


REDIRECT = {"type": "redirect", "redirect": {"status_code": "HTTP_301", "protocol": "HTTPS", "port": "443"}}
NOT_FOUND = {
    "type": "fixed-response",
    "fixed_response": {"content_type": "text/plain", "message_body": "not found", "status_code": "404"},
}


def _listeners(synth: Synth, stack: str) -> dict[int, tuple[str, dict[str, Any]]]:
    return {body["port"]: (lid, body) for lid, body in synth.resources(stack, "aws_lb_listener").items()}


def _suppressed(body: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["reason"] for s in body.get("//", {}).get("suppressions", [])}


@pytest.mark.parametrize("env", ("staging", "prod"))
@pytest.mark.parametrize("workload", ALB_STACKS)
def test_https_only_with_an_acm_certificate_and_hsts(synth: Synth, workload: str, env: str) -> None:
    stack = f"{workload}-{env}"
    assert RECORDS[env].http_redirect is False
    listeners = _listeners(synth, stack)
    assert sorted(listeners) == [443]
    (validation_id,) = synth.resources(stack, "aws_acm_certificate_validation")
    https_id, https = listeners[443]
    expected = {
        "port": 443,
        "protocol": "HTTPS",
        "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificate_arn": f"${{aws_acm_certificate_validation.{validation_id}.certificate_arn}}",
        "routing_http_response_strict_transport_security_header_value": "max-age=31536000",
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_lb_listener", expected)
    wrong = {**expected, "ssl_policy": "ELBSecurityPolicy-2016-08"}
    assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_lb_listener", wrong)
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_lb_listener", {"port": 443, "default_action": [NOT_FOUND]}
    )
    assert https["default_action"] == [NOT_FOUND]  # the nested block exact on the JSON
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_vpc_security_group_ingress_rule",
        {"cidr_ipv4": "0.0.0.0/0", "from_port": 443, "to_port": 443, "ip_protocol": "tcp"},
    )
    assert not Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_vpc_security_group_ingress_rule", {"cidr_ipv4": "0.0.0.0/0", "from_port": 80}
    )
    ingress = [r for r in synth.resources(stack, "aws_vpc_security_group_ingress_rule").values() if "cidr_ipv4" in r]
    assert sorted((r["cidr_ipv4"], r["from_port"], r["to_port"], _suppressed(r)) for r in ingress) == [
        ("0.0.0.0/0", 443, 443, {}),
    ]  # exactly one public rule, with no suppression
    assert len(synth.resources(stack, "aws_lb_listener_rule")) == 1
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_lb_listener_rule", {"listener_arn": f"${{aws_lb_listener.{https_id}.arn}}"}
    )
    (alb,) = synth.resources(stack, "aws_lb").values()
    # no CKV2_AWS_20 (HTTPS) nor CKV2_AWS_28 (web ACL) nor CKV_AWS_150 (staging and prod: deletion_protection)
    assert not _suppressed(alb)


@pytest.mark.parametrize("env", ("staging", "prod"))
@pytest.mark.parametrize("workload", ALB_STACKS)
def test_certificate_is_dns_validated_in_the_records_zone(synth: Synth, workload: str, env: str) -> None:
    stack = f"{workload}-{env}"
    edge = _edge(workload, env)
    ((cert_id, cert),) = synth.resources(stack, "aws_acm_certificate").items()
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_acm_certificate",
        {
            "domain_name": edge.domain_name,
            "validation_method": "DNS",
            "lifecycle": {"create_before_destroy": True},
            "options": {"certificate_transparency_logging_preference": "ENABLED"},
        },
    )
    assert (cert["lifecycle"], cert["options"]) == (  # nested blocks exact on the JSON
        {"create_before_destroy": True},
        {"certificate_transparency_logging_preference": "ENABLED"},
    )
    records = {body["name"]: (rid, body) for rid, body in synth.resources(stack, "aws_route53_record").items()}
    option = f"tolist(aws_acm_certificate.{cert_id}.domain_validation_options).0"
    validation_id, _ = records[f"${{{option}.resource_record_name}}"]
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_route53_record",
        {
            "name": f"${{{option}.resource_record_name}}",
            "zone_id": edge.hosted_zone_id,
            "type": f"${{{option}.resource_record_type}}",
            "records": [f"${{{option}.resource_record_value}}"],
            "ttl": 60,
        },
    )
    validation = {
        "certificate_arn": f"${{aws_acm_certificate.{cert_id}.arn}}",
        "validation_record_fqdns": [f"${{aws_route53_record.{validation_id}.fqdn}}"],
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_acm_certificate_validation", validation)
    # exactly these two properties, on the one validation (besides metadata and tags)
    only = synth.only(stack, "aws_acm_certificate_validation")
    assert only | {"//": None, "tags": None} == validation | {"//": None, "tags": None}
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_route53_record", {"name": edge.domain_name, "zone_id": edge.hosted_zone_id, "type": "A"}
    )
    assert edge.domain_name in records


@pytest.mark.parametrize("workload", ALB_STACKS)
def test_plain_http_only_where_the_record_allows_it(synth: Synth, workload: str) -> None:
    stack = f"{workload}-dev"
    listeners = _listeners(synth, stack)
    assert sorted(listeners) == [80]
    _, http = listeners[80]
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_lb_listener", {"port": 80, "protocol": "HTTP", "default_action": [NOT_FOUND]}
    )
    assert http["default_action"] == [NOT_FOUND]  # the nested block exact on the JSON
    reason = (
        "plain HTTP is allowed in this environment by its record (allow_plain_http); a certificate source adds "
        "the HTTPS listener and closes port 80 (http_redirect: answers it with a redirect)"
    )
    suppressions = [{"id": "CKV_AWS_2", "reason": reason}, {"id": "CKV_AWS_103", "reason": reason}]
    assert Testing.to_have_resource_with_properties(  # exactly these two (a list matches whole), in this order
        synth.file(stack), "aws_lb_listener", {"port": 80, "//": {"suppressions": suppressions}}
    )
    assert _suppressed(http) == {"CKV_AWS_2": reason, "CKV_AWS_103": reason}  # and no other key in them
    assert not Testing.to_have_resource(synth.file(stack), "aws_acm_certificate")
    assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_lb_listener", {"port": 443})


BARE = LoadBalancerProps(
    name="x-alb-dev",
    vpc_id="vpc-1",
    subnet_ids=["subnet-1", "subnet-2"],
    account_id="111111111111",
    log_bucket_name="x-alb-logs-dev-111111111111",
    log_version_expiration_days=30,
    deletion_protection=False,
    allow_plain_http=False,
)
CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/0f5e5c3a-1111-2222-3333-444455556666"


@pytest.mark.usefixtures("loaded_bindings")
def test_load_balancer_refuses_plain_http_without_the_switch() -> None:
    assert props_error(LoadBalancer, "Alb", BARE) == (
        "LoadBalancer Alb: 1 invalid prop(s):\n  - no certificate source: give certificate_arn, or hosted_zone_id and "
        "domain_name (ACM with DNS validation), or set allow_plain_http (the environment record's switch) to serve "
        "plain HTTP"
    )
    nought = replace(BARE, certificate_arn=CERTIFICATE, hsts_max_age_seconds=0)
    assert props_error(LoadBalancer, "Alb", nought) == (
        "LoadBalancer Alb: 1 invalid prop(s):\n  - hsts_max_age_seconds must be positive (seconds browsers keep to "
        "HTTPS), not 0"
    )


def _synth_alb(props: LoadBalancerProps) -> dict[str, Any]:
    """The stack's JSON as `cdktf synth` writes it (Testing.synth drops the `//` metadata with the suppressions)."""
    stack = TerraformStack(Testing.app(), "alb")
    AwsProvider(stack, "aws", region="us-east-1")
    LoadBalancer(stack, "LoadBalancer", props=props)
    outdir = Path(Testing.full_synth(stack))
    return dict(json.loads((outdir / "stacks" / "alb" / "cdk.tf.json").read_text(encoding="utf-8")))


@pytest.mark.usefixtures("loaded_bindings")
@pytest.mark.parametrize("redirect", (False, True))
def test_port_80_opens_only_for_the_records_redirect(redirect: bool) -> None:
    synthesized = _synth_alb(replace(BARE, certificate_arn=CERTIFICATE, http_redirect=redirect))
    text = json.dumps(synthesized)
    https = {"port": 443, "protocol": "HTTPS", "certificate_arn": CERTIFICATE}
    http = {"port": 80, "protocol": "HTTP", "default_action": [REDIRECT]}
    assert Testing.to_have_resource_with_properties(text, "aws_lb_listener", https)
    assert Testing.to_have_resource_with_properties(text, "aws_lb_listener", http) is redirect
    ingress = synthesized["resource"]["aws_vpc_security_group_ingress_rule"]
    ports = {body["from_port"]: _suppressed(body) for body in ingress.values()}
    reason = (
        "port 80 only answers with a redirect to HTTPS (listener default action redirect; policy CKV_APP_013), "
        "opened because this environment's record sets http_redirect"
    )
    assert ports == ({443: {}, 80: {"CKV_AWS_260": reason}} if redirect else {443: {}})


def _problems(edit: Any) -> list[str]:
    data = tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    edit(data["environments"])
    with pytest.raises(ConfigError) as caught:
        records_from_data(data, load_catalog())
    return list(caught.value.problems)


def test_protected_environment_without_a_certificate_source_is_a_config_error() -> None:
    def drop(envs: dict[str, Any]) -> None:
        del envs["prod"]["flask_api"]["hosted_zone_id"], envs["prod"]["flask_api"]["domain_name"]

    assert _problems(drop) == [
        "environments.prod.flask_api: this environment has deletion_protection = true but no certificate source; "
        "set certificate_arn, or hosted_zone_id and domain_name (ACM issues the certificate with DNS validation), so "
        "the load balancer serves HTTPS"
    ]


def test_protected_environment_may_not_allow_plain_http_and_zone_needs_a_domain() -> None:
    def edit(envs: dict[str, Any]) -> None:
        envs["prod"]["allow_plain_http"] = True
        del envs["prod"]["fraud_detection"]["domain_name"]

    assert _problems(edit) == [
        "environments.prod.fraud_detection: set both hosted_zone_id and domain_name (the ALB's alias record and the "
        "ACM DNS validation), or neither",
        "environments.prod.allow_plain_http: true in an environment with deletion_protection = true; "
        "protected environments serve HTTPS only, remove it",
        "environments.prod.fraud_detection: this environment has deletion_protection = true but no certificate "
        "source; set certificate_arn, or hosted_zone_id and domain_name (ACM issues the certificate with DNS "
        "validation), so the load balancer serves HTTPS",
    ]


def test_certificate_source_values_are_checked() -> None:
    def edit(envs: dict[str, Any]) -> None:
        envs["prod"]["flask_api"]["hosted_zone_id"] = "zone-1"
        envs["prod"]["fraud_detection"]["certificate_arn"] = "arn:aws:iam::333333333333:server-certificate/x"

    assert _problems(edit) == [
        "environments.prod.flask_api.hosted_zone_id: 'zone-1' is not a hosted zone id like 'Z0123456789ABC'",
        "environments.prod.fraud_detection.certificate_arn: 'arn:aws:iam::333333333333:server-certificate/x' is not "
        "an ACM certificate ARN like 'arn:aws:acm:us-east-1:111111111111:certificate/"
        "0f5e5c3a-1111-2222-3333-444455556666'",
    ]


def test_consistency_report_explains_plain_http_by_the_records_switch(synth: Synth, tmp_path: Any) -> None:
    from tools import consistency  # pylint: disable=import-outside-toplevel

    for workload in ALB_STACKS:  # the report below covers both ALB workloads
        skip_unless_selected(f"{workload}-dev")
    report = tmp_path / "consistency.json"
    assert consistency.check(synth.outdir, list(ALB_STACKS), load_environments(), report=report) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["plain_http_environments"] == ["dev"]
    port_80 = [
        (d["workload"], part, d["values"], "allow_plain_http" in d["fields"])
        for d in data["differences"]
        for part in ("LoadBalancer_HttpListener_", "LoadBalancer_Ingress80_")
        if part in d["address"]
    ]
    only_dev = {"dev": "<present>", "staging": "<absent>", "prod": "<absent>"}
    assert sorted(port_80) == sorted(
        (w, part, only_dev, True)
        for w in ALB_STACKS
        for part in ("LoadBalancer_HttpListener_", "LoadBalancer_Ingress80_")
    )


@pytest.mark.parametrize("workload", ALB_STACKS)
def test_access_log_bucket_admits_the_regions_load_balancer_account(synth: Synth, workload: str) -> None:
    """The data source exists once and the log bucket's policy grants that account (not a literal account id)."""
    name = f"{workload}-prod"
    assert Testing.to_have_data_source(synth.file(name), "aws_elb_service_account")
    (account,) = synth.json(name)["data"]["aws_elb_service_account"]
    granted = [
        body["policy"]
        for body in synth.resources(name, "aws_s3_bucket_policy").values()
        if f"${{data.aws_elb_service_account.{account}.arn}}" in body["policy"]
    ]
    assert len(granted) == 1
