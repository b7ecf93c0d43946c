"""CKV_APP_004: RDS master credentials are managed by RDS in Secrets Manager (or come from a secret).

What fails: an `aws_rds_cluster` or `aws_db_instance` that sets a master username without
`manage_master_user_password = true` and without taking its password from a Secrets Manager secret
(`${data.aws_secretsmanager_secret_version...}` / `${aws_secretsmanager_secret_version...}`). Passes: replicas,
secondary clusters of a global cluster and snapshot restores, which take their credentials from the source.

Why it matters: a password from `random_password` or Python code lives in state and in every plan, is never rotated,
and has to be copied to the application by hand (seeds 000 and 004: hardcoded and `random`-generated database
passwords). With the managed password, RDS stores and rotates it; the application reads
`master_user_secret[0].secret_arn`. Aurora global databases cannot use it: reference a secret for those.
"""
from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import first, is_reference

KEYS = {"aws_rds_cluster": ("master_username", "master_password"), "aws_db_instance": ("username", "password")}
INHERITS_CREDENTIALS = ("replicate_source_db", "global_cluster_identifier", "snapshot_identifier",
                        "source_db_cluster_identifier", "restore_to_point_in_time")
SECRET_SOURCES = ("aws_secretsmanager_secret_version.", "data.aws_secretsmanager_secret_version.",
                  "ephemeral.aws_secretsmanager_secret_version.", "jsondecode(data.aws_secretsmanager_secret_version.",
                  "jsondecode(aws_secretsmanager_secret_version.", "jsondecode(ephemeral.aws_secretsmanager_secret")


class ManagedMasterPassword(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure RDS master passwords are managed by RDS (manage_master_user_password) or read from "
                 "Secrets Manager",
            id="CKV_APP_004",
            categories=(CheckCategories.SECRETS,),
            supported_resources=tuple(KEYS),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        user_key, password_key = KEYS[self.entity_type]
        self.evaluated_keys = ["manage_master_user_password", user_key, password_key]
        if first(conf, "manage_master_user_password") is True:
            return CheckResult.PASSED
        password = first(conf, password_key)
        if password is None and first(conf, user_key) is None and any(first(conf, k) for k in INHERITS_CREDENTIALS):
            return CheckResult.PASSED  # replica / global secondary / restore: credentials come from the source
        if is_reference(password) and str(password)[2:].startswith(SECRET_SOURCES):
            return CheckResult.PASSED
        self.details.append(f"set manage_master_user_password = true (and no {password_key}), or take "
                            f"{password_key} from a Secrets Manager secret version")
        return CheckResult.FAILED


check = ManagedMasterPassword()
