"""fraud-detection: a fraud-scoring container on ECS Fargate behind an ALB, with Aurora PostgreSQL, a DynamoDB
global rules table and CloudWatch monitoring, per environment.

Composition: KMS keys (logs; data: ECR, Aurora storage and secret, the rules table's home region; alarms: the alarm
topic; one rules key per replica region), the network, the ECR repository, the ALB, the Fargate service, the
database, the rules table and the monitoring (dashboard, alarms, alarm topic). Security groups chain ALB -> service
-> database. The container receives the Aurora endpoint and the rules table's name as environment variables (real
Terraform references, resolved on apply), its database credentials from the RDS-managed secret through ECS
`secrets`, and logs to its log group (awslogs-group is a reference too).

Rules table replicas, one per region in env.fraud_detection.replica_regions (none in dev): each replica is encrypted
with a key of its own region, created through an aliased provider of that region. Independent per-region keys
rather than a multi-Region key: DynamoDB decrypts and re-encrypts every replicated item with the destination
replica's key, so shared key material buys nothing here, while independent keys keep each region's key policy,
rotation and scheduled deletion separate (one region's key cannot be disabled or deleted from another) and use the
same module as every other key of the project.
"""

from __future__ import annotations

from constructs import Construct

from config import Catalog, EnvironmentRecord
from config.settings import NatGateways
from core.naming import pascal
from core.stack import WorkloadStack
from modules.aurora import AuroraPostgres, AuroraProps
from modules.backup import Backups, BackupsProps
from modules.container_registry import ContainerRegistry, ContainerRegistryProps
from modules.fargate_service import FargateService, FargateServiceProps
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.load_balancer import LoadBalancer, LoadBalancerProps
from modules.network import Network, NetworkProps
from modules.waf import WebAcl, WebAclProps
from modules.table import GlobalIndex, Replica, StreamViewType, Table, TableProps
from stacks.fraud_detection.monitoring import AlarmThresholds, Monitoring, MonitoringProps

DATABASE_NAME = "fraud"
RULE_SET_INDEX = "by-rule-set"


