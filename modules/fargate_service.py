"""One container behind an ALB listener on ECS Fargate, in private subnets, scaled on CPU.

Defaults:
- cluster with Container Insights; platform version LATEST; no public IPs
- task definition: one essential container, read-only root filesystem, awslogs to a KMS-encrypted log group with
  retention from props; `secrets` (name -> Secrets Manager ARN or `ARN:json-key::`) are injected by ECS, never
  written as environment variables; references in the JSON are real Terraform references
- execution role: pull from the one repository, write to the one log group, read the listed secrets and decrypt
  them with the listed keys, nothing else; task role: only `task_policy_statements`
- target group of ip targets, deregistration delay 30 s; health check on the path: HTTP 200, every 30 s, timeout
  5 s, healthy and unhealthy after 3 checks; a listener rule forwards every path to it
- security groups: the ALB may reach the container port only; the service may reach HTTPS only (port 443 to
  0.0.0.0/0: the AWS APIs), and whatever other modules open to it (modules/aurora.py)
- deployment circuit breaker with rollback; health check grace period 60 s; Application Auto Scaling between min
  and max on average CPU (target tracking, scale-in cooldown 120 s, scale-out cooldown 60 s)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration as TargetTracking,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification as Metric,
)
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
from cdktf_cdktf_provider_aws.ecs_service import (
    EcsService,
    EcsServiceDeploymentCircuitBreaker,
    EcsServiceLoadBalancer,
    EcsServiceNetworkConfiguration,
)
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from config import limits
from config.catalog import Catalog
from core.props import prop_problem, raise_problems
from core.suppress import suppress, suppress_short_retention
from modules.fargate_roles import FargateRoles, FargateRolesProps


@dataclass(frozen=True, kw_only=True)
class FargateServiceProps:  # pylint: disable=too-many-instance-attributes
    """Props of FargateService."""

    #: prefix of the cluster, service, task family, roles, target group and log group names
    name: str
    #: region of the service (the awslogs driver's region)
    region: str
    #: account of the service and its roles
    account_id: str
    #: the catalog that cpu and memory are checked against (valid Fargate sizes)
    catalog: Catalog
    #: VPC of the target group and the service's security group
    vpc_id: str
    #: private subnets the tasks run in (no public IP)
    subnet_ids: list[str]
    #: container image (repository URL and tag)
    image: str
    #: ECR repository the execution role may pull from
    repository_arn: str
    #: port the container listens on (target group and security group use it)
    container_port: int
    #: task CPU units (a valid Fargate combination with memory)
    cpu: int
    #: task memory in MiB
    memory: int
    #: tasks at creation (auto scaling moves it between min_count and max_count)
    desired_count: int
    #: fewest tasks auto scaling keeps
    min_count: int
    #: most tasks auto scaling starts
    max_count: int
    #: HTTP path of the target group's health check
    health_check_path: str
    #: HTTPS listener the service's rule is added to
    listener_arn: str
    #: security group of the load balancer (the only ingress source)
    alb_security_group_id: str
    #: KMS key encrypting the application log group
    log_kms_key_arn: str
    #: days the application logs are kept
    log_retention_days: int
    secrets: dict[str, str]
    #: secrets the execution role may read
    secret_arns: list[str]
    #: KMS keys of those secrets
    secret_kms_key_arns: list[str]
    #: plain environment variables of the container (no secrets)
    environment: dict[str, str]
    task_policy_statements: tuple[dict[str, Any], ...] = ()
    #: name of the container in the task definition
    container_name: str = "app"
    #: average CPU the target tracking policy keeps
    cpu_target_percent: float = 60.0
    #: priority of the listener rule forwarding to the service
    listener_rule_priority: int = 100


def _problems(props: FargateServiceProps) -> list[str | None]:
    return [
        prop_problem("memory", props.catalog.fargate_size_problem(props.cpu, props.memory)),
        prop_problem("min_count", limits.positive(props.min_count)),
        limits.fargate_counts(props.min_count, props.desired_count, props.max_count),
        None if len(props.name) <= 32 else f"name {props.name!r} is longer than a target group's 32 characters",
        prop_problem("container_port", limits.port(props.container_port)),
        prop_problem("health_check_path", limits.health_check_path(props.health_check_path)),
    ]


def container_definitions(props: FargateServiceProps, log_group_name: str) -> str:
    """The task's container definitions: JSON whose references Terraform resolves on apply."""
    return json.dumps(
        [
            {
                "name": props.container_name,
                "image": props.image,
                "essential": True,
                "readonlyRootFilesystem": True,
                "portMappings": [
                    {"containerPort": props.container_port, "hostPort": props.container_port, "protocol": "tcp"}
                ],
                "environment": [{"name": k, "value": v} for k, v in sorted(props.environment.items())],
                "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(props.secrets.items())],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": log_group_name,
                        "awslogs-region": props.region,
                        "awslogs-stream-prefix": props.container_name,
                    },
                },
            }
        ],
        sort_keys=True,
    )


