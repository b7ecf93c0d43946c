"""disaster-recovery stack: exact synthesized values in every environment and the ephemeral copy."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from tests.conftest import EPHEMERAL_SUFFIX, Synth, props_error

ENVS = ("dev", "staging", "prod")
STACKS = [f"disaster-recovery-{e}" for e in ENVS] + [f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"]
DR_PROVIDER = "aws.dr"
LAG_MS = {"dev": 5000, "staging": 1000, "prod": 500}


def by_path(synth: Synth, stack: str, rtype: str) -> dict[str, dict[str, Any]]:
    """{construct path below the stack: body} of every `rtype` resource."""
    return {path: body for path, (_, body) in synth.by_path(stack, rtype).items()}


def logical(synth: Synth, stack: str, rtype: str, path: str) -> str:
    return synth.by_path(stack, rtype)[path][0]


@pytest.mark.parametrize("stack", STACKS)
def test_providers_are_the_primary_and_an_aliased_dr_region(synth: Synth, stack: str) -> None:
    providers = synth.json(stack)["provider"]["aws"]
    assert sorted((p["region"], p.get("alias")) for p in providers) == [("us-east-1", None), ("us-west-2", "dr")]


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_of_the_dr_site_uses_the_dr_provider(synth: Synth, stack: str) -> None:
    resources = synth.json(stack)["resource"]
    for rtype, items in resources.items():
        for body in items.values():
            path = body["//"]["metadata"]["path"].split("/", 1)[1]
            expected = DR_PROVIDER if path.startswith(("Dr/", "Failover/SecondaryDomain/")) else None
            if path.startswith("Monitoring/AuroraReplicationLag"):
                expected = DR_PROVIDER
            assert body.get("provider") == expected, f"{rtype} {path}"


@pytest.mark.parametrize("stack", STACKS)
def test_secondary_cluster_joins_the_global_cluster_after_the_writer(synth: Synth, stack: str) -> None:
    clusters = by_path(synth, stack, "aws_rds_cluster")
    primary, secondary = clusters["Primary/Database/Cluster"], clusters["Dr/Database/Cluster"]
    global_ref = "${aws_rds_global_cluster.GlobalDatabase.id}"
    assert primary["global_cluster_identifier"] == secondary["global_cluster_identifier"] == global_ref
    assert primary["master_username"] == "dradmin"
    assert "manage_master_user_password" not in primary and "master_user_secret_kms_key_id" not in primary
    assert not {"master_username", "manage_master_user_password", "database_name"} & set(secondary)
    writer = logical(synth, stack, "aws_rds_cluster_instance", "Primary/Database/Instance0")
    assert secondary["depends_on"] == [f"aws_rds_cluster_instance.{writer}"]
    assert secondary["kms_key_id"] == f"${{aws_kms_key.{logical(synth, stack, 'aws_kms_key', 'Dr/Key/Key')}.arn}}"
    glob = synth.only(stack, "aws_rds_global_cluster")
    assert (glob["engine"], glob["engine_version"], glob["storage_encrypted"]) == ("aurora-postgresql", "15.13", True)


@pytest.mark.parametrize("env", ENVS)
def test_protection_flags_come_from_the_record(synth: Synth, env: str) -> None:
    stack = f"disaster-recovery-{env}"
    protected = env != "dev"  # the records of staging and prod set deletion_protection
    skip = env == "dev"
    for cluster in synth.resources(stack, "aws_rds_cluster").values():
        assert (cluster["deletion_protection"], cluster["skip_final_snapshot"]) == (protected, skip)
    assert synth.only(stack, "aws_rds_global_cluster")["deletion_protection"] is protected
    assert synth.only(stack, "aws_dynamodb_table")["deletion_protection_enabled"] is protected
    instances = synth.resources(stack, "aws_rds_cluster_instance")
    assert len(instances) == (4 if env == "prod" else 2)
    assert {i["instance_class"] for i in instances.values()} == {"db.r6g.large"}


@pytest.mark.parametrize("env", ENVS)
def test_the_secondary_region_is_backed_up_in_a_vault_of_its_own(synth: Synth, env: str) -> None:
    """The global cluster's secondary and the table's replica are in a DR-region plan, and every primary recovery
    point is copied into the DR vault (issue 18); dev (no deletion_protection) has no AWS Backup."""
    stack = f"disaster-recovery-{env}"
    vaults, plans = by_path(synth, stack, "aws_backup_vault"), by_path(synth, stack, "aws_backup_plan")
    selections = by_path(synth, stack, "aws_backup_selection")
    if env == "dev":
        assert not vaults and not plans and not selections
        return
    assert sorted(vaults) == ["Dr/Backup/Vault", "Primary/Backup/Vault"]
    dr_vault = logical(synth, stack, "aws_backup_vault", "Dr/Backup/Vault")
    assert vaults["Dr/Backup/Vault"]["provider"] == DR_PROVIDER
    dr_plan, selection = plans["Dr/Backup/Plan"], selections["Dr/Backup/Selection"]
    assert (dr_plan["provider"], selection["provider"]) == (DR_PROVIDER, DR_PROVIDER)
    assert dr_plan["rule"][0]["target_vault_name"] == f"${{aws_backup_vault.{dr_vault}.name}}"
    assert (
        selection["plan_id"] == f"${{aws_backup_plan.{logical(synth, stack, 'aws_backup_plan', 'Dr/Backup/Plan')}.id}}"
    )
    secondary = logical(synth, stack, "aws_rds_cluster", "Dr/Database/Cluster")
    table = synth.only(stack, "aws_dynamodb_table")
    account = {"staging": "222222222222", "prod": "333333333333"}[env]
    assert selection["resources"][0] == f"${{aws_rds_cluster.{secondary}.arn}}"
    assert selection["resources"][1].startswith(f"arn:aws:dynamodb:us-west-2:{account}:table/${{aws_dynamodb_table.")
    assert table["replica"][0]["region_name"] == "us-west-2"
    (copy,) = plans["Primary/Backup/Plan"]["rule"][0]["copy_action"]
    assert copy["destination_vault_arn"] == f"${{aws_backup_vault.{dr_vault}.arn}}"


@pytest.mark.parametrize("env", ENVS)
def test_bucket_replication_rule(synth: Synth, env: str) -> None:
    stack = f"disaster-recovery-{env}"
    config = synth.only(stack, "aws_s3_bucket_replication_configuration")
    (rule,) = config["rule"]
    assert rule["delete_marker_replication"] == {"status": "Enabled"}
    assert rule["source_selection_criteria"] == {"sse_kms_encrypted_objects": {"status": "Enabled"}}
    assert rule["filter"] == {"prefix": ""}
    destination = rule["destination"]
    dr_bucket = logical(synth, stack, "aws_s3_bucket", "Dr/Data/Bucket")
    assert destination["bucket"] == f"${{aws_s3_bucket.{dr_bucket}.arn}}"
    dr_key = logical(synth, stack, "aws_kms_key", "Dr/Key/Key")
    assert destination["encryption_configuration"] == {"replica_kms_key_id": f"${{aws_kms_key.{dr_key}.arn}}"}
    assert destination["replication_time"]["status"] == ("Enabled" if env == "prod" else "Disabled")
    assert destination["metrics"] == {"status": "Enabled", "event_threshold": {"minutes": 15}}
    policy = json.loads(by_path(synth, stack, "aws_iam_role_policy")["Replication/Policy"]["policy"])
    actions = {s["Sid"]: s["Action"] for s in policy["Statement"]}
    assert actions["WriteReplicas"] == ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    assert all(s["Resource"] != "*" for s in policy["Statement"])


@pytest.mark.parametrize("stack", STACKS)
def test_table_replica_in_the_dr_region_with_its_key(synth: Synth, stack: str) -> None:
    table = synth.only(stack, "aws_dynamodb_table")
    dr_key = logical(synth, stack, "aws_kms_key", "Dr/Key/Key")
    assert table["replica"] == [
        {"region_name": "us-west-2", "kms_key_arn": f"${{aws_kms_key.{dr_key}.arn}}", "point_in_time_recovery": True}
    ]
    assert table["point_in_time_recovery"] == {"enabled": True}


DOMAINS = {"dev": "dr-dev.example.com", "staging": "dr-staging.example.com", "prod": "dr.example.com"}
SITES = (("Primary", "primary", None), ("Secondary", "dr", DR_PROVIDER))


@pytest.mark.parametrize("env", ENVS)
def test_failover_records_alias_the_regional_custom_domains_with_their_health_checks(synth: Synth, env: str) -> None:
    stack = f"disaster-recovery-{env}"
    records = by_path(synth, stack, "aws_route53_record")
    zone = logical(synth, stack, "aws_route53_zone", "Failover/Zone")
    for role, label, _ in SITES:
        domain = logical(synth, stack, "aws_api_gateway_domain_name", f"Failover/{role}Domain/DomainName")
        check_id = logical(synth, stack, "aws_route53_health_check", f"Failover/{role}HealthCheck")
        api = logical(synth, stack, "aws_api_gateway_rest_api", f"{'Dr' if label == 'dr' else 'Primary'}/Api/Api")
        record = dict(records[f"Failover/{role}Record"])
        del record["//"]
        assert record == {
            "zone_id": f"${{aws_route53_zone.{zone}.zone_id}}",
            "name": f"api.{DOMAINS[env]}",
            "type": "A",
            "alias": {
                "name": f"${{aws_api_gateway_domain_name.{domain}.regional_domain_name}}",
                "zone_id": f"${{aws_api_gateway_domain_name.{domain}.regional_zone_id}}",
                "evaluate_target_health": False,
            },
            "set_identifier": label,
            "health_check_id": f"${{aws_route53_health_check.{check_id}.id}}",
            "failover_routing_policy": {"type": role.upper()},
        }
        del api  # the health checks watch each site's alarm (tests/stacks/disaster_recovery/test_health.py)


@pytest.mark.parametrize("env", ENVS)
def test_each_region_serves_the_failover_name_with_its_own_certificate(synth: Synth, env: str) -> None:
    """API Gateway Developer Guide, "Set up a Regional custom domain name": the certificate of a regional custom
    domain must be in the API's region. One ACM certificate per region, the domain name (TLS 1.2) and the mapping of
    the whole domain to the stage all through that region's provider."""
    stack = f"disaster-recovery-{env}"
    name = f"api.{DOMAINS[env]}"
    for role, label, provider in SITES:
        site = "Dr" if label == "dr" else "Primary"
        cert = logical(synth, stack, "aws_acm_certificate", f"Failover/{role}Domain/Certificate")
        issued = logical(synth, stack, "aws_acm_certificate_validation", f"Failover/{role}Domain/CertificateIssued")
        domain = logical(synth, stack, "aws_api_gateway_domain_name", f"Failover/{role}Domain/DomainName")
        body = synth.resources(stack, "aws_acm_certificate")[cert]
        assert (body["domain_name"], body["validation_method"], body.get("provider")) == (name, "DNS", provider)
        assert body["lifecycle"] == {"create_before_destroy": True}
        assert body["options"] == {"certificate_transparency_logging_preference": "ENABLED"}
        body = synth.resources(stack, "aws_api_gateway_domain_name")[domain]
        assert {k: v for k, v in body.items() if k not in ("//", "tags")} == {
            "domain_name": name,
            "endpoint_configuration": {"types": ["REGIONAL"]},
            "regional_certificate_arn": f"${{aws_acm_certificate_validation.{issued}.certificate_arn}}",
            "security_policy": "TLS_1_2",
        } | ({"provider": provider} if provider else {})
        (mapping,) = [
            b
            for p, b in by_path(synth, stack, "aws_api_gateway_base_path_mapping").items()
            if p.startswith(f"Failover/{role}")
        ]
        api = logical(synth, stack, "aws_api_gateway_rest_api", f"{site}/Api/Api")
        stage = logical(synth, stack, "aws_api_gateway_stage", f"{site}/Api/Stage")
        assert {k: v for k, v in mapping.items() if k != "//"} == {
            "api_id": f"${{aws_api_gateway_rest_api.{api}.id}}",
            "domain_name": f"${{aws_api_gateway_domain_name.{domain}.domain_name}}",
            "stage_name": f"${{aws_api_gateway_stage.{stage}.stage_name}}",
        } | ({"provider": provider} if provider else {})


