"""disaster-recovery stack: exact synthesized values in every environment and the ephemeral copy (the values with
cdktf's Testing matchers; how a match is kept exact: tests/matching.py)."""

from __future__ import annotations

import ipaddress
import json

import pytest
from cdktf import Testing

from tests.conftest import EPHEMERAL_SUFFIX, Synth, props_error
from tests.matching import exactly
from tests.stacks.disaster_recovery import (
    DR_PROVIDER,
    RECORDS,
    alone,
    arguments,
    body,
    logical,
    on,
    ref,
    region,
    settings,
)

ENVS = ("dev", "staging", "prod")
STACKS = [f"disaster-recovery-{e}" for e in ENVS] + [f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"]
# (failover role, site label, provider)
SITES = (("Primary", "primary", None), ("Secondary", "dr", DR_PROVIDER))
GLOBAL_CLUSTER = "${aws_rds_global_cluster.GlobalDatabase.id}"


def site_of(label: str) -> str:
    """The construct of a site: `Primary` or `Dr`."""
    return "Dr" if label == "dr" else "Primary"


def key(synth: Synth, stack: str, site: str) -> str:
    """The ARN reference of the site's data key (`Primary/Key/Key`, `Dr/Key/Key`)."""
    return ref(synth, stack, "aws_kms_key", f"{site}/Key/Key", "arn")


@pytest.mark.parametrize("stack", STACKS)
def test_providers_are_the_primary_and_an_aliased_dr_region(synth: Synth, stack: str) -> None:
    account = [RECORDS[stack.split("-")[2]].account_id]
    primary, dr = region(stack, "primary"), region(stack, "dr")
    received = synth.file(stack)
    assert Testing.to_have_provider_with_properties(
        received, "aws", {"region": primary, "allowed_account_ids": account}
    )
    assert Testing.to_have_provider_with_properties(
        received, "aws", {"region": dr, "alias": "dr", "allowed_account_ids": account}
    )
    assert not Testing.to_have_provider_with_properties(received, "aws", {"region": primary, "alias": "dr"})
    # exactly these two, the primary one without an alias
    providers = synth.json(stack)["provider"]["aws"]
    assert sorted((p["region"], p.get("alias")) for p in providers) == [(primary, None), (dr, "dr")]


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_of_the_dr_site_uses_the_dr_provider(synth: Synth, stack: str) -> None:
    resources = synth.json(stack)["resource"]
    for rtype, items in resources.items():
        for found in items.values():
            path = found["//"]["metadata"]["path"].split("/", 1)[1]
            expected = DR_PROVIDER if path.startswith(("Dr/", "Failover/SecondaryDomain/")) else None
            if path.startswith("Monitoring/AuroraReplicationLag"):
                expected = DR_PROVIDER
            assert found.get("provider") == expected, f"{rtype} {path}"


@pytest.mark.parametrize("stack", STACKS)
def test_secondary_cluster_joins_the_global_cluster_after_the_writer(synth: Synth, stack: str) -> None:
    received, database = synth.file(stack), settings(stack).database
    assert Testing.to_have_resource_with_properties(
        received,
        "aws_rds_cluster",
        {
            "global_cluster_identifier": GLOBAL_CLUSTER,
            "master_username": database.master_username,
            "kms_key_id": key(synth, stack, "Primary"),
        },
    )
    writer = logical(synth, stack, "aws_rds_cluster_instance", "Primary/Database/Instance0")
    assert Testing.to_have_resource_with_properties(
        received,
        "aws_rds_cluster",
        {
            "global_cluster_identifier": GLOBAL_CLUSTER,
            "depends_on": [f"aws_rds_cluster_instance.{writer}"],
            "kms_key_id": key(synth, stack, "Dr"),
            "provider": DR_PROVIDER,
        },
    )
    # absent keys: a matcher cannot say "not there"
    primary, secondary = (body(synth, stack, "aws_rds_cluster", f"{s}/Database/Cluster") for s in ("Primary", "Dr"))
    assert "manage_master_user_password" not in primary and "master_user_secret_kms_key_id" not in primary
    assert not {"master_username", "manage_master_user_password", "database_name"} & set(secondary)
    glob = {"engine": "aurora-postgresql", "engine_version": database.engine_version, "storage_encrypted": True}
    assert Testing.to_have_resource_with_properties(received, "aws_rds_global_cluster", glob)
    assert len(synth.resources(stack, "aws_rds_global_cluster")) == 1


@pytest.mark.parametrize("env", ENVS)
def test_protection_flags_come_from_the_record(synth: Synth, env: str) -> None:
    stack, record = f"disaster-recovery-{env}", RECORDS[env]
    protected, skip = record.deletion_protection, record.disaster_recovery.skip_final_snapshot
    received = synth.file(stack)
    for cluster in synth.resources(stack, "aws_rds_cluster").values():  # both clusters
        assert (cluster["deletion_protection"], cluster["skip_final_snapshot"]) == (protected, skip)
    assert Testing.to_have_resource_with_properties(
        received, "aws_rds_global_cluster", {"deletion_protection": protected}
    )
    assert Testing.to_have_resource_with_properties(
        received, "aws_dynamodb_table", {"deletion_protection_enabled": protected}
    )
    assert not Testing.to_have_resource_with_properties(
        received, "aws_dynamodb_table", {"deletion_protection_enabled": not protected}
    )
    database = record.disaster_recovery.database
    instances = synth.resources(stack, "aws_rds_cluster_instance")  # every instance of both clusters
    assert len(instances) == 2 * database.instance_count
    assert {i["instance_class"] for i in instances.values()} == {database.instance_class}


@pytest.mark.parametrize("env", ENVS)
def test_the_secondary_region_is_backed_up_in_a_vault_of_its_own(synth: Synth, env: str) -> None:
    """The global cluster's secondary and the table's replica are in a DR-region plan, and every primary recovery
    point is copied into the DR vault (issue 18); dev (no deletion_protection) has no AWS Backup."""
    stack, received = f"disaster-recovery-{env}", synth.file(f"disaster-recovery-{env}")
    if not RECORDS[env].deletion_protection:
        for rtype in ("aws_backup_vault", "aws_backup_plan", "aws_backup_selection"):
            assert not Testing.to_have_resource(received, rtype), rtype
        return
    assert sorted(synth.by_path(stack, "aws_backup_vault")) == ["Dr/Backup/Vault", "Primary/Backup/Vault"]
    dr_vault = logical(synth, stack, "aws_backup_vault", "Dr/Backup/Vault")
    dr_backup_key = ref(synth, stack, "aws_kms_key", "Dr/Backup/Key/Key", "arn")
    assert Testing.to_have_resource_with_properties(
        received, "aws_backup_vault", {"kms_key_arn": dr_backup_key, "provider": DR_PROVIDER}
    )
    assert Testing.to_have_resource_with_properties(
        received,
        "aws_backup_plan",
        {"provider": DR_PROVIDER, "rule": [{"target_vault_name": f"${{aws_backup_vault.{dr_vault}.name}}"}]},
    )
    table_id = next(iter(synth.resources(stack, "aws_dynamodb_table")))
    dr = region(stack, "dr")
    assert Testing.to_have_resource_with_properties(
        received,
        "aws_backup_selection",
        {
            "provider": DR_PROVIDER,
            "plan_id": ref(synth, stack, "aws_backup_plan", "Dr/Backup/Plan", "id"),
            "resources": [
                ref(synth, stack, "aws_rds_cluster", "Dr/Database/Cluster", "arn"),
                f"arn:aws:dynamodb:{dr}:{RECORDS[env].account_id}:table/${{aws_dynamodb_table.{table_id}.name}}",
            ],
        },
    )
    assert Testing.to_have_resource_with_properties(received, "aws_dynamodb_table", {"replica": [{"region_name": dr}]})
    primary_vault = ref(synth, stack, "aws_backup_vault", "Primary/Backup/Vault", "name")
    copy = {"destination_vault_arn": f"${{aws_backup_vault.{dr_vault}.arn}}"}
    assert Testing.to_have_resource_with_properties(
        received, "aws_backup_plan", {"rule": [{"target_vault_name": primary_vault, "copy_action": [copy]}]}
    )


@pytest.mark.parametrize("env", ENVS)
def test_bucket_replication_rule(synth: Synth, env: str) -> None:
    stack = f"disaster-recovery-{env}"
    exact = {
        "delete_marker_replication": {"status": "Enabled"},
        "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
        "filter": {"prefix": ""},
    }
    exact_destination = {
        "bucket": ref(synth, stack, "aws_s3_bucket", "Dr/Data/Bucket", "arn"),
        "encryption_configuration": {"replica_kms_key_id": key(synth, stack, "Dr")},
        "metrics": {"status": "Enabled", "event_threshold": {"minutes": 15}},
    }
    time_control = "Enabled" if settings(stack).replication_time_control else "Disabled"
    destination = exact_destination | {"replication_time": {"status": time_control}}
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_s3_bucket_replication_configuration", {"rule": [exact | {"destination": destination}]}
    )
    (rule,) = synth.only(stack, "aws_s3_bucket_replication_configuration")["rule"]  # one configuration, one rule
    assert exactly(rule, exact) and exactly(rule["destination"], exact_destination)
    policy = json.loads(body(synth, stack, "aws_iam_role_policy", "Replication/Policy")["policy"])
    actions = {s["Sid"]: s["Action"] for s in policy["Statement"]}
    assert actions["WriteReplicas"] == ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    assert all(s["Resource"] != "*" for s in policy["Statement"])