class FargateService(Construct):  # pylint: disable=too-many-instance-attributes
    """`cluster`, `service`, `task_definition`, `target_group`, `security_group`, `log_group`, `roles`."""

    def __init__(self, scope: Construct, id_: str, *, props: FargateServiceProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"FargateService {id_}", _problems(props))
        self.log_group = CloudwatchLogGroup(
            self,
            "LogGroup",
            name=f"/ecs/{props.name}",
            retention_in_days=props.log_retention_days,
            kms_key_id=props.log_kms_key_arn,
        )
        suppress_short_retention(
            self.log_group, what="application logs", days=props.log_retention_days, record_field="log_retention_days"
        )
        self.roles = FargateRoles(
            self,
            "Roles",
            props=FargateRolesProps(
                name=props.name,
                account_id=props.account_id,
                repository_arn=props.repository_arn,
                log_group_arn=self.log_group.arn,
                secret_arns=props.secret_arns,
                secret_kms_key_arns=props.secret_kms_key_arns,
                task_policy_statements=props.task_policy_statements,
            ),
        )
        self.cluster = EcsCluster(
            self, "Cluster", name=props.name, setting=[EcsClusterSetting(name="containerInsights", value="enabled")]
        )
        self.task_definition = EcsTaskDefinition(
            self,
            "TaskDefinition",
            family=props.name,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(props.cpu),
            memory=str(props.memory),
            execution_role_arn=self.roles.execution_role.arn,
            task_role_arn=self.roles.task_role.arn,
            container_definitions=container_definitions(props, self.log_group.name),
        )
        self._network(props)
        self.service = EcsService(
            self,
            "Service",
            name=props.name,
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=props.desired_count,
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=props.subnet_ids, security_groups=[self.security_group.id], assign_public_ip=False
            ),
            load_balancer=[
                EcsServiceLoadBalancer(
                    target_group_arn=self.target_group.arn,
                    container_name=props.container_name,
                    container_port=props.container_port,
                )
            ],
            deployment_circuit_breaker=EcsServiceDeploymentCircuitBreaker(enable=True, rollback=True),
            health_check_grace_period_seconds=60,
            depends_on=[self.listener_rule],
            # Auto scaling owns the running count once deployed.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_count"]),
        )
        self._scaling(props)

    def _network(self, props: FargateServiceProps) -> None:
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{props.name}-tasks",
            vpc_id=props.vpc_id,
            description=f"{props.name} tasks: from the ALB only",
            tags={"Name": f"{props.name}-tasks"},
        )
        port = props.container_port
        VpcSecurityGroupIngressRule(
            self,
            "FromAlb",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=props.alb_security_group_id,
            description="load balancer to the container port",
        )
        VpcSecurityGroupEgressRule(
            self,
            "AlbToTasks",
            security_group_id=props.alb_security_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=self.security_group.id,
            description=f"to the {props.name} tasks",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToAwsApis",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            description="HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs)",
        )
        self.target_group = LbTargetGroup(
            self,
            "TargetGroup",
            name=props.name,
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=props.vpc_id,
            deregistration_delay="30",
            health_check=LbTargetGroupHealthCheck(
                enabled=True,
                path=props.health_check_path,
                matcher="200",
                protocol="HTTP",
                interval=30,
                timeout=5,
                healthy_threshold=3,
                unhealthy_threshold=3,
            ),
        )
        suppress(
            self.target_group,
            "CKV_AWS_378",
            "TLS ends at the load balancer; from there to the tasks traffic "
            "stays inside the VPC, allowed only from the ALB's security group",
        )
        self.listener_rule = LbListenerRule(
            self,
            "ListenerRule",
            listener_arn=props.listener_arn,
            priority=props.listener_rule_priority,
            action=[LbListenerRuleAction(type="forward", target_group_arn=self.target_group.arn)],
            condition=[LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=["/*"]))],
        )

    def _scaling(self, props: FargateServiceProps) -> None:
        self.scaling_target = AppautoscalingTarget(
            self,
            "ScalingTarget",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=f"service/{self.cluster.name}/{self.service.name}",
            min_capacity=props.min_count,
            max_capacity=props.max_count,
        )
        AppautoscalingPolicy(
            self,
            "CpuScaling",
            name=f"{props.name}-cpu",
            policy_type="TargetTrackingScaling",
            service_namespace=self.scaling_target.service_namespace,
            resource_id=self.scaling_target.resource_id,
            scalable_dimension=self.scaling_target.scalable_dimension,
            target_tracking_scaling_policy_configuration=TargetTracking(
                target_value=props.cpu_target_percent,
                scale_in_cooldown=120,
                scale_out_cooldown=60,
                predefined_metric_specification=Metric(predefined_metric_type="ECSServiceAverageCPUUtilization"),
            ),
        )
