"""healthcare-api stack: exact values of the synthesized JSON in every environment (seed 001's failures included)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import EPHEMERAL_SUFFIX, Synth

ENVS = ("dev", "staging", "prod")
DEV = "healthcare-api-dev"
RECORDS = load_environments()


def ref(synth: Synth, name: str, rtype: str, attribute: str) -> str:
    """`${<rtype>.<logical id>.<attribute>}` of the single `rtype` resource of stack `name`."""
    (logical_id,) = synth.resources(name, rtype)
    return f"${{{rtype}.{logical_id}.{attribute}}}"


def key_arn(synth: Synth, name: str) -> str:
    """The workload's data key (the alarm topic has a key of its own: tests/modules/test_alarms.py)."""
    (logical_id,) = [k for k in synth.resources(name, "aws_kms_key") if k.startswith("DataKey")]
    return f"${{aws_kms_key.{logical_id}.arn}}"


@pytest.mark.parametrize("env", ENVS)
def test_region_is_the_workloads_and_state_stays_in_the_environments(synth: Synth, env: str) -> None:
    stack = synth.json(f"healthcare-api-{env}")
    # the default provider's region and account: tests/stacks/test_every_stack.py; here: it is the only one
    assert len(stack["provider"]["aws"]) == 1
    assert Testing.to_have_provider_with_properties(
        synth.file(f"healthcare-api-{env}"), "aws", {"region": RECORDS[env].healthcare_api.region}
    )
    assert stack["terraform"]["backend"]["s3"]["region"] == RECORDS[env].region
    assert stack["terraform"]["backend"]["s3"]["key"] == f"healthcare-api/{env}/terraform.tfstate"


def test_key_rotates_and_lets_cloudwatch_logs_of_the_region_use_it(synth: Synth) -> None:
    (key,) = [k for lid, k in synth.resources(DEV, "aws_kms_key").items() if lid.startswith("DataKey")]
    assert Testing.to_have_resource_with_properties(
        synth.file(DEV), "aws_kms_key", {"policy": key["policy"], "enable_key_rotation": True}
    )  # the policy picks the data key out of the stack's two
    (services,) = [s for s in json.loads(key["policy"])["Statement"] if s["Sid"] == "ServicesUseKey"]
    assert services["Principal"] == {"Service": [f"logs.{RECORDS['dev'].healthcare_api.region}.amazonaws.com"]}
    assert sorted(a["name"] for a in synth.resources(DEV, "aws_kms_alias").values()) == [
        "alias/healthcare-api-alarms-dev",
        "alias/healthcare-api-data-dev",
    ]


@pytest.mark.parametrize(
    "name", ["healthcare-api-dev", "healthcare-api-prod", f"healthcare-api-dev-{EPHEMERAL_SUFFIX}"]
)
def test_every_data_resource_is_encrypted_with_the_workload_key(synth: Synth, name: str) -> None:
    key = key_arn(synth, name)
    db = synth.only(name, "aws_db_instance")
    assert (db["storage_encrypted"], db["kms_key_id"], db["master_user_secret_kms_key_id"]) == (True, key, key)
    assert db["performance_insights_kms_key_id"] == key
    redis = synth.only(name, "aws_elasticache_replication_group")
    assert (redis["at_rest_encryption_enabled"], redis["transit_encryption_enabled"], redis["kms_key_id"]) == (
        "true",
        True,
        key,
    )
    groups = synth.resources(name, "aws_cloudwatch_log_group").values()
    groups = [g for g in groups if not g["name"].startswith("aws-waf-logs-")]  # tests/modules/test_waf.py
    assert len(groups) == 4  # flow logs, API access logs, postgresql and upgrade logs
    assert all(g["kms_key_id"] == key for g in groups)


def test_vpc_resolves_dns_and_nat_ips_use_domain_vpc(synth: Synth) -> None:
    vpc = {"cidr_block": RECORDS["dev"].healthcare_api.network.vpc_cidr, "enable_dns_support": True}
    assert Testing.to_have_resource_with_properties(synth.file(DEV), "aws_vpc", {**vpc, "enable_dns_hostnames": True})
    eip = synth.only(DEV, "aws_eip")
    assert eip["domain"] == "vpc" and "vpc" not in eip
    assert len(synth.resources("healthcare-api-prod", "aws_eip")) == 3
    zones = sorted(s["availability_zone"] for s in synth.resources(DEV, "aws_subnet").values())
    assert zones == ["eu-west-1a", "eu-west-1a", "eu-west-1b", "eu-west-1b"]