@pytest.mark.parametrize("env", ENVS)
def test_one_validation_record_validates_both_regions_certificates(synth: Synth, env: str) -> None:
    """ACM User Guide, "DNS validation": the CNAME of a domain name is the same for every certificate of the account,
    in every region; a second record of the same name would be a second owner of one record."""
    stack = f"disaster-recovery-{env}"
    zone = logical(synth, stack, "aws_route53_zone", "Failover/Zone")
    cert = logical(synth, stack, "aws_acm_certificate", "Failover/PrimaryDomain/Certificate")
    (record_id,) = [k for k, b in synth.resources(stack, "aws_route53_record").items() if "CertificateValidation" in k]
    record = synth.resources(stack, "aws_route53_record")[record_id]
    option = f"tolist(aws_acm_certificate.{cert}.domain_validation_options).0"
    assert {k: v for k, v in record.items() if k != "//"} == {
        "zone_id": f"${{aws_route53_zone.{zone}.zone_id}}",
        "name": f"${{{option}.resource_record_name}}",
        "type": f"${{{option}.resource_record_type}}",
        "records": [f"${{{option}.resource_record_value}}"],
        "ttl": 60,
        "allow_overwrite": True,
    }
    validations = synth.resources(stack, "aws_acm_certificate_validation").values()
    assert [v["validation_record_fqdns"] for v in validations] == [[f"${{aws_route53_record.{record_id}.fqdn}}"]] * 2


