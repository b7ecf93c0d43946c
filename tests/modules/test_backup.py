"""AWS Backup of the stateful workloads (issue 18, modules/backup.py): in every environment with deletion protection
(prod) each stateful workload has a KMS-encrypted vault and a daily plan whose selection names exactly every Aurora
cluster, RDS instance and DynamoDB table of the stack; disaster-recovery backs up each region into its own vault and
copies the primary's recovery points into the DR vault. Elsewhere nothing is built and the clusters keep their
"no AWS Backup plan" suppression with the reason that holds there."""

from __future__ import annotations

from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import EPHEMERAL_SUFFIX, Synth, props_error
from tests.matching import policy_document

RECORDS = load_environments()
STATEFUL = ("aws_rds_cluster", "aws_db_instance", "aws_dynamodb_table")
WORKLOADS = ("disaster-recovery", "event-processing", "flask-api", "fraud-detection", "healthcare-api")
# workload -> {vault name in prod: region of its vault, plan and selection}
VAULTS = {
    "disaster-recovery": {
        "disaster-recovery-backup-prod": "us-east-1",
        "disaster-recovery-dr-backup-prod": "us-west-2",
    },
    "event-processing": {"event-processing-backup-prod": "us-east-1"},
    "flask-api": {"flask-api-backup-prod": "us-east-1"},
    "fraud-detection": {"fraud-detection-backup-prod": "us-east-1"},
    "healthcare-api": {"healthcare-api-backup-prod": "eu-west-1"},
}
BACKUP_TYPES = ("aws_backup_vault", "aws_backup_plan", "aws_backup_selection")
ACCOUNT = RECORDS["prod"].account_id
MANAGED = [
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
]


def regions(stack: dict[str, Any]) -> dict[str, str]:
    """provider reference ('aws', 'aws.dr', ...) -> region."""
    return {"aws" if p.get("alias") is None else f"aws.{p['alias']}": p["region"] for p in stack["provider"]["aws"]}


def region_of(stack: dict[str, Any], body: dict[str, Any]) -> str:
    return regions(stack)[body.get("provider", "aws")]


def backup_role(synth: Synth, stack: str) -> tuple[str, dict[str, Any]]:
    """(logical id, body) of the stack's one backup role."""
    ((role_id, role),) = [
        (r, b) for r, b in synth.resources(stack, "aws_iam_role").items() if b["name"].endswith("-backup-prod")
    ]
    return role_id, role


