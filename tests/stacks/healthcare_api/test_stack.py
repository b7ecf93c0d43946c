"""healthcare-api stack: exact values of the synthesized JSON in every environment (seed 001's failures included);
the values with cdktf's Testing matchers (how a match is kept exact: tests/matching.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import EPHEMERAL_SUFFIX, Synth
from tests.matching import exactly, ref

ENVS = ("dev", "staging", "prod")
DEV = "healthcare-api-dev"
RECORDS = load_environments()


def key_arn(synth: Synth, name: str) -> str:
    """The workload's data key (the alarm topic has a key of its own: tests/modules/test_alarms.py)."""
    (logical_id,) = [k for k in synth.resources(name, "aws_kms_key") if k.startswith("DataKey")]
    return f"${{aws_kms_key.{logical_id}.arn}}"


def counts(synth: Synth, name: str, *rtypes: str) -> dict[str, int]:
    """{rtype: how many} in stack `name` (a matcher finds ANY resource; a test of "the" resource counts)."""
    return {rtype: len(synth.resources(name, rtype)) for rtype in rtypes}


@pytest.mark.parametrize("env", ENVS)
def test_region_is_the_workloads_and_state_stays_in_the_environments(synth: Synth, env: str) -> None:
    stack = synth.json(f"healthcare-api-{env}")
    # the default provider's region and account: tests/stacks/test_every_stack.py; here: it is the only one
    assert len(stack["provider"]["aws"]) == 1
    provider = {"region": RECORDS[env].healthcare_api.region, "allowed_account_ids": [RECORDS[env].account_id]}
    assert Testing.to_have_provider_with_properties(synth.file(f"healthcare-api-{env}"), "aws", provider)
    assert stack["terraform"]["backend"]["s3"]["region"] == RECORDS[env].region
    assert stack["terraform"]["backend"]["s3"]["key"] == f"healthcare-api/{env}/terraform.tfstate"


def test_key_rotates_and_lets_cloudwatch_logs_of_the_region_use_it(synth: Synth) -> None:
    (key,) = [k for lid, k in synth.resources(DEV, "aws_kms_key").items() if lid.startswith("DataKey")]
    assert Testing.to_have_resource_with_properties(
        synth.file(DEV), "aws_kms_key", {"policy": key["policy"], "enable_key_rotation": True}
    )  # the policy picks the data key out of the stack's two
    (services,) = [s for s in json.loads(key["policy"])["Statement"] if s["Sid"] == "ServicesUseKey"]
    assert services["Principal"] == {"Service": [f"logs.{RECORDS['dev'].healthcare_api.region}.amazonaws.com"]}
    for part, logical in (("alarms", "AlarmKey"), ("data", "DataKey")):
        alias = {
            "name": f"alias/healthcare-api-{part}-dev",
            "target_key_id": ref(synth, DEV, "aws_kms_key", "key_id", logical),
        }
        assert Testing.to_have_resource_with_properties(synth.file(DEV), "aws_kms_alias", alias)
    assert counts(synth, DEV, "aws_kms_alias") == {"aws_kms_alias": 2}  # these two alone


@pytest.mark.parametrize(
    "name", ["healthcare-api-dev", "healthcare-api-prod", f"healthcare-api-dev-{EPHEMERAL_SUFFIX}"]
)
def test_every_data_resource_is_encrypted_with_the_workload_key(synth: Synth, name: str) -> None:
    key, received = key_arn(synth, name), synth.file(name)
    database = {
        "storage_encrypted": True,
        "kms_key_id": key,
        "master_user_secret_kms_key_id": key,
        "performance_insights_kms_key_id": key,
    }
    assert Testing.to_have_resource_with_properties(received, "aws_db_instance", database)
    redis = {"at_rest_encryption_enabled": "true", "transit_encryption_enabled": True, "kms_key_id": key}
    assert Testing.to_have_resource_with_properties(received, "aws_elasticache_replication_group", redis)
    rtypes = ("aws_db_instance", "aws_elasticache_replication_group")
    assert counts(synth, name, *rtypes) == dict.fromkeys(rtypes, 1)
    every = synth.resources(name, "aws_cloudwatch_log_group").values()
    groups = [g for g in every if not g["name"].startswith("aws-waf-logs-")]  # tests/modules/test_waf.py
    assert len(groups) == 4  # flow logs, API access logs, postgresql and upgrade logs
    assert all(g["kms_key_id"] == key for g in groups)  # every one


