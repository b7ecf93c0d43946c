"""disaster-recovery: two-region active/passive with Aurora Global Database, S3 replication, a DynamoDB global
table and Route 53 failover, per environment.

One stack, two providers: the default provider is the primary region (env.disaster_recovery.primary_region), an
aliased provider `dr` is the DR region; every resource of the DR site (stacks/disaster_recovery/site.py) and the
secondary Aurora cluster is created through it. Why one stack rather than two with cross-stack references: the
regions depend on each other both ways (the secondary cluster joins the primary's global cluster; the primary's
bucket replicates into the DR bucket with the DR key; the table's replica uses the DR key; the failover records
and alarms need both sites' APIs), so two stacks would need a three-step apply order and outputs copied between
states. In one state Terraform orders every cross-region dependency itself, a plan shows both regions at once,
and a destroy removes the secondary before the global cluster. The cost: a region outage blocks applying the
stack as a whole; the failover drill (README) needs no apply, only Aurora and Route 53 calls.

Per site: KMS key, VPC, data bucket, health function behind an API Gateway (GET /health, IAM-authorized) and on a
one-minute EventBridge schedule whose Errors alarm the site's Route 53 health check watches, alarm topic. Global:
the global cluster and both clusters, replication from the primary bucket into the DR bucket, the DynamoDB
global table (home in the primary region, replica in the DR region with the DR key), the failover DNS (`api.<domain>`
served over TLS in both regions: an ACM certificate and a regional API Gateway custom domain per region, alias
records failing over on the health checks, which watch each site's alarm; modules/failover_dns.py) and the alarms
with their dashboard.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from config import Catalog, EnvironmentRecord
from core.stack import WorkloadStack
from modules.aurora import AuroraPostgres, AuroraProps, SecretReplica, global_database
from modules.backup import Backups, BackupsProps
from modules.bucket_replication import BucketReplication, BucketReplicationProps
from modules.failover_dns import FailoverDns, FailoverDnsProps
from modules.failover_dns import Site as DnsSite
from modules.table import Replica, StreamViewType, Table, TableProps
from modules.waf import WebAcl, WebAclProps
from stacks.disaster_recovery.alarms import ReplicationAlarms, alarm_specs
from stacks.disaster_recovery.site import Site, SiteSpec, use_provider

DATABASE_NAME = "app"


class DisasterRecoveryStack(WorkloadStack):
    """Primary and DR sites, Aurora global database, S3 replication, DynamoDB global table, failover DNS, alarms."""

    workload = "disaster-recovery"
    description = "Two-region active/passive: Aurora global database, S3 replication, DynamoDB global table, DNS"

    @property
    def record_name(self) -> str:
        """The failover name clients use: `api.<domain_name>` (served over TLS in both regions)."""
        return f"api.{self.env.disaster_recovery.domain_name}"

    @property
    def region(self) -> str:
        """The primary region (the environment's region holds only the state)."""
        return self.env.disaster_recovery.primary_region

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        super().__init__(scope, env=env, catalog=catalog, suffix=suffix)
        cfg, names = env.disaster_recovery, self.names
        self.dr_provider = self.aws_provider("AwsDr", cfg.dr_region, alias="dr")
        table_name = names.name("sessions", max_length=255)
        self.primary = Site(
            self,
            "Primary",
            env=env,
            names=names,
            runtimes=catalog.lambda_runtimes,
            spec=SiteSpec(
                label="primary",
                role="PRIMARY",
                region=cfg.primary_region,
                network=cfg.primary_network,
                table_name=table_name,
            ),
        )
        self.dr = Site(
            self,
            "Dr",
            env=env,
            names=names,
            runtimes=catalog.lambda_runtimes,
            spec=SiteSpec(
                label="dr",
                role="SECONDARY",
                region=cfg.dr_region,
                network=cfg.dr_network,
                table_name=table_name,
                provider=self.dr_provider,
            ),
        )
        self._databases()
        self.table = Table(
            self,
            "Sessions",
            props=TableProps(
                table_name=table_name,
                hash_key="session_id",
                attributes=(("session_id", "S"),),
                kms_key_arn=self.primary.key.key.arn,
                deletion_protection=env.deletion_protection,
                stream_view_type=StreamViewType.NEW_AND_OLD_IMAGES,
                replicas=(Replica(region=cfg.dr_region, kms_key_arn=self.dr.key.key.arn),),
            ),
        )
        self.replication = BucketReplication(
            self,
            "Replication",
            props=BucketReplicationProps(
                role_name=names.name("replication"),
                account_id=env.account_id,
                source_bucket_id=self.primary.bucket.bucket.id,
                source_bucket_arn=self.primary.bucket.bucket.arn,
                source_kms_key_arn=self.primary.key.key.arn,
                source_region=cfg.primary_region,
                replica_bucket_arn=self.dr.bucket.bucket.arn,
                replica_kms_key_arn=self.dr.key.key.arn,
                replica_region=cfg.dr_region,
                replication_time_control=cfg.replication_time_control,
                depends_on=(self.primary.bucket.versioning, self.dr.bucket.versioning),
            ),
        )
        self.dns = FailoverDns(
            self,
            "Failover",
            props=FailoverDnsProps(
                domain_name=cfg.domain_name,
                record_name=self.record_name,
                hosted_zone_id=cfg.hosted_zone_id,
                sites=(self._dns_site(self.primary), self._dns_site(self.dr)),
            ),
        )
        self.alarms = ReplicationAlarms(
            self,
            "Monitoring",
            name=names.name("dr", max_length=200),
            specs=alarm_specs(
                (self.primary, self.dr),
                cfg.alarms,
                secondary_cluster=self.secondary.cluster.cluster_identifier,
                table_name=table_name,
                health_check_ids=[c.id for c in self.dns.health_checks],
            ),
        )
        if env.waf.enabled:  # public edges behind a web ACL (issue 18): one per region, WAF is regional
            for site in (self.primary, self.dr):
                waf = WebAcl(
                    site,
                    "Waf",
                    props=WebAclProps(
                        name=names.name(f"{site.spec.label}-waf"),
                        rate_limit=env.waf.rate_limit,
                        log_kms_key_arn=site.key.key.arn,
                        log_retention_days=env.log_retention_days,
                        provider=site.spec.provider,
                    ),
                )
                waf.protect("StageWaf", site.api.stage, site.api.stage.arn)
        if env.deletion_protection:  # AWS Backup in both regions, copied into the DR region (issue 18)
            self._backups()
        self._outputs()

    @staticmethod
    def _dns_site(site: Site) -> DnsSite:
        """What the failover DNS needs of a site: its health alarm and region, its API's stage, its provider."""
        return DnsSite(
            label=site.spec.label,
            alarm_name=site.health.alarm.alarm_name,
            alarm_region=site.spec.region,
            rest_api_id=site.api.api.id,
            stage_name=site.api.stage.stage_name,
            provider=site.spec.provider,
        )

    def _databases(self) -> None:
        cfg, env, names = self.env.disaster_recovery, self.env, self.names
        db = cfg.database
        self.global_cluster = global_database(
            self,
            "GlobalDatabase",
            identifier=names.name("global-db", max_length=63),
            engine_version=db.engine_version,
            deletion_protection=env.deletion_protection,
        )
        clusters: list[AuroraPostgres] = []
        for site, secondary in ((self.primary, False), (self.dr, True)):
            private = [s.id for s in site.network.private_subnets]
            clusters.append(
                AuroraPostgres(
                    site,
                    "Database",
                    props=AuroraProps(
                        name=names.name(f"{site.spec.label}-db", max_length=50),
                        catalog=self.catalog,
                        engine_version=db.engine_version,
                        master_username=db.master_username,
                        database_name=DATABASE_NAME,
                        vpc_id=site.network.vpc.id,
                        subnet_ids=private,
                        kms_key_arn=site.key.key.arn,
                        instance_class=db.instance_class,
                        instance_count=db.instance_count,
                        backup_retention_days=db.backup_retention_days,
                        deletion_protection=env.deletion_protection,
                        skip_final_snapshot=cfg.skip_final_snapshot,
                        secondary=secondary,
                        global_cluster_identifier=self.global_cluster.id,
                        secret_replicas=()
                        if secondary
                        else (SecretReplica(region=cfg.dr_region, kms_key_arn=self.dr.key.key.arn),),
                        secret_recovery_window_days=0 if names.suffix or secondary else 30,
                        # A secondary can join only once the primary cluster has its writer.
                        depends_on=(clusters[0].instances[0],) if secondary else (),
                    ),
                )
            )
        self.primary_db, self.secondary = clusters[0], clusters[1]
        use_provider(self.secondary, self.dr_provider)

    def _backups(self) -> None:
        """Each region backs up its own Aurora cluster and its copy of the sessions table into a vault of its own, so
        backups go on after a failover; every recovery point of the primary region is also copied into the DR vault,
        so a lost primary region leaves its backups in the DR region."""
        env, names, cfg = self.env, self.names, self.env.disaster_recovery

        def props(label: str, resources: tuple[Any, ...], **extra: Any) -> BackupsProps:
            return BackupsProps(
                name=names.name(label, max_length=50),
                account_id=env.account_id,
                schedule=env.backup.schedule,
                retention_days=env.backup.retention_days,
                resources=resources,
                force_destroy=names.suffix is not None,
                **extra,
            )

        primary = Backups(self.primary, "Backup", props=props("backup", (self.primary_db.cluster, self.table.table)))
        replica = f"arn:aws:dynamodb:{cfg.dr_region}:{env.account_id}:table/{self.table.table.name}"
        dr = Backups(
            self.dr,
            "Backup",
            props=props(
                "dr-backup",
                (self.secondary.cluster,),
                arns=(replica,),
                role=primary.role,
                provider=self.dr_provider,
            ),
        )
        primary.copy_to(dr.vault)

    def _outputs(self) -> None:
        for site, db, domain in (
            (self.primary, self.primary_db, self.dns.domains[0]),
            (self.dr, self.secondary, self.dns.domains[1]),
        ):
            label = site.spec.label
            for name, value, description in (
                ("vpc_id", site.network.vpc.id, "VPC id"),
                ("db_cluster_identifier", db.cluster.cluster_identifier, "Aurora cluster identifier"),
                ("db_cluster_endpoint", db.cluster.endpoint, "writer endpoint of the Aurora cluster"),
                ("db_reader_endpoint", db.cluster.reader_endpoint, "reader endpoint of the Aurora cluster"),
                ("bucket_name", site.bucket.bucket.bucket, "data bucket (primary: source; dr: replica)"),
                ("api_url", f"{site.api.invoke_url}/health", "health endpoint of the API"),
                ("function_name", site.function.function.function_name, "health function"),
                ("health_schedule_name", site.health.rule.name, "EventBridge rule invoking the health function"),
                ("health_alarm_name", site.health.alarm.alarm_name, "alarm the Route 53 health check watches"),
                ("alarm_topic_arn", site.topic.topic.arn, "SNS topic of the region's alarms"),
                ("certificate_arn", domain.issued.arn, f"ACM certificate of {self.record_name}"),
                ("regional_domain_name", domain.alias_name, "API Gateway domain name the failover record aliases"),
            ):
                self.output(f"{label}_{name}", value, f"{description} in the {label} region ({site.spec.region})")
        for name, value, description in (
            ("primary_region", self.primary.spec.region, "region serving traffic"),
            ("dr_region", self.dr.spec.region, "standby region"),
            ("global_cluster_id", self.global_cluster.id, "Aurora global database identifier"),
            ("db_secret_arn", self.primary_db.secret_arn, "master user secret (replica in the DR region)"),
            ("table_name", self.table.table.name, "DynamoDB global table (replica in the DR region)"),
            ("zone_id", self.dns.zone_id, "Route 53 hosted zone of the failover record"),
            ("record_name", self.dns.records[0].name, "failover record name (alias A records, HTTPS)"),
            ("api_url", f"https://{self.record_name}/health", "health endpoint through the failover name"),
            ("primary_health_check_id", self.dns.health_checks[0].id, "health check of the primary API"),
            ("dr_health_check_id", self.dns.health_checks[1].id, "health check of the DR API"),
            ("dashboard_name", self.alarms.dashboard.dashboard_name, "CloudWatch dashboard"),
        ):
            self.output(name, value, description)