def by_name(synth: Synth, stack: str, rtype: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """{name: (logical id, body)} of every `rtype` resource."""
    return {body["name"]: (rid, body) for rid, body in synth.resources(stack, rtype).items()}


@pytest.mark.parametrize("workload", WORKLOADS)
def test_every_stateful_resource_of_prod_is_selected_in_its_own_region(synth: Synth, workload: str) -> None:
    """The expected set comes from the synthesized resources themselves: a table or database added to a stack
    without a backup fails here."""
    stack = f"{workload}-prod"
    data = synth.json(stack)
    stateful = {
        f"${{{rtype}.{rid}.arn}}": region_of(data, body)
        for rtype in STATEFUL
        for rid, body in synth.resources(stack, rtype).items()
    }
    assert stateful, f"{stack} has no stateful resource"
    selected: dict[str, str] = {}
    for selection in synth.resources(stack, "aws_backup_selection").values():
        for arn in selection["resources"]:
            assert arn not in selected, f"{arn} is selected twice"
            selected[arn] = region_of(data, selection)
    replicas = {arn: region for arn, region in selected.items() if arn.startswith("arn:aws:dynamodb:")}
    assert {a: r for a, r in selected.items() if a not in replicas} == stateful
    if workload == "disaster-recovery":  # the DR region also backs up its replica of the sessions table
        (table_id,) = synth.resources(stack, "aws_dynamodb_table")
        name = f"${{aws_dynamodb_table.{table_id}.name}}"
        assert replicas == {f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/{name}": "us-west-2"}
    else:
        assert replicas == {}


def assert_vault_key(received: str, data: dict[str, Any], key: dict[str, Any], region: str, role: str) -> None:
    """A vault's key: rotating, in the vault's region, administered by the account and usable by the backup role
    (grants for AWS resources only): its whole policy document."""
    uses = {
        "Sid": "BackupRoleUsesKey",
        "Effect": "Allow",
        "Principal": {"AWS": role},
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        "Resource": "*",
    }
    grants = {
        "Sid": "BackupRoleGrantsToAwsResources",
        "Effect": "Allow",
        "Principal": {"AWS": role},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
    }
    administers = {
        "Sid": "AccountAdministers",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    policy = policy_document(administers, uses, grants)
    assert Testing.to_have_resource_with_properties(
        received, "aws_kms_key", {"policy": policy, "enable_key_rotation": True}
    )
    any_grant = {k: v for k, v in grants.items() if k != "Condition"}  # grants for anything: not this key
    assert not Testing.to_have_resource_with_properties(
        received, "aws_kms_key", {"policy": policy_document(administers, uses, any_grant)}
    )
    assert key["policy"] == policy  # this vault's own key (disaster-recovery's two vault keys have one document)
    assert region_of(data, key) == region


def expected_rule(vaults: dict[str, Any], vault_id: str, name: str) -> dict[str, Any]:
    """The plan's one rule: daily into its vault, the prod record's schedule and retention; the disaster-recovery
    primary's copies each recovery point into the DR-region vault."""
    record = RECORDS["prod"]
    dr_vault = vaults.get("disaster-recovery-dr-backup-prod", ("",))[0]
    copies = [{"destination_vault_arn": f"${{aws_backup_vault.{dr_vault}.arn}}", "lifecycle": {"delete_after": 90}}]
    return {
        "rule_name": "daily",
        "target_vault_name": f"${{aws_backup_vault.{vault_id}.name}}",
        "schedule": record.backup.schedule,
        "start_window": 60,
        "completion_window": 480,
        "lifecycle": {"delete_after": record.backup.retention_days},
    } | ({"copy_action": copies} if name == "disaster-recovery-backup-prod" else {})


@pytest.mark.parametrize("workload", WORKLOADS)
def test_prod_vault_plan_and_selection_exact_values(synth: Synth, workload: str) -> None:
    stack = f"{workload}-prod"
    data = synth.json(stack)
    vaults = by_name(synth, stack, "aws_backup_vault")
    plans = by_name(synth, stack, "aws_backup_plan")
    selections = by_name(synth, stack, "aws_backup_selection")
    assert {n: region_of(data, b) for n, (_, b) in vaults.items()} == VAULTS[workload]
    assert set(plans) == set(selections) == set(VAULTS[workload])
    keys = synth.resources(stack, "aws_kms_key")
    role_id, _ = backup_role(synth, stack)
    role = f"${{aws_iam_role.{role_id}.arn}}"
    received = synth.file(stack)
    for name, region in VAULTS[workload].items():
        vault_id, vault = vaults[name]
        assert "force_destroy" not in vault
        key_id = vault["kms_key_arn"].split(".")[1]
        assert Testing.to_have_resource_with_properties(
            received, "aws_backup_vault", {"name": name, "kms_key_arn": f"${{aws_kms_key.{key_id}.arn}}"}
        )
        assert_vault_key(received, data, keys[key_id], region, role)
        plan_id, plan = plans[name]
        rule = expected_rule(vaults, vault_id, name)
        assert Testing.to_have_resource_with_properties(received, "aws_backup_plan", {"name": name, "rule": [rule]})
        assert not Testing.to_have_resource_with_properties(  # not with one more day of retention
            received,
            "aws_backup_plan",
            {
                "name": name,
                "rule": [{**rule, "lifecycle": {"delete_after": RECORDS["prod"].backup.retention_days + 1}}],
            },
        )
        assert plan["rule"] == [rule]  # exact: no other key in the rule (the matcher matches a block as a subset)
        assert region_of(data, plan) == region
        _, selection = selections[name]
        assert Testing.to_have_resource_with_properties(
            received,
            "aws_backup_selection",
            {"name": name, "plan_id": f"${{aws_backup_plan.{plan_id}.id}}", "iam_role_arn": role},
        )
        assert region_of(data, selection) == region
        assert not {"condition", "selection_tag", "not_resources"} & set(selection)
    assert (RECORDS["prod"].backup.schedule, RECORDS["prod"].backup.retention_days) == ("cron(0 23 ? * * *)", 90)


@pytest.mark.parametrize("workload", WORKLOADS)
def test_vault_regions_are_the_stacks_providers(synth: Synth, workload: str) -> None:
    """The providers `region_of` reads: each vault's region has one, pinned to the prod account."""
    stack = f"{workload}-prod"
    providers = regions(synth.json(stack))
    assert set(VAULTS[workload].values()) <= set(providers.values())
    for reference, region in providers.items():
        alias = {} if reference == "aws" else {"alias": reference.split(".", 1)[1]}
        provider = {**alias, "region": region, "allowed_account_ids": [ACCOUNT]}
        assert Testing.to_have_provider_with_properties(synth.file(stack), "aws", provider)
        elsewhere = {**provider, "region": "ap-south-1"}
        assert not Testing.to_have_provider_with_properties(synth.file(stack), "aws", elsewhere)


@pytest.mark.parametrize("workload", WORKLOADS)
def test_one_backup_role_per_stack_with_the_managed_backup_and_restore_policies(synth: Synth, workload: str) -> None:
    stack = f"{workload}-prod"
    role_id, role = backup_role(synth, stack)  # exactly one
    received = synth.file(stack)
    trust = policy_document(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "backup.amazonaws.com"}}
    )
    assert Testing.to_have_resource_with_properties(
        received, "aws_iam_role", {"name": f"{workload}-backup-prod", "assume_role_policy": trust}
    )
    assert role["name"] == f"{workload}-backup-prod"
    attached = sorted(
        a["policy_arn"]
        for a in synth.resources(stack, "aws_iam_role_policy_attachment").values()
        if a["role"] == f"${{aws_iam_role.{role_id}.name}}"
    )
    assert attached == MANAGED  # exactly these, the matchers below find each one
    for arn in MANAGED:
        assert Testing.to_have_resource_with_properties(
            received, "aws_iam_role_policy_attachment", {"role": f"${{aws_iam_role.{role_id}.name}}", "policy_arn": arn}
        )
    for attribute in ("name", "id"):  # no inline policy on the role
        assert not Testing.to_have_resource_with_properties(
            received, "aws_iam_role_policy", {"role": f"${{aws_iam_role.{role_id}.{attribute}}}"}
        )


@pytest.mark.parametrize("workload", WORKLOADS)
def test_prod_clusters_keep_no_backup_suppression(synth: Synth, workload: str) -> None:
    for body in synth.resources(f"{workload}-prod", "aws_rds_cluster").values():
        assert "CKV2_AWS_8" not in {s["id"] for s in body.get("//", {}).get("suppressions", [])}


@pytest.mark.parametrize("workload", WORKLOADS)
def test_no_backups_without_deletion_protection(synth: Synth, workload: str) -> None:
    assert RECORDS["dev"].deletion_protection is False
    for rtype in BACKUP_TYPES:
        assert not Testing.to_have_resource(synth.file(f"{workload}-dev"), rtype)


@pytest.mark.parametrize("workload", WORKLOADS)
def test_staging_is_protected_and_backed_up_like_prod(synth: Synth, workload: str) -> None:
    """staging's record sets deletion_protection: the same AWS Backup resources as prod, and no cluster of it keeps
    the "no AWS Backup plan" suppression."""
    assert RECORDS["staging"].deletion_protection is True
    for rtype in BACKUP_TYPES:
        assert Testing.to_have_resource(synth.file(f"{workload}-staging"), rtype)
        assert len(synth.resources(f"{workload}-staging", rtype)) == len(synth.resources(f"{workload}-prod", rtype))
    for body in synth.resources(f"{workload}-staging", "aws_rds_cluster").values():
        assert "CKV2_AWS_8" not in {s["id"] for s in body.get("//", {}).get("suppressions", [])}


@pytest.mark.parametrize(
    ("stack", "workload", "env"),
    [
        ("flask-api-dev", "flask_api", "dev"),
        (f"flask-api-dev-{EPHEMERAL_SUFFIX}", "flask_api", "dev"),
        ("fraud-detection-dev", "fraud_detection", "dev"),
        ("disaster-recovery-dev", "disaster_recovery", "dev"),
    ],
)
def test_unprotected_clusters_say_what_backs_them_up(synth: Synth, stack: str, workload: str, env: str) -> None:
    days = getattr(RECORDS[env], workload).database.backup_retention_days
    clusters = synth.resources(stack, "aws_rds_cluster").values()
    assert clusters
    for body in clusters:
        reasons = {s["id"]: s["reason"] for s in body["//"]["suppressions"]}
        assert reasons["CKV2_AWS_8"] == (
            "in no AWS Backup plan here: stacks add one where the record sets deletion_protection (modules/"
            "backup.py); this environment relies on Aurora's automated backups, point-in-time restore for the last "
            f"{days} days (backup_retention_days)"
        )
        assert Testing.to_have_resource_with_properties(
            synth.file(stack),
            "aws_rds_cluster",
            {"cluster_identifier": body["cluster_identifier"], "backup_retention_period": days},
        )


def test_props_are_checked_before_anything_is_built(synth: Synth) -> None:
    del synth  # loads the bindings
    from modules.backup import Backups, BackupsProps  # pylint: disable=import-outside-toplevel

    props = BackupsProps(
        name="x" * 51, account_id=ACCOUNT, schedule="rate(1 day)", retention_days=0, resources=(), arns=()
    )
    assert props_error(Backups, "B", props) == (
        "Backups B: 4 invalid prop(s):\n"
        f"  - name '{'x' * 51}': a vault, plan and selection name is 2-50 letters, digits, '-' and '_'\n"
        "  - schedule 'rate(1 day)' is not an AWS Backup cron expression like 'cron(0 23 ? * * *)'\n"
        "  - retention_days 0: AWS Backup keeps a recovery point 1 to 36500 days\n"
        "  - nothing to back up: give resources or arns"
    )