def test_vpc_resolves_dns_and_nat_ips_use_domain_vpc(synth: Synth) -> None:
    received, network = synth.file(DEV), RECORDS["dev"].healthcare_api.network
    vpc = {"cidr_block": network.vpc_cidr, "enable_dns_support": True}
    assert Testing.to_have_resource_with_properties(received, "aws_vpc", {**vpc, "enable_dns_hostnames": True})
    assert Testing.to_have_resource_with_properties(received, "aws_eip", {"domain": "vpc"})
    assert "vpc" not in synth.only(DEV, "aws_eip")  # the deprecated argument: absent, by hand
    assert len(synth.resources("healthcare-api-prod", "aws_eip")) == 3
    for zone in network.availability_zones:
        for tier in ("public", "private"):
            subnet = {"availability_zone": zone, "tags": {"Tier": tier}}
            assert Testing.to_have_resource_with_properties(received, "aws_subnet", subnet), (zone, tier)
    assert counts(synth, DEV, "aws_subnet") == {"aws_subnet": 2 * len(network.availability_zones)}


@pytest.mark.parametrize("env", ENVS)
def test_database_settings_per_environment(synth: Synth, env: str) -> None:
    record = RECORDS[env]
    database, protected = record.healthcare_api.database, record.deletion_protection
    expected = {
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
    }
    assert Testing.to_have_resource_with_properties(synth.file(f"healthcare-api-{env}"), "aws_db_instance", expected)
    wrong = {**expected, "multi_az": not database.multi_az}
    assert not Testing.to_have_resource_with_properties(synth.file(f"healthcare-api-{env}"), "aws_db_instance", wrong)
    # absent keys: a subset matcher cannot say "not there", so these stay on the JSON
    db = synth.only(f"healthcare-api-{env}", "aws_db_instance")
    assert db.get("final_snapshot_identifier") == (f"healthcare-api-db-{env}-final" if protected else None)
    assert "password" not in db


def test_database_forces_tls_and_sits_in_private_subnets(synth: Synth) -> None:
    params = {p["name"]: p["value"] for p in synth.only(DEV, "aws_db_parameter_group")["parameter"]}
    assert params["rds.force_ssl"] == "1"
    family = f"postgres{RECORDS['dev'].healthcare_api.database.engine_version.split('.')[0]}"
    assert Testing.to_have_resource_with_properties(synth.file(DEV), "aws_db_parameter_group", {"family": family})
    private = [
        f"${{aws_subnet.{k}.id}}"
        for k, v in synth.resources(DEV, "aws_subnet").items()
        if v["tags"]["Tier"] == "private"
    ]
    assert Testing.to_have_resource_with_properties(synth.file(DEV), "aws_db_subnet_group", {"subnet_ids": private})
    assert counts(synth, DEV, "aws_db_subnet_group") == {"aws_db_subnet_group": 1}


def test_data_tier_admits_no_client_until_a_backend_exists(synth: Synth) -> None:
    """GET /health is a MOCK integration: nothing may reach PostgreSQL or Redis yet (no unattached stand-in group)."""
    received = synth.file(DEV)
    for name in ("healthcare-api-db-dev-db", "healthcare-api-redis-dev-redis"):
        vpc = ref(synth, DEV, "aws_vpc", "id")
        assert Testing.to_have_resource_with_properties(received, "aws_security_group", {"name": name, "vpc_id": vpc})
    assert counts(synth, DEV, "aws_security_group") == {"aws_security_group": 2}  # these two alone
    assert not Testing.to_have_resource(received, "aws_vpc_security_group_ingress_rule")
    assert not Testing.to_have_resource(received, "aws_vpc_security_group_egress_rule")


