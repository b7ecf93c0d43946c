"""What the project's two RDS data stores (modules/aurora.py, modules/postgres_instance.py) share: the checks of
their engine settings against the catalog, the private subnet group, and the enhanced-monitoring role.

Defaults:
- engine version and master username must be in config/catalog.toml for the engine; backups kept 1-35 days;
  subnets in at least two zones
- subnet group named like the database (`SubnetGroup`)
- monitoring role `<name>-monitoring` (`MonitoringRole`), trusted by RDS monitoring only, with the AWS-managed
  AmazonRDSEnhancedMonitoringRole policy attached (`MonitoringPolicy`) and nothing else
"""

from __future__ import annotations

from typing import Sequence

from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from config import limits
from config.catalog import Catalog
from core.props import policy_json, prop_problem

MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def engine_problems(
    catalog: Catalog,
    engine: str,
    *,
    engine_version: str,
    master_username: str,
    backup_retention_days: int,
    subnet_ids: Sequence[str],
) -> list[str | None]:
    """The problems every RDS data store checks before it builds anything (None where a value is fine)."""
    return [
        prop_problem("engine_version", catalog.engine_version_problem(engine, engine_version)),
        prop_problem("master_username", limits.master_username(engine, master_username, catalog)),
        prop_problem("backup_retention_days", limits.backup_retention(backup_retention_days)),
        None if len(subnet_ids) >= 2 else "a DB subnet group needs subnets in at least two zones",
    ]


def subnet_group(scope: Construct, *, name: str, subnet_ids: Sequence[str]) -> DbSubnetGroup:
    """The database's subnet group (`SubnetGroup` in `scope`), over the private subnets it is given."""
    return DbSubnetGroup(
        scope,
        "SubnetGroup",
        name=name,
        subnet_ids=list(subnet_ids),
        description=f"private subnets of the {name} database",
    )


def monitoring_role(scope: Construct, *, name: str) -> IamRole:
    """The role RDS enhanced monitoring assumes (`MonitoringRole` + `MonitoringPolicy` in `scope`)."""
    role = IamRole(
        scope,
        "MonitoringRole",
        name=f"{name}-monitoring",
        assume_role_policy=policy_json(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "monitoring.rds.amazonaws.com"}}
        ),
    )
    IamRolePolicyAttachment(scope, "MonitoringPolicy", role=role.name, policy_arn=MONITORING_POLICY)
    return role