@pytest.mark.parametrize("stack", STACKS)
def test_table_replica_in_the_dr_region_with_its_key(synth: Synth, stack: str) -> None:
    expected = {
        "replica": [
            {"region_name": region(stack, "dr"), "kms_key_arn": key(synth, stack, "Dr"), "point_in_time_recovery": True}
        ],
        "point_in_time_recovery": {"enabled": True},
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_dynamodb_table", expected)
    assert exactly(synth.only(stack, "aws_dynamodb_table"), expected)  # the only table, exactly these


@pytest.mark.parametrize("env", ENVS)
def test_failover_records_alias_the_regional_custom_domains_with_their_health_checks(synth: Synth, env: str) -> None:
    stack = f"disaster-recovery-{env}"
    zone = ref(synth, stack, "aws_route53_zone", "Failover/Zone", "zone_id")
    for role, label, _ in SITES:
        domain = logical(synth, stack, "aws_api_gateway_domain_name", f"Failover/{role}Domain/DomainName")
        record = {
            "zone_id": zone,
            "name": f"api.{settings(stack).domain_name}",
            "type": "A",
            "alias": {
                "name": f"${{aws_api_gateway_domain_name.{domain}.regional_domain_name}}",
                "zone_id": f"${{aws_api_gateway_domain_name.{domain}.regional_zone_id}}",
                "evaluate_target_health": False,
            },
            "set_identifier": label,
            "health_check_id": ref(synth, stack, "aws_route53_health_check", f"Failover/{role}HealthCheck", "id"),
            "failover_routing_policy": {"type": role.upper()},
        }  # the health checks watch each site's alarm (tests/stacks/disaster_recovery/test_health.py)
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_route53_record", record)
        path = f"Failover/{role}Record"
        assert arguments(synth, stack, "aws_route53_record", path, ignore=("//",)) == sorted(record)
        assert exactly(body(synth, stack, "aws_route53_record", path), record)


@pytest.mark.parametrize("env", ENVS)
def test_each_region_serves_the_failover_name_with_its_own_certificate(synth: Synth, env: str) -> None:
    """API Gateway Developer Guide, "Set up a Regional custom domain name": the certificate of a regional custom
    domain must be in the API's region. One ACM certificate per region, the domain name (TLS 1.2) and the mapping of
    the whole domain to the stage all through that region's provider."""
    stack = f"disaster-recovery-{env}"
    name, received = f"api.{settings(stack).domain_name}", synth.file(stack)
    for role, label, provider in SITES:
        site = site_of(label)
        certificate = {
            "domain_name": name,
            "validation_method": "DNS",
            "lifecycle": {"create_before_destroy": True},
            "options": {"certificate_transparency_logging_preference": "ENABLED"},
        } | on(provider)
        path = f"Failover/{role}Domain/Certificate"
        # both certificates differ only by the provider: the matcher looks at this one alone
        assert Testing.to_have_resource_with_properties(
            alone(synth, stack, "aws_acm_certificate", path), "aws_acm_certificate", certificate
        )
        assert exactly(body(synth, stack, "aws_acm_certificate", path), certificate)
        assert body(synth, stack, "aws_acm_certificate", path).get("provider") == provider
        issued = f"Failover/{role}Domain/CertificateIssued"
        domain = {
            "domain_name": name,
            "endpoint_configuration": {"types": ["REGIONAL"]},
            "regional_certificate_arn": ref(synth, stack, "aws_acm_certificate_validation", issued, "certificate_arn"),
            "security_policy": "TLS_1_2",
        } | on(provider)
        assert Testing.to_have_resource_with_properties(received, "aws_api_gateway_domain_name", domain)
        path = f"Failover/{role}Domain/DomainName"
        assert arguments(synth, stack, "aws_api_gateway_domain_name", path) == sorted(domain)
        assert exactly(body(synth, stack, "aws_api_gateway_domain_name", path), domain)
        mapping = {
            "api_id": ref(synth, stack, "aws_api_gateway_rest_api", f"{site}/Api/Api", "id"),
            "domain_name": ref(synth, stack, "aws_api_gateway_domain_name", path, "domain_name"),
            "stage_name": ref(synth, stack, "aws_api_gateway_stage", f"{site}/Api/Stage", "stage_name"),
        } | on(provider)
        assert Testing.to_have_resource_with_properties(received, "aws_api_gateway_base_path_mapping", mapping)
        path = f"Failover/{role}Domain/Mapping"
        assert arguments(synth, stack, "aws_api_gateway_base_path_mapping", path, ignore=("//",)) == sorted(mapping)
    assert len(synth.resources(stack, "aws_api_gateway_base_path_mapping")) == len(SITES)


@pytest.mark.parametrize("env", ENVS)
def test_one_validation_record_validates_both_regions_certificates(synth: Synth, env: str) -> None:
    """ACM User Guide, "DNS validation": the CNAME of a domain name is the same for every certificate of the account,
    in every region; a second record of the same name would be a second owner of one record."""
    stack, received = f"disaster-recovery-{env}", synth.file(f"disaster-recovery-{env}")
    cert = logical(synth, stack, "aws_acm_certificate", "Failover/PrimaryDomain/Certificate")
    option = f"tolist(aws_acm_certificate.{cert}.domain_validation_options).0"
    record = {
        "zone_id": ref(synth, stack, "aws_route53_zone", "Failover/Zone", "zone_id"),
        "name": f"${{{option}.resource_record_name}}",
        "type": f"${{{option}.resource_record_type}}",
        "records": [f"${{{option}.resource_record_value}}"],
        "ttl": 60,
        "allow_overwrite": True,
    }
    assert Testing.to_have_resource_with_properties(received, "aws_route53_record", record)
    path = "Failover/PrimaryDomain/CertificateValidation"
    assert arguments(synth, stack, "aws_route53_record", path, ignore=("//",)) == sorted(record)
    assert [p for p in synth.by_path(stack, "aws_route53_record") if "CertificateValidation" in p] == [path]
    fqdn = ref(synth, stack, "aws_route53_record", path, "fqdn")
    for role, _, provider in SITES:
        certificate = ref(synth, stack, "aws_acm_certificate", f"Failover/{role}Domain/Certificate", "arn")
        validation = {"certificate_arn": certificate, "validation_record_fqdns": [fqdn]} | on(provider)
        assert Testing.to_have_resource_with_properties(received, "aws_acm_certificate_validation", validation)
    assert len(synth.resources(stack, "aws_acm_certificate_validation")) == len(SITES)


def test_outputs_name_the_https_endpoint_and_each_regions_certificate(synth: Synth) -> None:
    stack = "disaster-recovery-dev"
    outputs = synth.json(stack)["output"]
    assert outputs["api_url"]["value"] == f"https://api.{settings(stack).domain_name}/health"
    for role, label, _ in SITES:
        issued = f"Failover/{role}Domain/CertificateIssued"
        domain = f"Failover/{role}Domain/DomainName"
        assert outputs[f"{label}_certificate_arn"]["value"] == (
            ref(synth, stack, "aws_acm_certificate_validation", issued, "certificate_arn")
        )
        assert outputs[f"{label}_regional_domain_name"]["value"] == (
            ref(synth, stack, "aws_api_gateway_domain_name", domain, "regional_domain_name")
        )


@pytest.mark.parametrize("env", ENVS)
def test_lag_alarms_at_the_record_thresholds(synth: Synth, env: str) -> None:
    stack, received = f"disaster-recovery-{env}", synth.file(f"disaster-recovery-{env}")
    prefix = f"disaster-recovery-dr-{env}-"
    lag = {
        "alarm_name": f"{prefix}aurora-replication-lag",
        "metric_name": "AuroraGlobalDBReplicationLag",
        "threshold": settings(stack).alarms.aurora_replication_lag_ms,
        "provider": DR_PROVIDER,
        "dimensions": {
            "DBClusterIdentifier": ref(synth, stack, "aws_rds_cluster", "Dr/Database/Cluster", "cluster_identifier")
        },
    }
    assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", lag)
    (found,) = [
        a
        for a in synth.resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["alarm_name"] == lag["alarm_name"]
    ]
    assert exactly(found, {"dimensions": lag["dimensions"]})
    latency = {
        "alarm_name": f"{prefix}dynamodb-replication-latency",
        "dimensions": {"ReceivingRegion": region(stack, "dr")},
    }
    assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", latency)
    failed = {"alarm_name": f"{prefix}s3-replication-failed", "metric_name": "OperationsFailedReplication"}
    assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", failed)
    for label in ("primary", "dr"):
        health = {
            "alarm_name": f"{prefix}{label}-health-check",
            "comparison_operator": "LessThanThreshold",
            "threshold": 1,
            "treat_missing_data": "breaching",
        }
        assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", health)


@pytest.mark.parametrize("stack", STACKS)
def test_vpc_blocks_do_not_overlap(synth: Synth, stack: str) -> None:
    for site, network, provider in (
        ("Primary", settings(stack).primary_network, None),
        ("Dr", settings(stack).dr_network, DR_PROVIDER),
    ):
        vpc = {"cidr_block": network.vpc_cidr} | on(provider)
        assert Testing.to_have_resource_with_properties(
            alone(synth, stack, "aws_vpc", f"{site}/Network/Vpc"), "aws_vpc", vpc
        )
    blocks = [ipaddress.IPv4Network(v["cidr_block"]) for v in synth.resources(stack, "aws_vpc").values()]
    assert len(blocks) == 2 and not blocks[0].overlaps(blocks[1])


def test_ephemeral_copy_has_its_own_names(synth: Synth) -> None:
    stack = f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_rds_global_cluster",
        {"global_cluster_identifier": f"disaster-recovery-global-db-dev-{EPHEMERAL_SUFFIX}"},
    )
    assert all(b["force_destroy"] for b in synth.resources(stack, "aws_s3_bucket").values())  # every bucket