def test_outputs_name_the_https_endpoint_and_each_regions_certificate(synth: Synth) -> None:
    outputs = synth.json("disaster-recovery-dev")["output"]
    assert outputs["api_url"]["value"] == "https://api.dr-dev.example.com/health"
    for role, label, _ in SITES:
        issued = logical(
            synth, "disaster-recovery-dev", "aws_acm_certificate_validation", f"Failover/{role}Domain/CertificateIssued"
        )
        domain = logical(
            synth, "disaster-recovery-dev", "aws_api_gateway_domain_name", f"Failover/{role}Domain/DomainName"
        )
        assert outputs[f"{label}_certificate_arn"]["value"] == (
            f"${{aws_acm_certificate_validation.{issued}.certificate_arn}}"
        )
        assert outputs[f"{label}_regional_domain_name"]["value"] == (
            f"${{aws_api_gateway_domain_name.{domain}.regional_domain_name}}"
        )


@pytest.mark.parametrize("env", ENVS)
def test_lag_alarms_at_the_record_thresholds(synth: Synth, env: str) -> None:
    stack = f"disaster-recovery-{env}"
    alarms = {
        a["alarm_name"].removeprefix(f"disaster-recovery-dr-{env}-"): a
        for a in synth.resources(stack, "aws_cloudwatch_metric_alarm").values()
    }
    lag = alarms["aurora-replication-lag"]
    assert (lag["metric_name"], lag["threshold"], lag["provider"]) == (
        "AuroraGlobalDBReplicationLag",
        LAG_MS[env],
        DR_PROVIDER,
    )
    secondary = logical(synth, stack, "aws_rds_cluster", "Dr/Database/Cluster")
    assert lag["dimensions"] == {"DBClusterIdentifier": f"${{aws_rds_cluster.{secondary}.cluster_identifier}}"}
    assert alarms["dynamodb-replication-latency"]["dimensions"]["ReceivingRegion"] == "us-west-2"
    assert alarms["s3-replication-failed"]["metric_name"] == "OperationsFailedReplication"
    for label in ("primary", "dr"):
        health = alarms[f"{label}-health-check"]
        assert (health["comparison_operator"], health["threshold"], health["treat_missing_data"]) == (
            "LessThanThreshold",
            1,
            "breaching",
        )