@pytest.mark.parametrize("env", ENVS)
def test_database_settings_per_environment(synth: Synth, env: str) -> None:
    record = RECORDS[env]
    database, protected = record.healthcare_api.database, record.deletion_protection
    assert Testing.to_have_resource_with_properties(
        synth.file(f"healthcare-api-{env}"),
        "aws_db_instance",
        {
            "engine": "postgres",
            "engine_version": database.engine_version,
            "username": database.master_username,
            "multi_az": database.multi_az,
            "backup_retention_period": database.backup_retention_days,
            "instance_class": database.instance_class,
            "deletion_protection": protected,
            "skip_final_snapshot": not protected,
            "manage_master_user_password": True,
            "publicly_accessible": False,
            "iam_database_authentication_enabled": True,
            "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"],
        },
    )
    # absent keys: a subset matcher cannot say "not there", so these stay on the JSON
    db = synth.only(f"healthcare-api-{env}", "aws_db_instance")
    assert db.get("final_snapshot_identifier") == (f"healthcare-api-db-{env}-final" if protected else None)
    assert "password" not in db


def test_database_forces_tls_and_sits_in_private_subnets(synth: Synth) -> None:
    params = {p["name"]: p["value"] for p in synth.only(DEV, "aws_db_parameter_group")["parameter"]}
    assert params["rds.force_ssl"] == "1"
    assert synth.only(DEV, "aws_db_parameter_group")["family"] == "postgres16"
    subnets = synth.only(DEV, "aws_db_subnet_group")["subnet_ids"]
    private = [
        f"${{aws_subnet.{k}.id}}"
        for k, v in synth.resources(DEV, "aws_subnet").items()
        if v["tags"]["Tier"] == "private"
    ]
    assert subnets == private


def test_data_tier_admits_no_client_until_a_backend_exists(synth: Synth) -> None:
    """GET /health is a MOCK integration: nothing may reach PostgreSQL or Redis yet (no unattached stand-in group)."""
    groups = synth.resources(DEV, "aws_security_group").values()
    assert sorted(g["name"] for g in groups) == ["healthcare-api-db-dev-db", "healthcare-api-redis-dev-redis"]
    assert not synth.resources(DEV, "aws_vpc_security_group_ingress_rule")
    assert not synth.resources(DEV, "aws_vpc_security_group_egress_rule")


@pytest.mark.parametrize(
    "env,clusters,failover,node_type",
    [
        ("dev", 1, False, "cache.t4g.micro"),
        ("staging", 2, True, "cache.t4g.small"),
        ("prod", 3, True, "cache.r6g.large"),
    ],
)
def test_redis_arguments_per_environment(synth: Synth, env: str, clusters: int, failover: bool, node_type: str) -> None:
    name = f"healthcare-api-{env}"
    redis = synth.only(name, "aws_elasticache_replication_group")
    assert redis["description"].startswith(f"healthcare-api-redis-{env}:")
    assert not {"replication_group_description", "auth_token_enabled", "auth_token", "cluster_mode"} & set(redis)
    assert (redis["engine"], redis["engine_version"], redis["node_type"]) == ("redis", "7.1", node_type)
    assert (redis["num_cache_clusters"], redis["automatic_failover_enabled"], redis["multi_az_enabled"]) == (
        clusters,
        failover,
        failover,
    )
    assert redis["user_group_ids"] == [ref(synth, name, "aws_elasticache_user_group", "user_group_id")]


def test_redis_users_default_off_and_application_by_iam(synth: Synth) -> None:
    users = {u["user_name"]: u for u in synth.resources(DEV, "aws_elasticache_user").values()}
    assert users["default"]["access_string"] == "off -@all"
    app = users["healthcare-api-redis-dev-app"]
    assert (app["user_id"], app["authentication_mode"]) == (app["user_name"], {"type": "iam"})


def test_redis_endpoint_output_is_the_primary_endpoint(synth: Synth) -> None:
    output = synth.json(DEV)["output"]["redis_primary_endpoint_address"]
    assert output["value"] == ref(synth, DEV, "aws_elasticache_replication_group", "primary_endpoint_address")


def test_integration_response_depends_on_the_integration(synth: Synth) -> None:
    response = synth.only(DEV, "aws_api_gateway_integration_response")
    (integration,) = synth.resources(DEV, "aws_api_gateway_integration")
    assert f"aws_api_gateway_integration.{integration}" in response["depends_on"]
    for rtype, properties in (
        ("aws_api_gateway_integration", {"type": "MOCK"}),
        ("aws_api_gateway_resource", {"path_part": "health"}),
        ("aws_api_gateway_method", {"http_method": "GET", "authorization": "AWS_IAM"}),
        ("aws_api_gateway_method_response", {"status_code": "200"}),
    ):
        assert Testing.to_have_resource_with_properties(synth.file(DEV), rtype, properties), rtype