class FraudDetectionStack(WorkloadStack):
    """VPC, ECR, ALB, Fargate scoring service, Aurora PostgreSQL, DynamoDB global rules table, dashboard + alarms."""

    workload = "fraud-detection"
    description = "Fraud scoring on ECS Fargate behind an ALB, Aurora PostgreSQL, DynamoDB global table, monitoring"

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        super().__init__(scope, env=env, catalog=catalog, suffix=suffix)
        cfg, names = env.fraud_detection, self.names
        self.logs_key = self._key("LogsKey", "logs", "CloudWatch Logs", f"logs.{env.region}.amazonaws.com")
        self.data_key = self._key("DataKey", "data", "images, database, secret and rules table")
        self.alarm_key = self._key("AlarmKey", "alarms", "the alarm topic", "cloudwatch.amazonaws.com")
        self.network = Network(
            self,
            "Network",
            props=NetworkProps(
                name=names.name("vpc"),
                vpc_cidr=cfg.network.vpc_cidr,
                availability_zones=tuple(cfg.network.availability_zones),
                nat_gateway_per_az=cfg.network.nat_gateways is NatGateways.PER_AZ,
                region=env.region,
                account_id=env.account_id,
                log_kms_key_arn=self.logs_key.key.arn,
                flow_log_retention_days=env.log_retention_days,
            ),
        )
        private = [s.id for s in self.network.private_subnets]
        self.registry = ContainerRegistry(
            self,
            "Registry",
            props=ContainerRegistryProps(
                repository_name=names.name("scoring"),
                kms_key_arn=self.data_key.key.arn,
                force_delete=suffix is not None,
            ),
        )
        self.alb = LoadBalancer(
            self,
            "LoadBalancer",
            props=LoadBalancerProps(
                name=names.name("alb", max_length=32),
                vpc_id=self.network.vpc.id,
                subnet_ids=[s.id for s in self.network.public_subnets],
                account_id=env.account_id,
                log_bucket_name=names.bucket("alb-logs"),
                log_version_expiration_days=env.state.noncurrent_version_expiration_days,
                deletion_protection=env.deletion_protection,
                certificate_arn=cfg.certificate_arn,
                hosted_zone_id=cfg.hosted_zone_id,
                domain_name=cfg.domain_name,
                allow_plain_http=env.allow_plain_http,
            ),
        )
        self.database = AuroraPostgres(
            self,
            "Database",
            props=AuroraProps(
                name=names.name("db", max_length=50),
                catalog=catalog,
                engine_version=cfg.database.engine_version,
                master_username=cfg.database.master_username,
                database_name=DATABASE_NAME,
                vpc_id=self.network.vpc.id,
                subnet_ids=private,
                kms_key_arn=self.data_key.key.arn,
                instance_class=cfg.database.instance_class,
                instance_count=cfg.database.instance_count,
                backup_retention_days=cfg.database.backup_retention_days,
                deletion_protection=env.deletion_protection,
                skip_final_snapshot=not env.deletion_protection,
            ),
        )
        self.rules = Table(
            self,
            "Rules",
            props=TableProps(
                table_name=names.name("rules", max_length=255),
                hash_key="rule_id",
                attributes=(("rule_id", "S"), ("rule_set", "S"), ("priority", "N")),
                global_indexes=(GlobalIndex(name=RULE_SET_INDEX, hash_key="rule_set", range_key="priority"),),
                kms_key_arn=self.data_key.key.arn,
                deletion_protection=env.deletion_protection,
                stream_view_type=StreamViewType.NEW_AND_OLD_IMAGES,
                replicas=self._replicas(),
            ),
        )
        self.service = self._service()
        self.database.allow_from("Service", self.service.security_group.id)
        self.monitoring = self._monitoring()
        if env.waf.enabled:
            waf = WebAcl(
                self,
                "Waf",
                props=WebAclProps(
                    name=names.name("waf"),
                    rate_limit=env.waf.rate_limit,
                    log_kms_key_arn=self.logs_key.key.arn,
                    log_retention_days=env.log_retention_days,
                ),
            )
            waf.protect("LoadBalancerWaf", self.alb.alb, self.alb.alb.arn)
        if env.deletion_protection:  # AWS Backup of the database and the rules table (home region) (issue 18)
            Backups(
                self,
                "Backup",
                props=BackupsProps(
                    name=names.name("backup", max_length=50),
                    account_id=env.account_id,
                    schedule=env.backup.schedule,
                    retention_days=env.backup.retention_days,
                    resources=(self.database.cluster, self.rules.table),
                    force_destroy=suffix is not None,
                ),
            )
        self._outputs()

    def _key(self, id_: str, component: str, purpose: str, *principals: str) -> EncryptionKey:
        return EncryptionKey(
            self,
            id_,
            props=KmsKeyProps(
                alias=self.names.name(component),
                description=f"{purpose} of {self.names.stack_name}",
                account_id=self.env.account_id,
                service_principals=principals,
            ),
        )

    def _replicas(self) -> tuple[Replica, ...]:
        """One rules key per replica region, each created through an aliased provider of its region."""
        replicas = []
        for region in self.env.fraud_detection.replica_regions:
            provider = self.aws_provider(f"Aws{pascal(region)}", region, alias=region.replace("-", "_"))
            key = EncryptionKey(
                self,
                f"RulesKey{pascal(region)}",
                props=KmsKeyProps(
                    alias=self.names.name("rules"),
                    description=f"rules table replica of {self.names.stack_name} in {region}",
                    account_id=self.env.account_id,
                    provider=provider,
                ),
            )
            replicas.append(Replica(region=region, kms_key_arn=key.key.arn))
        return tuple(replicas)

    def _service(self) -> FargateService:
        svc, env, database, table = self.env.fraud_detection.service, self.env, self.database, self.rules.table
        secret = database.secret_arn
        return FargateService(
            self,
            "Service",
            props=FargateServiceProps(
                name=self.names.name("scoring", max_length=32),
                region=env.region,
                account_id=env.account_id,
                catalog=self.catalog,
                vpc_id=self.network.vpc.id,
                subnet_ids=[s.id for s in self.network.private_subnets],
                image=f"{self.registry.repository.repository_url}:{svc.image_tag}",
                repository_arn=self.registry.repository.arn,
                container_port=svc.container_port,
                cpu=svc.task_cpu,
                memory=svc.task_memory,
                desired_count=svc.desired_count,
                min_count=svc.min_count,
                max_count=svc.max_count,
                health_check_path=svc.health_check_path,
                listener_arn=self.alb.listener.arn,
                alb_security_group_id=self.alb.security_group.id,
                log_kms_key_arn=self.logs_key.key.arn,
                log_retention_days=env.log_retention_days,
                secrets={"DB_USERNAME": f"{secret}:username::", "DB_PASSWORD": f"{secret}:password::"},
                secret_arns=[secret],
                secret_kms_key_arns=[self.data_key.key.arn],
                environment={
                    "DB_HOST": database.cluster.endpoint,
                    "DB_PORT": str(database.port),
                    "DB_NAME": DATABASE_NAME,
                    "RULES_TABLE_NAME": table.name,
                    "RULES_BY_SET_INDEX": RULE_SET_INDEX,
                },
                task_policy_statements=(
                    {
                        "Sid": "ReadRules",
                        "Effect": "Allow",
                        "Resource": [table.arn, f"{table.arn}/index/*"],
                        "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
                    },
                    {
                        "Sid": "DecryptRules",
                        "Effect": "Allow",
                        "Action": "kms:Decrypt",
                        "Resource": self.data_key.key.arn,
                        "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{env.region}.amazonaws.com"}},
                    },
                ),
            ),
        )

    def _monitoring(self) -> Monitoring:
        limits = self.env.fraud_detection.alarms
        return Monitoring(
            self,
            "Monitoring",
            props=MonitoringProps(
                name=self.names.name("monitoring", max_length=200),
                region=self.env.region,
                account_id=self.env.account_id,
                kms_key_arn=self.alarm_key.key.arn,
                cluster_name=self.service.cluster.name,
                service_name=self.service.service.name,
                load_balancer_arn_suffix=self.alb.alb.arn_suffix,
                db_cluster_identifier=self.database.cluster.cluster_identifier,
                table_name=self.rules.table.name,
                alarm_endpoints=tuple(self.env.alarm_endpoints)
                + tuple(e for e in (self.env.fraud_detection.alarm_email,) if e and e not in self.env.alarm_endpoints),
                thresholds=AlarmThresholds(
                    service_cpu_percent=limits.service_cpu_percent,
                    service_memory_percent=limits.service_memory_percent,
                    alb_5xx_count=limits.alb_5xx_count,
                    alb_p99_latency_seconds=limits.alb_p99_latency_ms / 1000,
                    db_cpu_percent=limits.db_cpu_percent,
                    db_connections=limits.db_connections,
                    dynamodb_throttles=limits.dynamodb_throttles,
                ),
            ),
        )

    def _outputs(self) -> None:
        table, service, cluster = self.rules.table, self.service, self.database.cluster
        for name, value, description in (
            ("alb_dns_name", self.alb.alb.dns_name, "DNS name of the load balancer in front of the scoring API"),
            ("ecs_cluster_name", service.cluster.name, "Name of the ECS cluster"),
            ("ecs_service_name", service.service.name, "Name of the ECS scoring service"),
            ("log_group_name", service.log_group.name, "Log group of the scoring containers"),
            ("ecr_repository_url", self.registry.repository.repository_url, "ECR repository of the image"),
            ("db_cluster_identifier", cluster.cluster_identifier, "Aurora cluster identifier"),
            ("db_cluster_endpoint", cluster.endpoint, "Writer endpoint of the Aurora cluster"),
            ("db_secret_arn", self.database.secret_arn, "ARN of the RDS-managed master user secret"),
            ("table_name", table.name, "Name of the DynamoDB rules table (a global table where replicated)"),
            ("table_arn", table.arn, "ARN of the rules table in the home region"),
            (
                "table_replica_regions",
                list(self.env.fraud_detection.replica_regions),
                "Regions holding a replica of the rules table (empty: not replicated)",
            ),
            ("data_kms_key_arn", self.data_key.key.arn, "KMS key of the database, secret and rules table"),
            ("dashboard_name", self.monitoring.dashboard.dashboard_name, "Name of the CloudWatch dashboard"),
            ("alarm_topic_arn", self.monitoring.topic.topic.arn, "ARN of the SNS topic the alarms notify"),
        ):
            self.output(name, value, description)