@pytest.mark.parametrize("stack", STACKS)
def test_vpc_blocks_do_not_overlap(synth: Synth, stack: str) -> None:
    blocks = [ipaddress.IPv4Network(v["cidr_block"]) for v in synth.resources(stack, "aws_vpc").values()]
    assert len(blocks) == 2 and not blocks[0].overlaps(blocks[1])


def test_ephemeral_copy_has_its_own_names(synth: Synth) -> None:
    stack = f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"
    assert (
        synth.only(stack, "aws_rds_global_cluster")["global_cluster_identifier"]
        == f"disaster-recovery-global-db-dev-{EPHEMERAL_SUFFIX}"
    )
    assert all(b["force_destroy"] for b in synth.resources(stack, "aws_s3_bucket").values())


def ephemeral_password(stack: str) -> str:
    name = stack.replace("disaster-recovery-", "disaster_recovery_primary_db_").replace("-", "_")
    return f"ephemeral.aws_secretsmanager_random_password.{name}_master_password"


@pytest.mark.parametrize("stack", STACKS)
def test_global_primary_password_is_generated_at_apply_and_written_write_only(synth: Synth, stack: str) -> None:
    """Aurora guide, "Limitations for Secrets Manager integration": no managed master password for clusters of a
    global database. The password comes from an ephemeral resource and goes only into write-only arguments."""
    password = ephemeral_password(stack)
    ephemeral = synth.json(stack)["ephemeral"]["aws_secretsmanager_random_password"]
    assert ephemeral == {
        password.split(".")[2]: {
            "password_length": 32,
            "exclude_characters": "/@\"' \\",
            "require_each_included_type": True,
        }
    }
    primary = by_path(synth, stack, "aws_rds_cluster")["Primary/Database/Cluster"]
    value = f"{password}.random_password"
    assert (primary["master_password_wo"], primary["master_password_wo_version"]) == (f"${{{value}}}", 1)
    assert "master_password" not in primary
    (version,) = synth.resources(stack, "aws_secretsmanager_secret_version").values()
    secret = logical(synth, stack, "aws_secretsmanager_secret", "Primary/Database/MasterSecret")
    assert version["secret_id"] == f"${{aws_secretsmanager_secret.{secret}.id}}"
    assert version["secret_string_wo"] == f'${{jsonencode({{username = "dradmin", password = {value}}})}}'
    assert version["secret_string_wo_version"] == 1 and "secret_string" not in version


