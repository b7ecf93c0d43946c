"""An RDS PostgreSQL instance in private subnets, encrypted, TLS-only, its master password managed by RDS.

Defaults:
- engine version and master username are checked against the catalog (config/catalog.toml, engine "postgres")
  before anything is built: a version that does not exist or a reserved username fails at synth, naming the choices
- the master password is generated, stored and rotated by RDS in Secrets Manager (manage_master_user_password),
  encrypted with `kms_key_arn`; never generated here, never in state
- gp3 storage encrypted with `kms_key_arn`; never publicly accessible; IAM database authentication on; tags copied
  to snapshots; minor versions upgraded automatically; Performance Insights (7 days, `kms_key_arn`) and enhanced
  monitoring every 60 s
- a parameter group forcing TLS (rds.force_ssl=1) and logging connections, disconnections and DDL
- `log_exports` (postgresql, upgrade) go to log groups created here first, so that their retention
  (`log_retention_days`) and encryption (`kms_key_arn`) are ours and not RDS's never-expire default; under a
  year they carry the one short-retention suppression (core.suppress) naming `retention_field` (default
  `log_retention_days`)
- security group: ingress on the port from `allowed_security_group_ids` only; no egress rule
- Multi-AZ, backups, deletion protection and the final snapshot (taken unless `skip_final_snapshot`) from props;
  backup window 03:00-04:00 UTC, maintenance window sun:05:00-sun:06:00 UTC
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_parameter_group import DbParameterGroup, DbParameterGroupParameter
from constructs import Construct

from config import limits
from core.props import prop_problem, raise_problems
from core.suppress import suppress, suppress_short_retention
from modules.client_security_group import client_security_group
from modules.rds_shared import DatabaseProps, engine_problems, monitoring_role, subnet_group

ENGINE = "postgres"
PARAMETERS = {"rds.force_ssl": "1", "log_connections": "1", "log_disconnections": "1", "log_statement": "ddl"}


@dataclass(frozen=True, kw_only=True)
class PostgresInstanceProps(DatabaseProps):
    """Props of PostgresInstance: the DatabaseProps of modules/rds_shared.py and the instance's own."""

    #: gp3 storage in GB (>= 20)
    allocated_storage_gb: int
    #: a standby in another zone
    multi_az: bool
    log_retention_days: int
    allowed_security_group_ids: tuple[str, ...] = ()
    #: record field named in the short-retention suppression (core.suppress)
    retention_field: str = "log_retention_days"
    log_exports: tuple[str, ...] = ("postgresql", "upgrade")


def _problems(props: PostgresInstanceProps) -> list[str | None]:
    return [
        *engine_problems(props, ENGINE),
        prop_problem("allocated_storage_gb", limits.gp3_storage_gib(props.allocated_storage_gb)),
        None if props.log_retention_days >= 1 else "log_retention_days must be >= 1",
    ]


class PostgresInstance(Construct):
    """`instance`, `security_group`, `subnet_group`, `parameters`, `log_groups`; the secret is `secret_arn`."""

    def __init__(self, scope: Construct, id_: str, *, props: PostgresInstanceProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"PostgresInstance {id_}", _problems(props))
        self.port = props.port
        self.security_group = client_security_group(
            self,
            name=f"{props.name}-db",
            vpc_id=props.vpc_id,
            service="PostgreSQL",
            port=props.port,
            clients=props.allowed_security_group_ids,
        )
        self.subnet_group = subnet_group(self, name=props.name, subnet_ids=props.subnet_ids)
        self.parameters = DbParameterGroup(
            self,
            "Parameters",
            name=props.name,
            family=f"{ENGINE}{props.engine_version.split('.')[0]}",
            description=f"{props.name}: TLS only; log connections and DDL",
            parameter=[DbParameterGroupParameter(name=k, value=v) for k, v in sorted(PARAMETERS.items())],
        )
        self.log_groups = [
            CloudwatchLogGroup(
                self,
                f"{log.capitalize()}Logs",
                name=f"/aws/rds/instance/{props.name}/{log}",
                retention_in_days=props.log_retention_days,
                kms_key_id=props.kms_key_arn,
            )
            for log in props.log_exports
        ]
        monitoring = monitoring_role(self, name=props.name)
        self.instance = DbInstance(
            self,
            "Instance",
            identifier=props.name,
            engine=ENGINE,
            engine_version=props.engine_version,
            instance_class=props.instance_class,
            allocated_storage=props.allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=props.kms_key_arn,
            db_name=props.database_name,
            username=props.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=props.kms_key_arn,
            port=props.port,
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=self.parameters.name,
            publicly_accessible=False,
            multi_az=props.multi_az,
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=list(props.log_exports),
            backup_retention_period=props.backup_retention_days,
            backup_window="03:00-04:00",
            maintenance_window="sun:05:00-sun:06:00",
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=props.kms_key_arn,
            performance_insights_retention_period=props.performance_insights_retention_days,
            monitoring_interval=props.monitoring_interval_seconds,
            monitoring_role_arn=monitoring.arn,
            deletion_protection=props.deletion_protection,
            skip_final_snapshot=props.skip_final_snapshot,
            final_snapshot_identifier=None if props.skip_final_snapshot else f"{props.name}-final",
            depends_on=list(self.log_groups),
        )
        self._suppressions(props)

    def _suppressions(self, props: PostgresInstanceProps) -> None:
        if not props.deletion_protection:
            suppress(
                self.instance,
                "CKV_AWS_293",
                "deletion protection is set per environment (deletion_protection "
                "in the environment record); this environment leaves it off so it can be torn down",
            )
        for group in self.log_groups:
            suppress_short_retention(
                group, what="database logs", days=props.log_retention_days, record_field=props.retention_field
            )
        if not props.multi_az:
            suppress(
                self.instance,
                "CKV_AWS_157",
                "Multi-AZ is set per environment by the stack (multi_az); this environment runs one instance, "
                "restored from backups if its zone fails",
            )

    @property
    def secret_arn(self) -> str:
        """ARN of the Secrets Manager secret RDS manages for the master user."""
        return self.instance.master_user_secret.get(0).secret_arn