def test_deployment_redeploys_when_the_api_changes(synth: Synth) -> None:
    from modules import rest_api  # pylint: disable=import-outside-toplevel

    deployment = synth.only(DEV, "aws_api_gateway_deployment")
    assert deployment["triggers"] == {"redeployment": rest_api.definition_hash()}
    assert deployment["lifecycle"] == {"create_before_destroy": True}
    changed = dict(rest_api.HEALTH, status_code="204")
    original = rest_api.HEALTH
    try:
        rest_api.HEALTH = changed
        assert rest_api.definition_hash() != deployment["triggers"]["redeployment"]
    finally:
        rest_api.HEALTH = original


@pytest.mark.parametrize(
    "name,stage,rate,burst,retention",
    [
        ("healthcare-api-dev", "dev", 50, 100, 365),
        ("healthcare-api-prod", "prod", 200, 400, 2192),
        ("healthcare-api-staging", "staging", 50, 100, 365),
        (f"healthcare-api-dev-{EPHEMERAL_SUFFIX}", f"dev-{EPHEMERAL_SUFFIX}", 50, 100, 365),
    ],
)
def test_stage_settings(synth: Synth, name: str, stage: str, rate: int, burst: int, retention: int) -> None:
    body = synth.only(name, "aws_api_gateway_stage")
    assert (body["stage_name"], body["xray_tracing_enabled"]) == (stage, True)
    logs = {g["name"]: (k, g) for k, g in synth.resources(name, "aws_cloudwatch_log_group").items()}
    logical_id, access = logs[f"/aws/apigateway/healthcare-api-api-{stage}/access"]
    assert body["access_log_settings"]["destination_arn"] == f"${{aws_cloudwatch_log_group.{logical_id}.arn}}"
    assert access["retention_in_days"] == retention
    assert json.loads(body["access_log_settings"]["format"])["requestId"] == "$context.requestId"
    settings = synth.only(name, "aws_api_gateway_method_settings")
    assert settings["method_path"] == "*/*"
    cached = stage in ("staging", "prod")  # the record's api_stage.cache_size_gb (staging and prod; not dev)
    cache = (
        {
            "cache_ttl_in_seconds": 5,
            "require_authorization_for_cache_control": True,
            "unauthorized_cache_control_header_strategy": "FAIL_WITH_403",
        }
        if cached
        else {}
    )
    assert (
        settings["settings"]
        == {
            "metrics_enabled": True,
            "logging_level": "INFO",
            "data_trace_enabled": False,
            "throttling_rate_limit": rate,
            "throttling_burst_limit": burst,
            "caching_enabled": cached,
            "cache_data_encrypted": True,
        }
        | cache
    )
    assert (body.get("cache_cluster_enabled"), body.get("cache_cluster_size")) == (
        (True, "0.5") if cached else (None, None)
    )
    certificates = synth.resources(name, "aws_api_gateway_client_certificate")
    assert body.get("client_certificate_id") == (
        f"${{aws_api_gateway_client_certificate.{next(iter(certificates))}.id}}" if cached else None
    )
    assert len(certificates) == (1 if cached else 0)


def test_audit_logs_keep_the_records_retention(synth: Synth) -> None:
    logs = {
        g["name"]: g["retention_in_days"]
        for g in synth.resources("healthcare-api-prod", "aws_cloudwatch_log_group").values()
    }
    assert logs == {
        "/vpc/flow-logs/healthcare-api-vpc-prod": 2192,
        "aws-waf-logs-healthcare-api-waf-prod": 2192,
        "/aws/apigateway/healthcare-api-api-prod/access": 2192,
        "/aws/rds/instance/healthcare-api-db-prod/postgresql": 2192,
        "/aws/rds/instance/healthcare-api-db-prod/upgrade": 2192,
    }


def test_outputs_are_described(synth: Synth) -> None:
    outputs: dict[str, Any] = synth.json(DEV)["output"]
    assert sorted(outputs) == [
        "alarm_topic_arn",
        "api_id",
        "api_invoke_url",
        "api_stage_name",
        "db_endpoint",
        "db_instance_identifier",
        "db_secret_arn",
        "kms_key_arn",
        "redis_primary_endpoint_address",
        "redis_replication_group_id",
        "vpc_id",
    ]
    assert all(o["description"] for o in outputs.values())
    assert outputs["db_secret_arn"]["value"] == ref(synth, DEV, "aws_db_instance", "master_user_secret[0].secret_arn")


def test_only_the_environments_stack_sets_the_accounts_api_gateway_logging_role(synth: Synth) -> None:
    account = synth.only(DEV, "aws_api_gateway_account")
    assert account["cloudwatch_role_arn"].startswith("${aws_iam_role.")
    assert synth.only(DEV, "aws_api_gateway_stage")["depends_on"] == [
        f"aws_api_gateway_account.{next(iter(synth.resources(DEV, 'aws_api_gateway_account')))}"
    ]
    assert synth.resources(f"healthcare-api-dev-{EPHEMERAL_SUFFIX}", "aws_api_gateway_account") == {}