@pytest.mark.parametrize("stack", STACKS)
def test_master_secret_is_replicated_to_the_dr_region_with_the_dr_key(synth: Synth, stack: str) -> None:
    (secret,) = synth.resources(stack, "aws_secretsmanager_secret").values()
    key = {
        site: f"${{aws_kms_key.{logical(synth, stack, 'aws_kms_key', f'{site}/Key/Key')}.arn}}"
        for site in ("Primary", "Dr")
    }
    assert secret["kms_key_id"] == key["Primary"]
    assert secret["replica"] == [{"region": "us-west-2", "kms_key_id": key["Dr"]}]
    assert secret["recovery_window_in_days"] == (0 if stack.endswith(EPHEMERAL_SUFFIX) else 30)
    assert secret["name"] == stack.replace("disaster-recovery-", "disaster-recovery-primary-db-") + "-master"
    secret_id = logical(synth, stack, "aws_secretsmanager_secret", "Primary/Database/MasterSecret")
    assert synth.json(stack)["output"]["db_secret_arn"]["value"] == f"${{aws_secretsmanager_secret.{secret_id}.arn}}"


@pytest.mark.parametrize("stack", STACKS)
def test_no_password_text_in_the_synthesized_json(synth: Synth, stack: str) -> None:
    text = json.dumps(synth.json(stack))
    assert '"master_password":' not in text and '"secret_string":' not in text
    assert '"manage_master_user_password"' not in text


@pytest.mark.parametrize("env", ENVS)
def test_api_gateway_account_has_a_cloudwatch_role_in_both_regions(synth: Synth, env: str) -> None:
    """API Gateway needs the account-level CloudWatch Logs role in every region whose stages log (per region)."""
    stack = f"disaster-recovery-{env}"
    accounts = by_path(synth, stack, "aws_api_gateway_account")
    assert sorted(accounts) == ["Dr/Api/Account", "Primary/Api/Account"]
    roles = by_path(synth, stack, "aws_iam_role")
    for site, provider in (("Primary", None), ("Dr", DR_PROVIDER)):
        role = logical(synth, stack, "aws_iam_role", f"{site}/Api/LoggingRole")
        assert accounts[f"{site}/Api/Account"]["cloudwatch_role_arn"] == f"${{aws_iam_role.{role}.arn}}"
        assert accounts[f"{site}/Api/Account"].get("provider") == provider
        assert json.loads(roles[f"{site}/Api/LoggingRole"]["assume_role_policy"])["Statement"][0]["Principal"] == {
            "Service": "apigateway.amazonaws.com"
        }
        stage = by_path(synth, stack, "aws_api_gateway_stage")[f"{site}/Api/Stage"]
        account = logical(synth, stack, "aws_api_gateway_account", f"{site}/Api/Account")
        assert stage["depends_on"] == [f"aws_api_gateway_account.{account}"]


def test_ephemeral_copy_reuses_the_account_setting_of_its_environment(synth: Synth) -> None:
    assert not synth.resources(f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}", "aws_api_gateway_account")


def test_bucket_replication_refuses_a_replica_in_its_source_region(synth: Synth) -> None:
    """The rule the records check for dr_region (config/limits.py another_region), with the same message."""
    from modules.bucket_replication import (  # pylint: disable=import-outside-toplevel
        BucketReplication,
        BucketReplicationProps,
    )

    del synth  # the bindings are loaded
    props = BucketReplicationProps(
        role_name="r",
        account_id="111111111111",
        source_bucket_id="b",
        source_bucket_arn="arn:aws:s3:::b",
        source_kms_key_arn="k",
        source_region="us-east-1",
        replica_bucket_arn="arn:aws:s3:::c",
        replica_kms_key_arn="k2",
        replica_region="us-east-1",
        replication_time_control=False,
    )
    assert props_error(BucketReplication, "Replication", props) == (
        "BucketReplication Replication: 1 invalid prop(s):\n"
        "  - replica_region: 'us-east-1' is also source_region; a replica must be in another region"
    )
