"""flask-api: a Flask API on ECS Fargate behind an internet-facing ALB, with Aurora PostgreSQL, per environment.

Composition: two KMS keys (logs; data: ECR, Aurora storage, its managed secret, Performance Insights), the network
(public + private subnets, NAT, flow logs, S3 endpoint), the ECR repository, the ALB, the Fargate service and the
database. Security groups chain ALB -> service -> database; only the ALB's listener ports are open to the internet.
The container receives the database's host/port/name as environment variables and its username/password from the
RDS-managed secret through ECS `secrets`. Every per-environment value comes from env.flask_api (environments.toml).
"""

from __future__ import annotations

from constructs import Construct

from config import Catalog, EnvironmentRecord
from config.settings import NatGateways
from core.stack import WorkloadStack
from modules.alarms import Alarms, AlarmsProps, MetricAlarm
from modules.aurora import AuroraPostgres, AuroraProps
from modules.backup import Backups, BackupsProps
from modules.container_registry import ContainerRegistry, ContainerRegistryProps
from modules.fargate_service import FargateService, FargateServiceProps
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.load_balancer import LoadBalancer, LoadBalancerProps
from modules.network import Network, NetworkProps
from modules.waf import WebAcl, WebAclProps

DATABASE_NAME = "flaskapi"


