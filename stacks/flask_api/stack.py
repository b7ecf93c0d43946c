"""flask-api: a Flask API on ECS Fargate behind an internet-facing ALB, with Aurora PostgreSQL, per environment.

Composition: the load-balanced service with its database (modules/load_balanced_service.py: KMS keys for logs, data
and alarms, the network, the ECR repository, the ALB with its WAF, Aurora, the Fargate service), AWS Backup of the
database and the alarms (modules/alarms.py `service_alarms`). Security groups chain ALB -> service -> database;
only the ALB's listener ports are open to the internet. The container receives the database's host/port/name as
environment variables and its username/password from the RDS-managed secret through ECS `secrets`. Every
per-environment value comes from env.flask_api (environments.toml).
"""

from __future__ import annotations

from constructs import Construct

from config import Catalog, EnvironmentRecord
from core.stack import WorkloadStack
from modules.alarms import Alarms, service_alarms, service_thresholds
from modules.aurora import AuroraPostgres
from modules.container_registry import ContainerRegistry
from modules.fargate_service import FargateService
from modules.kms_key import EncryptionKey
from modules.load_balancer import LoadBalancer
from modules.network import Network

DATABASE_NAME = "flaskapi"


class FlaskApiStack(WorkloadStack):
    """VPC, ECR, ALB, ECS Fargate service with CPU auto scaling, Aurora PostgreSQL with a managed secret."""

    workload = "flask-api"
    description = "Flask API on ECS Fargate behind an ALB, with Aurora PostgreSQL"

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        super().__init__(scope, env=env, catalog=catalog, suffix=suffix)
        base = self.load_balanced_service(
            env.flask_api,
            database_name=DATABASE_NAME,
            service_component="api",
            registry_component="app",
            data_key_purpose="images, database and secret",
        )
        service = base.add_service()
        self.backups(base.database.cluster)  # AWS Backup where the record protects data (issue 18)
        self.alarms = self._alarms(base.alarm_key, base.alb, service, base.database)
        self._outputs(base.network, base.registry, base.alb, service, base.database)

    def _alarms(
        self, key: EncryptionKey, alb: LoadBalancer, service: FargateService, database: AuroraPostgres
    ) -> Alarms:
        """ALB 5xx and latency, service CPU and memory, Aurora CPU and connections; thresholds from the record."""
        env = self.env
        return Alarms(
            self,
            "Alarms",
            props=self.alarms_props(
                "api",
                kms_key_arn=key.key.arn,
                alarms=service_alarms(
                    load_balancer_arn_suffix=alb.alb.arn_suffix,
                    cluster_name=service.cluster.name,
                    service_name=service.service.name,
                    db_cluster_identifier=database.cluster.cluster_identifier,
                    thresholds=service_thresholds(env.flask_api.alarms),
                    subject="API",
                    percent_units=True,
                ),
            ),
        )

    def _outputs(
        self,
        network: Network,
        registry: ContainerRegistry,
        alb: LoadBalancer,
        service: FargateService,
        database: AuroraPostgres,
    ) -> None:
        self.output("vpc_id", network.vpc.id, "ID of the workload's VPC")
        self.output("public_subnet_ids", [s.id for s in network.public_subnets], "Public subnets (ALB, NAT)")
        self.output("private_subnet_ids", [s.id for s in network.private_subnets], "Private subnets (tasks, DB)")
        self.output("flow_log_group_name", network.flow_log_group.name, "Log group of the VPC flow logs")
        self.output("alb_dns_name", alb.alb.dns_name, "DNS name of the load balancer")
        self.output("alb_arn", alb.alb.arn, "ARN of the load balancer")
        self.output("ecs_cluster_name", service.cluster.name, "Name of the ECS cluster")
        self.output("ecs_service_name", service.service.name, "Name of the ECS service")
        self.output("ecs_task_definition_arn", service.task_definition.arn, "ARN of the task definition revision")
        self.output("ecr_repository_url", registry.repository.repository_url, "URL of the ECR repository")
        self.output("db_cluster_identifier", database.cluster.cluster_identifier, "Aurora cluster identifier")
        self.output("db_cluster_endpoint", database.cluster.endpoint, "Writer endpoint of the Aurora cluster")
        self.output("db_cluster_reader_endpoint", database.cluster.reader_endpoint, "Reader endpoint")
        self.output("db_secret_arn", database.secret_arn, "ARN of the RDS-managed master user secret")
        self.output("log_group_name", service.log_group.name, "Log group of the API containers")
        self.output("alarm_topic_arn", self.alarms.topic.topic.arn, "ARN of the SNS topic the alarms notify")
