"""CKV_APP_008: CloudWatch log groups expire their events and are encrypted with a customer-managed KMS key.

What fails: an `aws_cloudwatch_log_group` whose `retention_in_days` is missing or 0 (kept forever) or is not a
value CloudWatch Logs accepts (config/catalog.toml `[logs]`), or that has no `kms_key_id`.

Why it matters: log groups without retention grow and bill forever; a value outside the accepted list fails at
apply ("InvalidParameterException: 1 validation error detected: Value '45' at 'retentionInDays'"); logs hold
request data and must be encrypted with a key the workload controls (the key's policy must allow
`logs.<region>.amazonaws.com`). Fix: `retention_in_days=env.log_retention_days`, `kms_key_id=key.arn`.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from config.catalog import load_catalog
from policies.checks import first


class LogGroupRetentionAndKms(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure CloudWatch log groups set a catalog retention_in_days and a kms_key_id",
            id="CKV_APP_008",
            categories=(CheckCategories.LOGGING, CheckCategories.ENCRYPTION),
            supported_resources=("aws_cloudwatch_log_group",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["retention_in_days", "kms_key_id"]
        allowed = load_catalog().log_retention_days
        retention = first(conf, "retention_in_days")
        if isinstance(retention, str) and retention.isdigit():
            retention = int(retention)
        if not isinstance(retention, int) or isinstance(retention, bool) or retention not in allowed:
            self.details.append(
                f"retention_in_days is {retention!r}: choose one of "
                f"{', '.join(map(str, allowed))} (0 or none keeps logs forever)"
            )
        if not first(conf, "kms_key_id"):
            self.details.append("kms_key_id is not set: encrypt the log group with the workload's KMS key")
        return CheckResult.FAILED if self.details else CheckResult.PASSED


check = LogGroupRetentionAndKms()
