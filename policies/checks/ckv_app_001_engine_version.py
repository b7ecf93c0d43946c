"""CKV_APP_001: the database engine version exists in the catalog.

What fails: an RDS/Aurora cluster, DB instance, global cluster or ElastiCache replication group whose
`engine_version` is not listed for its engine in config/catalog.toml (or whose engine the catalog does not know), or
that pins no version although it is not a replica, a global-cluster member or a snapshot restore.

Why it matters: AWS rejects a version that does not exist only at apply time, after the VPC, subnets and security
groups were already created (seed 002: aurora-postgresql 15.3 does not exist; 15.13 does). An unpinned version
drifts with AWS's default. Fix: choose a version from config/catalog.toml, or refresh the catalog from
`aws rds describe-db-engine-versions` when a new one is needed.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from config.catalog import load_catalog
from policies.checks import first, is_reference

DEFAULT_ENGINE = {"aws_elasticache_replication_group": "redis"}
# A member that takes its engine and version from elsewhere may leave engine_version out.
INHERITS_VERSION = (
    "replicate_source_db",
    "global_cluster_identifier",
    "snapshot_identifier",
    "source_db_cluster_identifier",
    "restore_to_point_in_time",
    "snapshot_name",
)


class EngineVersionInCatalog(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure the database engine version exists for its engine in config/catalog.toml",
            id="CKV_APP_001",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=(
                "aws_rds_cluster",
                "aws_db_instance",
                "aws_elasticache_replication_group",
                "aws_rds_global_cluster",
            ),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["engine", "engine_version"]
        engine = first(conf, "engine", DEFAULT_ENGINE.get(self.entity_type))
        version = first(conf, "engine_version")
        if version is None:
            if any(first(conf, key) for key in INHERITS_VERSION):
                return CheckResult.PASSED
            self.details.append(
                f"{self.entity_type} pins no engine_version: set one from config/catalog.toml for engine {engine!r}"
            )
            return CheckResult.FAILED
        if is_reference(version) or is_reference(engine):
            return CheckResult.PASSED  # taken from another resource, which is checked itself
        if engine is None:
            return CheckResult.PASSED  # engine inherited (replica / global member): nothing to compare against
        problem = load_catalog().engine_version_problem(str(engine), str(version))
        if problem:
            self.details.append(problem)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = EngineVersionInCatalog()