def ephemeral_password(stack: str) -> str:
    name = stack.replace("disaster-recovery-", "disaster_recovery_primary_db_").replace("-", "_")
    return f"ephemeral.aws_secretsmanager_random_password.{name}_master_password"


@pytest.mark.parametrize("stack", STACKS)
def test_global_primary_password_is_generated_at_apply_and_written_write_only(synth: Synth, stack: str) -> None:
    """Aurora guide, "Limitations for Secrets Manager integration": no managed master password for clusters of a
    global database. The password comes from an ephemeral resource and goes only into write-only arguments."""
    password = ephemeral_password(stack)
    ephemeral = synth.json(stack)["ephemeral"]["aws_secretsmanager_random_password"]  # not a resource: by hand
    assert ephemeral == {
        password.split(".")[2]: {
            "password_length": 32,
            "exclude_characters": "/@\"' \\",
            "require_each_included_type": True,
        }
    }
    received, value = synth.file(stack), f"{password}.random_password"
    username = settings(stack).database.master_username
    primary = {
        "master_password_wo": f"${{{value}}}",
        "master_password_wo_version": 1,
        "kms_key_id": key(synth, stack, "Primary"),
    }
    assert Testing.to_have_resource_with_properties(received, "aws_rds_cluster", primary)
    assert "master_password" not in body(synth, stack, "aws_rds_cluster", "Primary/Database/Cluster")
    version = {
        "secret_id": ref(synth, stack, "aws_secretsmanager_secret", "Primary/Database/MasterSecret", "id"),
        "secret_string_wo": f'${{jsonencode({{username = "{username}", password = {value}}})}}',
        "secret_string_wo_version": 1,
    }
    assert Testing.to_have_resource_with_properties(received, "aws_secretsmanager_secret_version", version)
    (found,) = synth.resources(stack, "aws_secretsmanager_secret_version").values()
    assert "secret_string" not in found


