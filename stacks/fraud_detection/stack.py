"""fraud-detection: a fraud-scoring container on ECS Fargate behind an ALB, with Aurora PostgreSQL, a DynamoDB
global rules table and CloudWatch monitoring, per environment.

Composition: the load-balanced service with its database (modules/load_balanced_service.py: KMS keys for logs, data
(ECR, Aurora storage and secret, the rules table's home region) and alarms, the network, the ECR repository, the ALB
with its WAF, Aurora, the Fargate service), the rules table (one rules key per replica region), AWS Backup of the
database and the table, and the monitoring (dashboard, alarms, alarm topic). Security groups chain ALB -> service
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
from core.naming import pascal
from core.stack import WorkloadStack
from modules.fargate_service import FargateService
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.load_balanced_service import ServiceExtras
from modules.alarms import service_thresholds
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
        self.base = self.load_balanced_service(
            cfg,
            database_name=DATABASE_NAME,
            service_component="scoring",
            registry_component="scoring",
            data_key_purpose="images, database, secret and rules table",
        )
        self.rules = Table(
            self,
            "Rules",
            props=TableProps(
                table_name=names.name("rules", max_length=255),
                hash_key="rule_id",
                attributes=(("rule_id", "S"), ("rule_set", "S"), ("priority", "N")),
                global_indexes=(GlobalIndex(name=RULE_SET_INDEX, hash_key="rule_set", range_key="priority"),),
                kms_key_arn=self.base.data_key.key.arn,
                deletion_protection=env.deletion_protection,
                stream_view_type=StreamViewType.NEW_AND_OLD_IMAGES,
                replicas=self._replicas(),
            ),
        )
        self.service = self._service()
        self.monitoring = self._monitoring()
        self.backups(self.base.database.cluster, self.rules.table)  # the database and the rules table (home region)
        self._outputs()

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
        """The scoring service: the rules table's name and index in its environment, read access to the table."""
        table, region = self.rules.table, self.env.region
        return self.base.add_service(
            ServiceExtras(
                environment={"RULES_TABLE_NAME": table.name, "RULES_BY_SET_INDEX": RULE_SET_INDEX},
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
                        "Resource": self.base.data_key.key.arn,
                        "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}},
                    },
                ),
            )
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
                kms_key_arn=self.base.alarm_key.key.arn,
                cluster_name=self.service.cluster.name,
                service_name=self.service.service.name,
                load_balancer_arn_suffix=self.base.alb.alb.arn_suffix,
                db_cluster_identifier=self.base.database.cluster.cluster_identifier,
                table_name=self.rules.table.name,
                alarm_endpoints=tuple(self.env.alarm_endpoints)
                + tuple(e for e in (self.env.fraud_detection.alarm_email,) if e and e not in self.env.alarm_endpoints),
                thresholds=AlarmThresholds(
                    **service_thresholds(limits).__dict__, dynamodb_throttles=limits.dynamodb_throttles
                ),
            ),
        )

    def _outputs(self) -> None:
        table, service, cluster = self.rules.table, self.service, self.base.database.cluster
        for name, value, description in (
            ("alb_dns_name", self.base.alb.alb.dns_name, "DNS name of the load balancer in front of the scoring API"),
            ("ecs_cluster_name", service.cluster.name, "Name of the ECS cluster"),
            ("ecs_service_name", service.service.name, "Name of the ECS scoring service"),
            ("log_group_name", service.log_group.name, "Log group of the scoring containers"),
            ("ecr_repository_url", self.base.registry.repository.repository_url, "ECR repository of the image"),
            ("db_cluster_identifier", cluster.cluster_identifier, "Aurora cluster identifier"),
            ("db_cluster_endpoint", cluster.endpoint, "Writer endpoint of the Aurora cluster"),
            ("db_secret_arn", self.base.database.secret_arn, "ARN of the RDS-managed master user secret"),
            ("table_name", table.name, "Name of the DynamoDB rules table (a global table where replicated)"),
            ("table_arn", table.arn, "ARN of the rules table in the home region"),
            (
                "table_replica_regions",
                list(self.env.fraud_detection.replica_regions),
                "Regions holding a replica of the rules table (empty: not replicated)",
            ),
            ("data_kms_key_arn", self.base.data_key.key.arn, "KMS key of the database, secret and rules table"),
            ("dashboard_name", self.monitoring.dashboard.dashboard_name, "Name of the CloudWatch dashboard"),
            ("alarm_topic_arn", self.monitoring.topic.topic.arn, "ARN of the SNS topic the alarms notify"),
        ):
            self.output(name, value, description)
