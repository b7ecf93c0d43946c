"""CKV_APP_002: the database master username is not a word the engine reserves.

What fails: an `aws_rds_cluster` (`master_username`) or `aws_db_instance` (`username`) whose master username is
reserved by its engine according to config/catalog.toml (`admin` and `postgres` for PostgreSQL, `rdsadmin` and
`root` for MySQL, ...).

Why it matters: RDS refuses the create call ("MasterUsername admin cannot be used as it is a reserved word used by
the engine", seed 002) only at apply time, after the network and the parameter groups exist. Fix: use a neutral
name such as `dbadmin`.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from config.catalog import load_catalog
from policies.checks import first, is_reference

USERNAME_KEY = {"aws_rds_cluster": "master_username", "aws_db_instance": "username"}


class MasterUsernameNotReserved(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure the database master username is not reserved by the engine (config/catalog.toml)",
            id="CKV_APP_002",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=tuple(USERNAME_KEY),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        key = USERNAME_KEY[self.entity_type]
        self.evaluated_keys = ["engine", key]
        engine, username = first(conf, "engine"), first(conf, key)
        if not isinstance(username, str) or not isinstance(engine, str) or is_reference(username):
            return CheckResult.PASSED  # no username (replica, global secondary) or one from another resource
        problem = load_catalog().username_problem(engine, username)
        if problem:
            self.details.append(problem)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = MasterUsernameNotReserved()
