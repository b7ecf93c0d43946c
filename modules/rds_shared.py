"""What the project's two RDS data stores (modules/aurora.py, modules/postgres_instance.py) share: the props fields
both take (`DatabaseProps`, the base of AuroraProps and PostgresInstanceProps), the checks of their engine settings
against the catalog, the private subnet group, and the enhanced-monitoring role.

Defaults:
- port 5432; Performance Insights keeps 7 days; enhanced monitoring every 60 s
- engine version and master username must be in config/catalog.toml for the engine; backups kept 1-35 days;
  subnets in at least two zones
- subnet group named like the database (`SubnetGroup`)
- monitoring role `<name>-monitoring` (`MonitoringRole`), trusted by RDS monitoring only, with the AWS-managed
  AmazonRDSEnhancedMonitoringRole policy attached (`MonitoringPolicy`) and nothing else
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from config import limits
from config.catalog import Catalog
from core.props import policy_json, prop_problem

MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


@dataclass(frozen=True, kw_only=True)
class DatabaseProps:  # pylint: disable=too-many-instance-attributes
    """The props fields every RDS data store takes (an Aurora cluster or a DB instance: "the database")."""

    #: identifier of the cluster or instance, prefix of every other name
    name: str
    #: the engine catalog (config/catalog.toml) that engine_version and master_username are checked against
    catalog: Catalog
    #: engine version (must exist in the catalog for the module's engine)
    engine_version: str
    #: master user name (not one the engine reserves)
    master_username: str
    #: database created in the cluster or instance (an Aurora secondary ignores it)
    database_name: str
    #: VPC of the database's security group
    vpc_id: str
    #: private subnets of the DB subnet group (two zones or more)
    subnet_ids: list[str]
    #: KMS key of the storage, the master secret and Performance Insights
    kms_key_arn: str
    #: DB instance class (of every instance)
    instance_class: str
    #: days of automated backups (1 to 35)
    backup_retention_days: int
    #: refuse deletion of the database (required: differs per environment)
    deletion_protection: bool
    #: delete without a final snapshot (required: differs per environment)
    skip_final_snapshot: bool
    #: port the database listens on
    port: int = 5432
    #: days Performance Insights keeps its data (7 is the free tier)
    performance_insights_retention_days: int = 7
    #: enhanced monitoring interval of each instance
    monitoring_interval_seconds: int = 60


def engine_problems(props: DatabaseProps, engine: str) -> list[str | None]:
    """The problems every RDS data store checks before it builds anything (None where a value is fine)."""
    return [
        prop_problem("engine_version", props.catalog.engine_version_problem(engine, props.engine_version)),
        prop_problem("master_username", limits.master_username(engine, props.master_username, props.catalog)),
        prop_problem("backup_retention_days", limits.backup_retention(props.backup_retention_days)),
        None if len(props.subnet_ids) >= 2 else "a DB subnet group needs subnets in at least two zones",
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
