"""healthcare-api: an API Gateway REST API with RDS PostgreSQL and Redis for health data, in its own region.

Composition: one customer-managed KMS key (rotating) encrypts every data resource and log: the database storage, its
RDS-managed master secret and Performance Insights, Redis at rest, and the API access, database and VPC flow log
groups. The network has private subnets for the data tier and NAT egress; the database and Redis accept no
connections yet: the only route, GET /health, is a MOCK integration, and the first VPC backend passes its own
security group in `allowed_security_group_ids` of both. Audit: API access logs, PostgreSQL and upgrade logs, VPC
flow logs, all kept `audit_log_retention_days`. Region and every per-environment value come from
env.healthcare_api (environments.toml); the state stays in the environment's state bucket.
"""

from __future__ import annotations

from constructs import Construct

from config import Catalog, EnvironmentRecord
from core.stack import WorkloadStack
from modules.alarms import Alarms, MetricAlarm
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.network import Network, network_props
from modules.waf import WebAcl, WebAclProps
from modules.postgres_instance import PostgresInstance, PostgresInstanceProps
from modules.redis_cache import RedisCache, RedisCacheProps
from modules.rest_api import RestApi, RestApiProps

DATABASE_NAME = "healthcare"


class HealthcareApiStack(WorkloadStack):
    """KMS key, VPC, RDS PostgreSQL with a managed secret, encrypted Redis, REST API with /health and audit logs."""

    workload = "healthcare-api"
    description = "API Gateway REST API with RDS PostgreSQL, KMS, Secrets Manager and encrypted Redis"

    @property
    def region(self) -> str:
        """The workload's own region (healthcare_api.region), not the environment's home region."""
        return self.env.healthcare_api.region

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        super().__init__(scope, env=env, catalog=catalog, suffix=suffix)
        cfg, names, region = env.healthcare_api, self.names, self.region
        self.key = EncryptionKey(
            self,
            "DataKey",
            props=KmsKeyProps(
                alias=names.name("data"),
                description=f"health data and audit logs of {names.stack_name}",
                account_id=env.account_id,
                service_principals=(f"logs.{region}.amazonaws.com",),
            ),
        )
        key_arn = self.key.key.arn
        self.network = Network(
            self,
            "Network",
            props=network_props(
                cfg.network,
                name=names.name("vpc"),
                region=region,
                account_id=env.account_id,
                log_kms_key_arn=key_arn,
                flow_log_retention_days=cfg.audit_log_retention_days,
                retention_field="healthcare_api.audit_log_retention_days",
            ),
        )
        private = [s.id for s in self.network.private_subnets]
        db, redis = cfg.database, cfg.cache
        self.database = PostgresInstance(
            self,
            "Database",
            props=PostgresInstanceProps(
                name=names.name("db", max_length=53),
                catalog=catalog,
                engine_version=db.engine_version,
                master_username=db.master_username,
                database_name=DATABASE_NAME,
                vpc_id=self.network.vpc.id,
                subnet_ids=private,
                kms_key_arn=key_arn,
                instance_class=db.instance_class,
                allocated_storage_gb=db.allocated_storage_gb,
                multi_az=db.multi_az,
                backup_retention_days=db.backup_retention_days,
                deletion_protection=env.deletion_protection,
                skip_final_snapshot=not env.deletion_protection,
                log_retention_days=cfg.audit_log_retention_days,
                retention_field="healthcare_api.audit_log_retention_days",
            ),
        )
        self.cache = RedisCache(
            self,
            "Cache",
            props=RedisCacheProps(
                name=names.name("redis", max_length=32),
                catalog=catalog,
                engine_version=redis.engine_version,
                vpc_id=self.network.vpc.id,
                subnet_ids=private,
                kms_key_arn=key_arn,
                node_type=redis.node_type,
                num_cache_clusters=redis.num_cache_clusters,
                automatic_failover=redis.automatic_failover,
                multi_az=redis.multi_az,
            ),
        )
        self.api = RestApi(
            self,
            "Api",
            props=RestApiProps(
                name=names.name("api"),
                stage_name=names.env_id,
                log_kms_key_arn=key_arn,
                log_retention_days=cfg.audit_log_retention_days,
                retention_field="healthcare_api.audit_log_retention_days",
                throttling_rate_limit=cfg.throttling_rate_limit,
                throttling_burst_limit=cfg.throttling_burst_limit,
                # One API Gateway CloudWatch role per account and region: the environment's stack sets it, an
                # ephemeral copy in the same account uses it.
                manage_account_logging_role=suffix is None,
                cache_size_gb=env.api_stage.cache_size_gb,
                cache_ttl_seconds=env.api_stage.cache_ttl_seconds,
                client_certificate=env.api_stage.client_certificate,
            ),
        )
        if env.waf.enabled:
            waf = WebAcl(
                self,
                "Waf",
                props=WebAclProps(
                    name=names.name("waf"),
                    rate_limit=env.waf.rate_limit,
                    log_kms_key_arn=key_arn,
                    log_retention_days=cfg.audit_log_retention_days,
                ),
            )
            waf.protect("StageWaf", self.api.stage, self.api.stage.arn)
        self.backups(self.database.instance)  # AWS Backup of the health database, in the workload's region (issue 18)
        self.alarms = self._alarms()
        self._outputs()

    def _alarms(self) -> Alarms:
        """API 5xx and latency, DB CPU/connections/free storage, Redis CPU and memory per node (record thresholds)."""
        env, cfg = self.env, self.env.healthcare_api
        limits = cfg.alarms
        key = EncryptionKey(
            self,
            "AlarmKey",
            props=KmsKeyProps(
                alias=self.names.name("alarms"),
                description=f"the alarm topic of {self.names.stack_name}",
                account_id=env.account_id,
                service_principals=("cloudwatch.amazonaws.com",),
            ),
        )
        api = {"ApiName": self.api.api.name, "Stage": self.api.stage.stage_name}
        db = {"DBInstanceIdentifier": self.database.instance.identifier}
        alarms = [
            MetricAlarm(
                suffix="api-5xx",
                namespace="AWS/ApiGateway",
                metric="5XXError",
                dimensions=api,
                statistic="Sum",
                threshold=limits.api_5xx_count,
                description="5xx answers of the API stage",
            ),
            MetricAlarm(
                suffix="api-latency",
                namespace="AWS/ApiGateway",
                metric="Latency",
                dimensions=api,
                statistic="p99",
                threshold=limits.api_p99_latency_ms,
                description="p99 latency of the API stage (ms)",
            ),
            MetricAlarm(
                suffix="db-cpu",
                namespace="AWS/RDS",
                metric="CPUUtilization",
                dimensions=db,
                statistic="Average",
                threshold=limits.db_cpu_percent,
                description="average CPU of the DB instance (%)",
            ),
            MetricAlarm(
                suffix="db-connections",
                namespace="AWS/RDS",
                metric="DatabaseConnections",
                dimensions=db,
                statistic="Maximum",
                threshold=limits.db_connections,
                description="connections to the DB instance",
            ),
            MetricAlarm(
                suffix="db-free-storage",
                namespace="AWS/RDS",
                metric="FreeStorageSpace",
                dimensions=db,
                statistic="Minimum",
                threshold=limits.db_free_storage_mb * 1024 * 1024,
                description="free storage of the DB instance (bytes)",
                comparison="LessThanThreshold",
            ),
        ]
        group = self.cache.replication_group.replication_group_id
        for node in range(1, cfg.cache.num_cache_clusters + 1):  # member clusters are <group>-001, -002, ...
            member = {"CacheClusterId": f"{group}-{node:03d}"}
            alarms += [
                MetricAlarm(
                    suffix=f"redis-{node}-cpu",
                    namespace="AWS/ElastiCache",
                    metric="EngineCPUUtilization",
                    dimensions=member,
                    statistic="Average",
                    threshold=limits.redis_cpu_percent,
                    description=f"engine CPU of Redis node {node} (%)",
                ),
                MetricAlarm(
                    suffix=f"redis-{node}-memory",
                    namespace="AWS/ElastiCache",
                    metric="DatabaseMemoryUsagePercentage",
                    dimensions=member,
                    statistic="Average",
                    threshold=limits.redis_memory_percent,
                    description=f"memory used by the data set on Redis node {node} (%)",
                ),
            ]
        return Alarms(self, "Alarms", props=self.alarms_props("api", kms_key_arn=key.key.arn, alarms=alarms))

    def _outputs(self) -> None:
        self.output("vpc_id", self.network.vpc.id, "ID of the workload's VPC")
        self.output("api_invoke_url", self.api.invoke_url, "Invoke URL of the API stage (GET <url>/health)")
        self.output("api_stage_name", self.api.stage.stage_name, "Name of the API stage (the environment id)")
        self.output("api_id", self.api.api.id, "ID of the REST API")
        self.output("db_endpoint", self.database.instance.endpoint, "Endpoint (host:port) of the PostgreSQL instance")
        self.output("db_instance_identifier", self.database.instance.identifier, "Identifier of the DB instance")
        self.output("db_secret_arn", self.database.secret_arn, "ARN of the RDS-managed master user secret")
        self.output("kms_key_arn", self.key.key.arn, "ARN of the KMS key encrypting data, secret and logs")
        self.output(
            "redis_primary_endpoint_address",
            self.cache.primary_endpoint,
            "Primary endpoint address of the Redis replication group (cluster mode disabled)",
        )
        self.output(
            "redis_replication_group_id",
            self.cache.replication_group.replication_group_id,
            "ID of the Redis replication group",
        )
        self.output("alarm_topic_arn", self.alarms.topic.topic.arn, "ARN of the SNS topic the alarms notify")