@pytest.mark.parametrize("stack", STACKS)
def test_master_secret_is_replicated_to_the_dr_region_with_the_dr_key(synth: Synth, stack: str) -> None:
    secret = {
        "kms_key_id": key(synth, stack, "Primary"),
        "replica": [{"region": region(stack, "dr"), "kms_key_id": key(synth, stack, "Dr")}],
        "recovery_window_in_days": 0 if stack.endswith(EPHEMERAL_SUFFIX) else 30,
        "name": stack.replace("disaster-recovery-", "disaster-recovery-primary-db-") + "-master",
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_secretsmanager_secret", secret)
    (found,) = synth.resources(stack, "aws_secretsmanager_secret").values()  # the only secret
    assert exactly(found, {"replica": secret["replica"]})
    assert synth.json(stack)["output"]["db_secret_arn"]["value"] == (
        ref(synth, stack, "aws_secretsmanager_secret", "Primary/Database/MasterSecret", "arn")
    )


@pytest.mark.parametrize("stack", STACKS)
def test_no_password_text_in_the_synthesized_json(synth: Synth, stack: str) -> None:
    text = json.dumps(synth.json(stack))
    assert '"master_password":' not in text and '"secret_string":' not in text
    assert '"manage_master_user_password"' not in text


@pytest.mark.parametrize("env", ENVS)
def test_api_gateway_account_has_a_cloudwatch_role_in_both_regions(synth: Synth, env: str) -> None:
    """API Gateway needs the account-level CloudWatch Logs role in every region whose stages log (per region)."""
    stack, received = f"disaster-recovery-{env}", synth.file(f"disaster-recovery-{env}")
    assert sorted(synth.by_path(stack, "aws_api_gateway_account")) == ["Dr/Api/Account", "Primary/Api/Account"]
    for site, provider in (("Primary", None), ("Dr", DR_PROVIDER)):
        role = ref(synth, stack, "aws_iam_role", f"{site}/Api/LoggingRole", "arn")
        assert Testing.to_have_resource_with_properties(
            received, "aws_api_gateway_account", {"cloudwatch_role_arn": role} | on(provider)
        )
        assert body(synth, stack, "aws_api_gateway_account", f"{site}/Api/Account").get("provider") == provider
        policy = json.loads(body(synth, stack, "aws_iam_role", f"{site}/Api/LoggingRole")["assume_role_policy"])
        assert policy["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}
        account = logical(synth, stack, "aws_api_gateway_account", f"{site}/Api/Account")
        assert Testing.to_have_resource_with_properties(
            received, "aws_api_gateway_stage", {"depends_on": [f"aws_api_gateway_account.{account}"]} | on(provider)
        )


def test_ephemeral_copy_reuses_the_account_setting_of_its_environment(synth: Synth) -> None:
    assert not Testing.to_have_resource(
        synth.file(f"disaster-recovery-dev-{EPHEMERAL_SUFFIX}"), "aws_api_gateway_account"
    )


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
