"""CKV_APP_010: stateful resources of production have deletion protection on.

What fails: an `aws_rds_cluster` or `aws_db_instance` (`deletion_protection`), `aws_dynamodb_table`
(`deletion_protection_enabled`) or `aws_lb` / `aws_alb` (`enable_deletion_protection`) whose `Environment` tag is
`prod` (or any environment with `deletion_protection = true` in config/environments.toml) and where that argument
is not `true`.

Why it matters: a mistaken `terraform destroy`, a renamed construct id (a new Terraform address means
destroy-and-create) or a replacement-forcing change would delete production data or the production entry point.
Deletion protection turns that into an error. Fix: pass `deletion_protection=env.deletion_protection` to the module.
Other environments may keep it off so that they can be torn down.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import first, tags_of

PROTECTION_KEY = {
    "aws_rds_cluster": "deletion_protection",
    "aws_db_instance": "deletion_protection",
    "aws_dynamodb_table": "deletion_protection_enabled",
    "aws_lb": "enable_deletion_protection",
    "aws_alb": "enable_deletion_protection",
}
ALWAYS_PROTECTED = ("prod",)


@lru_cache(maxsize=1)
def protected_environments() -> frozenset[str]:
    """`prod`, plus every environment whose record sets deletion_protection = true."""
    from config.loader import ENVIRONMENTS_FILE  # pylint: disable=import-outside-toplevel

    data = tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    default = bool(data.get("defaults", {}).get("deletion_protection", False))
    configured = {
        name
        for name, record in data.get("environments", {}).items()
        if record.get("deletion_protection", default) is True
    }
    return frozenset(ALWAYS_PROTECTED) | frozenset(configured)


class ProdDeletionProtection(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure stateful resources (RDS, DynamoDB, load balancers) of prod have deletion protection on",
            id="CKV_APP_010",
            categories=(CheckCategories.BACKUP_AND_RECOVERY,),
            supported_resources=tuple(PROTECTION_KEY),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        key = PROTECTION_KEY[self.entity_type]
        self.evaluated_keys = [key, "tags"]
        environment = (tags_of(conf) or {}).get("Environment")
        if environment not in protected_environments():
            return CheckResult.PASSED
        if first(conf, key) is True:
            return CheckResult.PASSED
        self.details.append(
            f"{key} is not true in environment {environment!r}: pass deletion_protection=env.deletion_protection"
        )
        return CheckResult.FAILED


check = ProdDeletionProtection()
