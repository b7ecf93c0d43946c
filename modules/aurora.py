"""An Aurora PostgreSQL cluster in private subnets, encrypted, with its master password managed by RDS.

Defaults:
- engine version and master username are checked against the catalog (config/catalog.toml) before anything is
  built: a version that does not exist or a username the engine reserves fails at synth, naming the valid choices
- the master password is generated, stored and rotated by RDS in Secrets Manager (manage_master_user_password),
  encrypted with `kms_key_arn`; never generated here, never in state
- storage encrypted with `kms_key_arn`; IAM database authentication on; the postgresql log exported to CloudWatch;
  tags copied to snapshots
- a cluster parameter group logging DDL and statements slower than `slow_query_milliseconds` (1000)
- instances: `instance_count` of `instance_class` (the first is the writer), private, Performance Insights on
  (encrypted with `kms_key_arn`, 7 days), enhanced monitoring every 60 s, minor versions upgraded automatically
- security group: no rule until `allow_from(label, client_sg)` opens the port to one client (ingress here, the
  matching egress on the client)
- backups, deletion protection and the final snapshot (taken unless `skip_final_snapshot`) from props
- not part of a global database unless `global_cluster_identifier` is given; `secondary=True` joins it as a
  read-only secondary (no database name or master user: both come from the primary)
"""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_aws.rds_cluster_instance import RdsClusterInstance
from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
    RdsClusterParameterGroup,
    RdsClusterParameterGroupParameter,
)
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from config.catalog import Catalog
from core.props import raise_problems
from core.suppress import suppress
from modules.client_security_group import client_security_group
from modules.rds_shared import engine_problems, monitoring_role, subnet_group

ENGINE = "aurora-postgresql"


@dataclass(frozen=True, kw_only=True)
class AuroraProps:  # pylint: disable=too-many-instance-attributes
    """Props of AuroraPostgres."""

    name: str
    catalog: Catalog
    engine_version: str
    master_username: str
    database_name: str
    vpc_id: str
    subnet_ids: list[str]
    kms_key_arn: str
    instance_class: str
    instance_count: int
    backup_retention_days: int
    deletion_protection: bool
    skip_final_snapshot: bool
    port: int = 5432
    performance_insights_retention_days: int = 7
    monitoring_interval_seconds: int = 60
    slow_query_milliseconds: int = 1000
    global_cluster_identifier: str | None = None
    secondary: bool = False


def _problems(props: AuroraProps) -> list[str | None]:
    return [
        *engine_problems(props.catalog, ENGINE, engine_version=props.engine_version,
                         master_username=props.master_username, backup_retention_days=props.backup_retention_days,
                         subnet_ids=props.subnet_ids),
        None if props.instance_count >= 1 else "instance_count must be >= 1",
        None if props.global_cluster_identifier or not props.secondary else
        "secondary=True needs global_cluster_identifier (the global database to join)",
    ]


class AuroraPostgres(Construct):
    """`cluster`, `instances`, `security_group`, `subnet_group`; the managed secret is `secret_arn`."""

    def __init__(self, scope: Construct, id_: str, *, props: AuroraProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"AuroraPostgres {id_}", _problems(props))
        self.port = props.port
        self.security_group = client_security_group(self, name=f"{props.name}-db", vpc_id=props.vpc_id,
                                                    service="PostgreSQL", port=props.port)
        self.subnet_group = subnet_group(self, name=props.name, subnet_ids=props.subnet_ids)
        self.parameters = RdsClusterParameterGroup(
            self, "Parameters", name=props.name, family=f"{ENGINE}{props.engine_version.split('.')[0]}",
            description=f"{props.name}: log DDL and statements slower than {props.slow_query_milliseconds} ms",
            parameter=[RdsClusterParameterGroupParameter(name="log_statement", value="ddl"),
                       RdsClusterParameterGroupParameter(name="log_min_duration_statement",
                                                         value=str(props.slow_query_milliseconds))])
        self.cluster = RdsCluster(
            self, "Cluster", cluster_identifier=props.name, engine=ENGINE, engine_mode="provisioned",
            engine_version=props.engine_version, global_cluster_identifier=props.global_cluster_identifier,
            database_name=None if props.secondary else props.database_name,
            master_username=None if props.secondary else props.master_username,
            manage_master_user_password=None if props.secondary else True,
            master_user_secret_kms_key_id=None if props.secondary else props.kms_key_arn,
            storage_encrypted=True, kms_key_id=props.kms_key_arn,
            db_subnet_group_name=self.subnet_group.name, vpc_security_group_ids=[self.security_group.id],
            db_cluster_parameter_group_name=self.parameters.name, port=props.port,
            iam_database_authentication_enabled=True, enabled_cloudwatch_logs_exports=["postgresql"],
            backup_retention_period=props.backup_retention_days, preferred_backup_window="03:00-04:00",
            preferred_maintenance_window="sun:05:00-sun:06:00", copy_tags_to_snapshot=True,
            deletion_protection=props.deletion_protection, skip_final_snapshot=props.skip_final_snapshot,
            final_snapshot_identifier=None if props.skip_final_snapshot else f"{props.name}-final")
        if not props.deletion_protection:
            suppress(self.cluster, "CKV_AWS_139", "deletion protection is set per environment (deletion_protection "
                     "in the environment record); this environment leaves it off so it can be torn down")
        suppress(self.cluster, "CKV2_AWS_8", "backed up by Aurora itself: continuous backups with point-in-time "
                 "restore for backup_retention_days, plus a final snapshot where the record protects data")
        monitoring = monitoring_role(self, name=props.name)
        self.instances = [
            RdsClusterInstance(
                self, f"Instance{i}", identifier=f"{props.name}-{i}", cluster_identifier=self.cluster.id,
                engine=ENGINE, engine_version=props.engine_version, instance_class=props.instance_class,
                db_subnet_group_name=self.subnet_group.name, publicly_accessible=False,
                auto_minor_version_upgrade=True, performance_insights_enabled=True,
                monitoring_interval=props.monitoring_interval_seconds, monitoring_role_arn=monitoring.arn,
                performance_insights_kms_key_id=props.kms_key_arn,
                performance_insights_retention_period=props.performance_insights_retention_days)
            for i in range(props.instance_count)]

    def allow_from(self, label: str, client_security_group_id: str) -> None:
        """Open the port to one client security group: ingress here, the matching egress on the client."""
        VpcSecurityGroupIngressRule(self, f"From{label}", security_group_id=self.security_group.id,
                                    ip_protocol="tcp", from_port=self.port, to_port=self.port,
                                    referenced_security_group_id=client_security_group_id,
                                    description=f"{label} to PostgreSQL")
        VpcSecurityGroupEgressRule(self, f"{label}ToDatabase", security_group_id=client_security_group_id,
                                   ip_protocol="tcp", from_port=self.port, to_port=self.port,
                                   referenced_security_group_id=self.security_group.id,
                                   description="to the database")

    @property
    def secret_arn(self) -> str:
        """ARN of the Secrets Manager secret RDS manages for the master user."""
        return self.cluster.master_user_secret.get(0).secret_arn
