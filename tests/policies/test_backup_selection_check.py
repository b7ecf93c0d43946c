"""CKV_APP_014 (policies/checks/ckv_app_014_backup_selection.py) on real synthesized cdktf stacks: a prod stack whose
stateful resources are in AWS Backup selections of their region (through modules/backup.py, or a literal ARN) passes;
a resource in no selection, in a selection of another region, or listed and excluded again fails; a dev stack is not
judged. Run the way `make scan` runs it (policies.scan.evaluate: Checkov, then the stack rules), from the session's one
Checkov run (tests/policies/conftest.py `shared_scan`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policies.aws_rules import stack_results
from tests.policies.conftest import BuiltStacks, SharedScan, scanned_together

CHECK = "CKV_APP_014"
GOOD, BAD, DEV = "backfix-prod", "backfix-prod-bad", "backfix-dev"
# (stack, resource address) -> the verdict of CKV_APP_014
VERDICTS = {
    (GOOD, "aws_rds_cluster.cluster_selected"): "PASSED",
    (GOOD, "aws_db_instance.db_selected"): "PASSED",
    (GOOD, "aws_dynamodb_table.table_selected"): "PASSED",
    (GOOD, "aws_dynamodb_table.table_by_literal_arn"): "PASSED",
    (GOOD, "aws_dynamodb_table.dr_table_selected_in_dr"): "PASSED",
    (BAD, "aws_rds_cluster.cluster_in_no_selection"): "FAILED",
    (BAD, "aws_db_instance.db_in_no_selection"): "FAILED",
    (BAD, "aws_dynamodb_table.table_selected_in_other_region"): "FAILED",
    (BAD, "aws_rds_cluster.cluster_selected_and_excluded"): "FAILED",
    (BAD, "aws_dynamodb_table.table_suppressed"): "FAILED",
}


def _build(outdir: Path) -> None:
    # pylint: disable=import-outside-toplevel,too-many-locals
    from cdktf import App
    from cdktf_cdktf_provider_aws.backup_plan import BackupPlan, BackupPlanRule
    from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
    from cdktf_cdktf_provider_aws.backup_vault import BackupVault

    from config import load_catalog, load_environments
    from core.stack import WorkloadStack
    from core.suppress import suppress
    from modules.backup import Backups, BackupsProps
    from tests.policies.subjects import aurora_cluster, dynamodb_table, postgres_instance

    records, catalog = load_environments(), load_catalog()

    class Fixture(WorkloadStack):
        """A WorkloadStack (Environment tags, provider pinned to the account) named after the stack it tests."""

        workload = "backfix"
        description = "CKV_APP_014 fixtures"

    # Every subject is deletion-protected, as a prod stack's stateful resources must be.
    def cluster(stack: WorkloadStack, id_: str) -> Any:
        return aurora_cluster(stack, id_, deletion_protection=True)

    def instance(stack: WorkloadStack, id_: str) -> Any:
        return postgres_instance(stack, id_, deletion_protection=True)

    def table(stack: WorkloadStack, id_: str, **extra: Any) -> Any:
        return dynamodb_table(stack, id_, deletion_protection_enabled=True, **extra)

    app = App(outdir=str(outdir))
    prod = records["prod"]
    good = Fixture(app, env=prod, catalog=catalog)
    dr = good.aws_provider("AwsDr", "us-west-2", alias="dr")
    table(good, "table_by_literal_arn")
    backups = Backups(
        good,
        "Backup",
        props=BackupsProps(
            name=good.names.name("backup", max_length=50),
            account_id=prod.account_id,
            schedule=prod.backup.schedule,
            retention_days=prod.backup.retention_days,
            resources=(
                cluster(good, "cluster_selected"),
                instance(good, "db_selected"),
                table(good, "table_selected"),
            ),
            arns=(f"arn:aws:dynamodb:us-east-1:{prod.account_id}:table/{good.names.name('table-by-literal-arn')}",),
        ),
    )
    Backups(
        good,
        "DrBackup",
        props=BackupsProps(
            name=good.names.name("dr-backup", max_length=50),
            account_id=prod.account_id,
            schedule=prod.backup.schedule,
            retention_days=prod.backup.retention_days,
            resources=(table(good, "dr_table_selected_in_dr", provider=dr),),
            role=backups.role,
            provider=dr,
        ),
    )

    bad = Fixture(app, env=prod, catalog=catalog, suffix="bad")
    bad_dr = bad.aws_provider("AwsDr", "us-west-2", alias="dr")
    cluster(bad, "cluster_in_no_selection")
    instance(bad, "db_in_no_selection")
    suppress(table(bad, "table_suppressed"), CHECK, "fixture: a declared suppression of CKV_APP_014 is honoured")
    excluded = cluster(bad, "cluster_selected_and_excluded")
    Backups(
        bad,
        "DrBackup",
        props=BackupsProps(
            name=bad.names.name("dr-backup", max_length=50),
            account_id=prod.account_id,
            schedule=prod.backup.schedule,
            retention_days=prod.backup.retention_days,
            resources=(table(bad, "table_selected_in_other_region"),),
            provider=bad_dr,
        ),
    )
    vault = BackupVault(bad, "Vault", name=bad.names.name("vault", max_length=50))
    plan = BackupPlan(
        bad,
        "Plan",
        name=bad.names.name("plan", max_length=50),
        rule=[BackupPlanRule(rule_name="daily", target_vault_name=vault.name, schedule=prod.backup.schedule)],
    )
    BackupSelection(
        bad,
        "Excluding",
        name=bad.names.name("excluding", max_length=50),
        plan_id=plan.id,
        iam_role_arn="arn:aws:iam::333333333333:role/backup",
        resources=[excluded.arn],
        not_resources=[excluded.arn],
    )

    dev = Fixture(app, env=records["dev"], catalog=catalog)
    table(dev, "dev_table_in_no_selection")
    app.synth()


@scanned_together
def backfix_stacks(folder: Path, request: pytest.FixtureRequest) -> dict[str, Path]:
    """The three stacks of `_build`, by stack name."""
    request.getfixturevalue("loaded_bindings")
    _build(folder)
    found = {p.parent.name: p for p in (folder / "stacks").glob("*/cdk.tf.json")}
    assert set(found) == {GOOD, BAD, DEV}
    return found


@pytest.fixture(scope="module")
def stacks(built_stacks: BuiltStacks, request: pytest.FixtureRequest) -> dict[str, Path]:
    """The stacks, built once per session (the shared scan scans the same files)."""
    return built_stacks.get(backfix_stacks, request)


def verdicts(path: Path) -> dict[str, tuple[str, list[str]]]:
    return {
        f["resource"]: (f["check_result"]["result"], f["details"])
        for f in stack_results(path)
        if f["check_id"] == CHECK
    }


def test_each_subject_gets_its_verdict(stacks: dict[str, Path]) -> None:
    found = {
        (stack, address): result for stack in (GOOD, BAD) for address, (result, _) in verdicts(stacks[stack]).items()
    }
    assert found == VERDICTS


def test_a_dev_stack_is_not_judged(stacks: dict[str, Path]) -> None:
    assert verdicts(stacks[DEV]) == {}


def test_details_name_the_resource_the_region_and_the_fix(stacks: dict[str, Path]) -> None:
    found = verdicts(stacks[BAD])
    assert found["aws_dynamodb_table.table_selected_in_other_region"][1] == [
        "environment 'prod' protects its data, but no aws_backup_selection of this stack in us-east-1 names "
        "aws_dynamodb_table.table_selected_in_other_region: pass it to the stack's Backups (modules/backup.py) in "
        "resources"
    ]


def test_the_scan_fails_the_bad_stack_and_honours_its_suppression(shared_scan: SharedScan) -> None:
    good, bad = shared_scan.evaluate(backfix_stacks, GOOD, BAD)
    assert not [f for f in good.failed if f["check_id"] == CHECK]
    failed = {f["resource"] for f in bad.failed if f["check_id"] == CHECK}
    assert failed == {a for (s, a), v in VERDICTS.items() if s == BAD and v == "FAILED"} - {
        "aws_dynamodb_table.table_suppressed"
    }
    assert (CHECK, "aws_dynamodb_table.table_suppressed") in {(s["check_id"], s["resource"]) for s in bad.suppressed}
    assert not bad.ok