@pytest.mark.parametrize("env", ENVS)
def test_redis_arguments_per_environment(synth: Synth, env: str) -> None:
    name, cache = f"healthcare-api-{env}", RECORDS[env].healthcare_api.cache
    expected = {
        "engine": "redis",
        "engine_version": cache.engine_version,
        "node_type": cache.node_type,
        "num_cache_clusters": cache.num_cache_clusters,
        "automatic_failover_enabled": cache.automatic_failover,
        "multi_az_enabled": cache.multi_az,
        "user_group_ids": [ref(synth, name, "aws_elasticache_user_group", "user_group_id")],
    }
    assert Testing.to_have_resource_with_properties(synth.file(name), "aws_elasticache_replication_group", expected)
    redis = synth.only(name, "aws_elasticache_replication_group")  # the only one; its text and absent keys by hand
    assert redis["description"].startswith(f"healthcare-api-redis-{env}:")
    assert not {"replication_group_description", "auth_token_enabled", "auth_token", "cluster_mode"} & set(redis)


def test_redis_users_default_off_and_application_by_iam(synth: Synth) -> None:
    received = synth.file(DEV)
    assert Testing.to_have_resource_with_properties(
        received, "aws_elasticache_user", {"user_name": "default", "access_string": "off -@all"}
    )
    app = "healthcare-api-redis-dev-app"
    iam = {"authentication_mode": {"type": "iam"}}
    assert Testing.to_have_resource_with_properties(
        received, "aws_elasticache_user", {"user_name": app, "user_id": app} | iam
    )
    users = {u["user_name"]: u for u in synth.resources(DEV, "aws_elasticache_user").values()}
    assert exactly(users[app], iam)


def test_redis_endpoint_output_is_the_primary_endpoint(synth: Synth) -> None:
    output = synth.json(DEV)["output"]["redis_primary_endpoint_address"]
    assert output["value"] == ref(synth, DEV, "aws_elasticache_replication_group", "primary_endpoint_address")


def test_integration_response_depends_on_the_integration(synth: Synth) -> None:
    (integration,) = synth.resources(DEV, "aws_api_gateway_integration")
    (method_response,) = synth.resources(DEV, "aws_api_gateway_method_response")
    depends_on = [
        f"aws_api_gateway_integration.{integration}",
        f"aws_api_gateway_method_response.{method_response}",
    ]
    assert Testing.to_have_resource_with_properties(
        synth.file(DEV), "aws_api_gateway_integration_response", {"status_code": "200", "depends_on": depends_on}
    )
    assert counts(synth, DEV, "aws_api_gateway_integration_response") == {"aws_api_gateway_integration_response": 1}
    for rtype, properties in (
        ("aws_api_gateway_integration", {"type": "MOCK"}),
        ("aws_api_gateway_resource", {"path_part": "health"}),
        ("aws_api_gateway_method", {"http_method": "GET", "authorization": "AWS_IAM"}),
        ("aws_api_gateway_method_response", {"status_code": "200"}),
    ):
        assert Testing.to_have_resource_with_properties(synth.file(DEV), rtype, properties), rtype


def test_deployment_redeploys_when_the_api_changes(synth: Synth) -> None:
    from modules import rest_api  # pylint: disable=import-outside-toplevel

    redeployment = rest_api.definition_hash()
    expected = {"triggers": {"redeployment": redeployment}, "lifecycle": {"create_before_destroy": True}}
    assert Testing.to_have_resource_with_properties(synth.file(DEV), "aws_api_gateway_deployment", expected)
    assert exactly(synth.only(DEV, "aws_api_gateway_deployment"), expected)  # the only one, exactly these
    changed = dict(rest_api.HEALTH, status_code="204")
    original = rest_api.HEALTH
    try:
        rest_api.HEALTH = changed
        assert rest_api.definition_hash() != redeployment
    finally:
        rest_api.HEALTH = original


