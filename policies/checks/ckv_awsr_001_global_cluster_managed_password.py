"""CKV_AWSR_001: a cluster of an Aurora global database does not use an RDS-managed master password.

AWS documentation: Amazon Aurora User Guide, "Password management with Amazon Aurora and AWS Secrets Manager",
section "Limitations for Secrets Manager integration with Amazon Aurora"
(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html): managing master user
passwords with Secrets Manager isn't supported for "DB clusters that are part of an Aurora global database".

What fails: an `aws_rds_cluster` with `global_cluster_identifier` set and `manage_master_user_password = true`.

Why it matters: the emulator accepts it; AWS rejects the create (or the join) and the apply fails halfway through a
two-region stack. Fix: give the primary a password from a Secrets Manager secret or a write-only argument
(`master_password_wo` from an ephemeral `aws_secretsmanager_random_password`, as modules/aurora.py does).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import first


class GlobalClusterManagedPassword(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure clusters of an Aurora global database do not set manage_master_user_password "
            "(unsupported by Aurora)",
            id="CKV_AWSR_001",
            categories=(CheckCategories.SECRETS,),
            supported_resources=("aws_rds_cluster",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["global_cluster_identifier", "manage_master_user_password"]
        if first(conf, "global_cluster_identifier") and first(conf, "manage_master_user_password") is True:
            self.details.append(
                "a cluster of an Aurora global database cannot use manage_master_user_password: "
                "use master_password_wo from an ephemeral aws_secretsmanager_random_password, "
                "and keep it in a secret replicated to the secondary regions"
            )
            return CheckResult.FAILED
        return CheckResult.PASSED


check = GlobalClusterManagedPassword()
