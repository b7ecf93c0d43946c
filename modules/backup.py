"""AWS Backup of a stack's stateful resources: a KMS-encrypted vault, a daily plan, and a selection naming exactly
the given resources by ARN, backed up by a role holding AWS's managed backup and restore policies.

Defaults:
- vault `name` (2-50 letters, digits, '-' and '_'), encrypted with a rotating key of its own (alias `name`) whose
  policy lets the backup role use it (encrypt, decrypt, data keys, grants for AWS resources only): AWS Backup
  encrypts with it what it copies into the vault (the DR copies) and the backups it manages in full (DynamoDB with
  advanced backup); RDS and Aurora snapshots made in the source region keep the database's own key.
  `force_destroy` only where asked (ephemeral copies): otherwise a vault holding recovery points is never deleted
- plan `name`: one rule `daily` on `schedule` (an AWS Backup cron expression, UTC, from the record), starting within
  60 minutes and completing within 480 (8 hours), each recovery point deleted after `retention_days`; no copies
  until `copy_to(vault)` adds one into a vault of another region (a copy that outlives the region), kept
  `retention_days` there as well. No continuous backup: the databases keep their own point-in-time restore
- selection `name`: exactly the ARNs of `resources` (Aurora clusters, RDS instances, DynamoDB tables of the stack)
  plus any literal `arns` (e.g. a DynamoDB replica of a global table in this region), never tags or wildcards, so
  the plan backs up nothing it was not given. Each resource given loses its "no AWS Backup plan" suppression
  (CKV2_AWS_8), since the finding is then fixed
- role `name` trusted by backup.amazonaws.com only, with the AWS-managed AWSBackupServiceRolePolicyForBackup and
  AWSBackupServiceRolePolicyForRestores attached (the policies the AWS Backup guide names for a custom role; both
  act only on what a selection names). A second Backups of the same stack (another region) passes `role` instead:
  IAM is global
- created through the stack's default provider, or `provider`: a vault, plan and selection are regional, and a
  selection names only resources of its own region
- not managed here (account settings, one per region, that no single stack may own): AWS Backup's service opt-in
  (an account that creates its first vault in a region is opted in to every resource type; Aurora is backed up only
  while opted in) and advanced DynamoDB backup (on by default since November 2021; the cross-Region copy of a
  table needs it)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.backup_plan import (
    BackupPlan,
    BackupPlanRule,
    BackupPlanRuleCopyAction,
    BackupPlanRuleCopyActionLifecycle,
    BackupPlanRuleLifecycle,
)
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from core.props import policy_json, raise_problems
from core.suppress import METADATA_KEY
from modules.kms_key import EncryptionKey, KmsKeyProps

MANAGED_POLICIES = {
    "BackupPolicy": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "RestorePolicy": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}
NO_BACKUP_CHECKS = ("CKV2_AWS_8",)  # an RDS cluster in no AWS Backup plan
RULE_NAME = "daily"
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 480
MAX_RETENTION_DAYS = 36500
_CRON = re.compile(r"cron\(\S+ \S+ \S+ \S+ \S+ \S+\)")
_KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


@dataclass(frozen=True, kw_only=True)
class BackupsProps:  # pylint: disable=too-many-instance-attributes
    """Props of Backups. `resources` are the stack's Aurora clusters, DB instances and DynamoDB tables (anything
    with an `arn`); `arns` are further literal ARNs in the same region."""

    name: str
    #: the account of the vault and the backup role (the vault key policy names it)
    account_id: str
    schedule: str
    retention_days: int
    resources: tuple[Any, ...] = ()
    arns: tuple[str, ...] = ()
    role: IamRole | None = None
    force_destroy: bool = False
    provider: TerraformProvider | None = None


def _problems(props: BackupsProps) -> list[str | None]:
    return [
        None
        if re.fullmatch(r"[A-Za-z0-9_-]{2,50}", props.name)
        else f"name {props.name!r}: a vault, plan and selection name is 2-50 letters, digits, '-' and '_'",
        None
        if _CRON.fullmatch(props.schedule)
        else f"schedule {props.schedule!r} is not an AWS Backup cron expression like 'cron(0 23 ? * * *)'",
        None
        if 1 <= props.retention_days <= MAX_RETENTION_DAYS
        else f"retention_days {props.retention_days}: AWS Backup keeps a recovery point 1 to {MAX_RETENTION_DAYS} days",
        None if props.resources or props.arns else "nothing to back up: give resources or arns",
    ]


class Backups(Construct):
    """`key`, `vault`, `plan`, `selection` and `role` are public; `arns` are the ARNs the selection names;
    `copy_to(vault)` adds the cross-Region copy."""

    def __init__(self, scope: Construct, id_: str, *, props: BackupsProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"Backups {id_}", _problems(props))
        provider = props.provider
        self.role = props.role or self._role(props.name)
        self.key = EncryptionKey(
            self,
            "Key",
            props=KmsKeyProps(
                alias=props.name,
                description=f"AWS Backup vault {props.name}",
                account_id=props.account_id,
                provider=provider,
                statements=(
                    {
                        "Sid": "BackupRoleUsesKey",
                        "Effect": "Allow",
                        "Principal": {"AWS": self.role.arn},
                        "Action": _KEY_USE,
                        "Resource": "*",
                    },
                    {
                        "Sid": "BackupRoleGrantsToAwsResources",
                        "Effect": "Allow",
                        "Principal": {"AWS": self.role.arn},
                        "Action": "kms:CreateGrant",
                        "Resource": "*",
                        "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
                    },
                ),
            ),
        )
        self.vault = BackupVault(
            self,
            "Vault",
            name=props.name,
            kms_key_arn=self.key.key.arn,
            force_destroy=props.force_destroy or None,
            provider=provider,
        )
        self._props = props
        self.plan = BackupPlan(self, "Plan", name=props.name, rule=[self._rule(None)], provider=provider)
        self.arns = [resource.arn for resource in props.resources] + list(props.arns)
        self.selection = BackupSelection(
            self,
            "Selection",
            name=props.name,
            plan_id=self.plan.id,
            iam_role_arn=self.role.arn,
            resources=self.arns,
            provider=provider,
        )
        for resource in props.resources:
            declared = getattr(resource, "_suppressions", [])
            kept = [s for s in declared if s["id"] not in NO_BACKUP_CHECKS]
            if kept != declared:
                setattr(resource, "_suppressions", kept)
                resource.add_override(f"//.{METADATA_KEY}", kept)

    def copy_to(self, vault: BackupVault) -> None:
        """Copy every recovery point of the plan into `vault` too (another region's), kept as long as here."""
        self.plan.put_rule([self._rule(vault.arn)])

    def _rule(self, copy_to: str | None) -> BackupPlanRule:
        days = self._props.retention_days
        return BackupPlanRule(
            rule_name=RULE_NAME,
            target_vault_name=self.vault.name,
            schedule=self._props.schedule,
            start_window=START_WINDOW_MINUTES,
            completion_window=COMPLETION_WINDOW_MINUTES,
            lifecycle=BackupPlanRuleLifecycle(delete_after=days),
            copy_action=None
            if copy_to is None
            else [
                BackupPlanRuleCopyAction(
                    destination_vault_arn=copy_to,
                    lifecycle=BackupPlanRuleCopyActionLifecycle(delete_after=days),
                )
            ],
        )

    def _role(self, name: str) -> IamRole:
        role = IamRole(
            self,
            "Role",
            name=name,
            description=f"AWS Backup runs the {name} plan and its restores with this role",
            assume_role_policy=policy_json(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "backup.amazonaws.com"}}
            ),
        )
        for id_, arn in MANAGED_POLICIES.items():
            IamRolePolicyAttachment(self, id_, role=role.name, policy_arn=arn)
        return role