@pytest.mark.parametrize(
    "name,env,stage",
    [
        ("healthcare-api-dev", "dev", "dev"),
        ("healthcare-api-prod", "prod", "prod"),
        ("healthcare-api-staging", "staging", "staging"),
        (f"healthcare-api-dev-{EPHEMERAL_SUFFIX}", "dev", f"dev-{EPHEMERAL_SUFFIX}"),
    ],
)
def test_stage_settings(synth: Synth, name: str, env: str, stage: str) -> None:
    received, record = synth.file(name), RECORDS[env]
    settings, api_stage = record.healthcare_api, record.api_stage
    logs = {g["name"]: k for k, g in synth.resources(name, "aws_cloudwatch_log_group").items()}
    access = f"/aws/apigateway/healthcare-api-api-{stage}/access"
    certificates = synth.resources(name, "aws_api_gateway_client_certificate")
    cached = api_stage.cache_size_gb is not None  # staging and prod; not dev
    cache_cluster = {"cache_cluster_enabled": True, "cache_cluster_size": api_stage.cache_size_gb} if cached else {}
    certificate = (
        {"client_certificate_id": f"${{aws_api_gateway_client_certificate.{next(iter(certificates))}.id}}"}
        if api_stage.client_certificate
        else {}
    )
    expected = {
        "stage_name": stage,
        "xray_tracing_enabled": True,
        "access_log_settings": {"destination_arn": f"${{aws_cloudwatch_log_group.{logs[access]}.arn}}"},
    }
    assert Testing.to_have_resource_with_properties(
        received, "aws_api_gateway_stage", expected | cache_cluster | certificate
    )
    body = synth.only(name, "aws_api_gateway_stage")  # the only one; absent keys and the format text by hand
    assert json.loads(body["access_log_settings"]["format"])["requestId"] == "$context.requestId"
    for absent in {"cache_cluster_enabled", "cache_cluster_size"} - set(cache_cluster):
        assert absent not in body
    if not certificate:
        assert "client_certificate_id" not in body
    assert len(certificates) == (1 if api_stage.client_certificate else 0)
    retention = {"name": access, "retention_in_days": settings.audit_log_retention_days}
    assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_log_group", retention)
    cache = (
        {
            "cache_ttl_in_seconds": api_stage.cache_ttl_seconds,
            "require_authorization_for_cache_control": True,
            "unauthorized_cache_control_header_strategy": "FAIL_WITH_403",
        }
        if cached
        else {}
    )
    method = {
        "settings": {
            "metrics_enabled": True,
            "logging_level": "INFO",
            "data_trace_enabled": False,
            "throttling_rate_limit": settings.throttling_rate_limit,
            "throttling_burst_limit": settings.throttling_burst_limit,
            "caching_enabled": cached,
            "cache_data_encrypted": True,
        }
        | cache
    }
    assert Testing.to_have_resource_with_properties(
        received, "aws_api_gateway_method_settings", {"method_path": "*/*"} | method
    )
    assert exactly(synth.only(name, "aws_api_gateway_method_settings"), method)  # the only one, exactly these


def test_audit_logs_keep_the_records_retention(synth: Synth) -> None:
    stack = "healthcare-api-prod"
    days = RECORDS["prod"].healthcare_api.audit_log_retention_days
    names = (
        "/vpc/flow-logs/healthcare-api-vpc-prod",
        "aws-waf-logs-healthcare-api-waf-prod",
        "/aws/apigateway/healthcare-api-api-prod/access",
        "/aws/rds/instance/healthcare-api-db-prod/postgresql",
        "/aws/rds/instance/healthcare-api-db-prod/upgrade",
    )
    for name in names:
        group = {"name": name, "retention_in_days": days}
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_cloudwatch_log_group", group), name
    assert counts(synth, stack, "aws_cloudwatch_log_group") == {"aws_cloudwatch_log_group": len(names)}  # no other


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
    received = synth.file(DEV)
    role = ref(synth, DEV, "aws_iam_role", "arn", "LoggingRole")
    assert Testing.to_have_resource_with_properties(received, "aws_api_gateway_account", {"cloudwatch_role_arn": role})
    (account,) = synth.resources(DEV, "aws_api_gateway_account")  # the only one
    assert Testing.to_have_resource_with_properties(
        received, "aws_api_gateway_stage", {"depends_on": [f"aws_api_gateway_account.{account}"]}
    )
    ephemeral = synth.file(f"healthcare-api-dev-{EPHEMERAL_SUFFIX}")
    assert not Testing.to_have_resource(ephemeral, "aws_api_gateway_account")