class FlaskApiStack(WorkloadStack):
    """VPC, ECR, ALB, ECS Fargate service with CPU auto scaling, Aurora PostgreSQL with a managed secret."""

    workload = "flask-api"
    description = "Flask API on ECS Fargate behind an ALB, with Aurora PostgreSQL"

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        super().__init__(scope, env=env, catalog=catalog, suffix=suffix)
        cfg, names = env.flask_api, self.names
        logs_key = EncryptionKey(
            self,
            "LogsKey",
            props=KmsKeyProps(
                alias=names.name("logs"),
                description=f"CloudWatch Logs of {names.stack_name}",
                account_id=env.account_id,
                service_principals=(f"logs.{env.region}.amazonaws.com",),
            ),
        )
        data_key = EncryptionKey(
            self,
            "DataKey",
            props=KmsKeyProps(
                alias=names.name("data"),
                description=f"images, database and secret of {names.stack_name}",
                account_id=env.account_id,
            ),
        )
        network = Network(
            self,
            "Network",
            props=NetworkProps(
                name=names.name("vpc"),
                vpc_cidr=cfg.network.vpc_cidr,
                availability_zones=tuple(cfg.network.availability_zones),
                nat_gateway_per_az=cfg.network.nat_gateways is NatGateways.PER_AZ,
                region=env.region,
                account_id=env.account_id,
                log_kms_key_arn=logs_key.key.arn,
                flow_log_retention_days=env.log_retention_days,
            ),
        )
        registry = ContainerRegistry(
            self,
            "Registry",
            props=ContainerRegistryProps(
                repository_name=names.name("app"), kms_key_arn=data_key.key.arn, force_delete=suffix is not None
            ),
        )
        alb = LoadBalancer(
            self,
            "LoadBalancer",
            props=LoadBalancerProps(
                name=names.name("alb", max_length=32),
                vpc_id=network.vpc.id,
                subnet_ids=[s.id for s in network.public_subnets],
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
        database = AuroraPostgres(
            self,
            "Database",
            props=AuroraProps(
                name=names.name("db", max_length=50),
                catalog=catalog,
                engine_version=cfg.database.engine_version,
                master_username=cfg.database.master_username,
                database_name=DATABASE_NAME,
                vpc_id=network.vpc.id,
                subnet_ids=[s.id for s in network.private_subnets],
                kms_key_arn=data_key.key.arn,
                instance_class=cfg.database.instance_class,
                instance_count=cfg.database.instance_count,
                backup_retention_days=cfg.database.backup_retention_days,
                deletion_protection=env.deletion_protection,
                skip_final_snapshot=not env.deletion_protection,
            ),
        )
        secret = database.secret_arn
        svc = cfg.service
        service = FargateService(
            self,
            "Service",
            props=FargateServiceProps(
                name=names.name("api", max_length=32),
                region=env.region,
                account_id=env.account_id,
                catalog=catalog,
                vpc_id=network.vpc.id,
                subnet_ids=[s.id for s in network.private_subnets],
                image=f"{registry.repository.repository_url}:{svc.image_tag}",
                repository_arn=registry.repository.arn,
                container_port=svc.container_port,
                cpu=svc.task_cpu,
                memory=svc.task_memory,
                desired_count=svc.desired_count,
                min_count=svc.min_count,
                max_count=svc.max_count,
                health_check_path=svc.health_check_path,
                listener_arn=alb.listener.arn,
                alb_security_group_id=alb.security_group.id,
                log_kms_key_arn=logs_key.key.arn,
                log_retention_days=env.log_retention_days,
                secrets={"DB_USERNAME": f"{secret}:username::", "DB_PASSWORD": f"{secret}:password::"},
                secret_arns=[secret],
                secret_kms_key_arns=[data_key.key.arn],
                environment={
                    "DB_HOST": database.cluster.endpoint,
                    "DB_PORT": str(database.port),
                    "DB_NAME": DATABASE_NAME,
                },
            ),
        )
        database.allow_from("Service", service.security_group.id)
        if env.waf.enabled:
            waf = WebAcl(
                self,
                "Waf",
                props=WebAclProps(
                    name=names.name("waf"),
                    rate_limit=env.waf.rate_limit,
                    log_kms_key_arn=logs_key.key.arn,
                    log_retention_days=env.log_retention_days,
                ),
            )
            waf.protect("LoadBalancerWaf", alb.alb, alb.alb.arn)
        if env.deletion_protection:  # AWS Backup of the database where the record protects data (issue 18)
            Backups(
                self,
                "Backup",
                props=BackupsProps(
                    name=names.name("backup", max_length=50),
                    account_id=env.account_id,
                    schedule=env.backup.schedule,
                    retention_days=env.backup.retention_days,
                    resources=(database.cluster,),
                    force_destroy=suffix is not None,
                ),
            )
        self.alarms = self._alarms(alb, service, database)
        self._outputs(network, registry, alb, service, database)

    def _alarms(self, alb: LoadBalancer, service: FargateService, database: AuroraPostgres) -> Alarms:
        """ALB 5xx and latency, service CPU and memory, Aurora CPU and connections; thresholds from the record."""
        env, limits = self.env, self.env.flask_api.alarms
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
        lb = {"LoadBalancer": alb.alb.arn_suffix}
        svc = {"ClusterName": service.cluster.name, "ServiceName": service.service.name}
        db = {"DBClusterIdentifier": database.cluster.cluster_identifier}
        return Alarms(
            self,
            "Alarms",
            props=AlarmsProps(
                name=self.names.name("api", max_length=200),
                region=env.region,
                account_id=env.account_id,
                kms_key_arn=key.key.arn,
                endpoints=tuple(env.alarm_endpoints),
                alarms=(
                    MetricAlarm(
                        suffix="alb-5xx",
                        namespace="AWS/ApplicationELB",
                        metric="HTTPCode_ELB_5XX_Count",
                        dimensions=lb,
                        statistic="Sum",
                        threshold=limits.alb_5xx_count,
                        description="5xx answers generated by the load balancer",
                    ),
                    MetricAlarm(
                        suffix="target-5xx",
                        namespace="AWS/ApplicationELB",
                        metric="HTTPCode_Target_5XX_Count",
                        dimensions=lb,
                        statistic="Sum",
                        threshold=limits.alb_5xx_count,
                        description="5xx answers of the API tasks",
                    ),
                    MetricAlarm(
                        suffix="alb-latency",
                        namespace="AWS/ApplicationELB",
                        metric="TargetResponseTime",
                        dimensions=lb,
                        statistic="p99",
                        threshold=limits.alb_p99_latency_ms / 1000,
                        description="p99 response time of the API tasks (seconds)",
                    ),
                    MetricAlarm(
                        suffix="service-cpu",
                        namespace="AWS/ECS",
                        metric="CPUUtilization",
                        dimensions=svc,
                        statistic="Average",
                        threshold=limits.service_cpu_percent,
                        description="average CPU of the API service (%)",
                    ),
                    MetricAlarm(
                        suffix="service-memory",
                        namespace="AWS/ECS",
                        metric="MemoryUtilization",
                        dimensions=svc,
                        statistic="Average",
                        threshold=limits.service_memory_percent,
                        description="average memory of the API service (%)",
                    ),
                    MetricAlarm(
                        suffix="db-cpu",
                        namespace="AWS/RDS",
                        metric="CPUUtilization",
                        dimensions=db,
                        statistic="Average",
                        threshold=limits.db_cpu_percent,
                        description="average CPU of the Aurora cluster (%)",
                    ),
                    MetricAlarm(
                        suffix="db-connections",
                        namespace="AWS/RDS",
                        metric="DatabaseConnections",
                        dimensions=db,
                        statistic="Maximum",
                        threshold=limits.db_connections,
                        description="connections to the Aurora cluster",
                    ),
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
