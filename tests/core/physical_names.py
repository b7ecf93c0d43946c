"""Every physical name the stacks synthesize, with the limit and character set its AWS service documents.

Sources: the API references of each service (CreateLoadBalancer / CreateTargetGroup Name: 32 characters,
alphanumerics and hyphens, not starting or ending with a hyphen; IAM CreateRole RoleName: 64, [\\w+=,.@-];
Lambda FunctionName: 64, [a-zA-Z0-9-_]; S3 bucket naming rules: 3-63, lowercase letters, digits, '-' and '.',
starting and ending with a letter or digit; SQS QueueName: 80, alphanumerics, '-' and '_'; SNS topic: 256, same set;
RDS DBInstanceIdentifier / DBClusterIdentifier: 63, letters, digits and hyphens, first a letter, no '--' and no
trailing '-'; ElastiCache ReplicationGroupId: 40, same rule; ElastiCache UserId: pattern [a-zA-Z][a-zA-Z0-9-]*
with no documented maximum, held to the replication group's 40 here; ECS cluster, service and task family: 255,
letters, digits, '-' and '_'; ECR repository: 2-256, lowercase, [a-z0-9._/-] groups; CloudWatch log group: 512,
[.-_/#A-Za-z0-9]; KMS alias: 256 with 'alias/', [a-zA-Z0-9/_-], not 'alias/aws'; DynamoDB table: 3-255,
[a-zA-Z0-9_.-]; CloudWatch alarm 255, dashboard 255 [a-zA-Z0-9_-]; Application Auto Scaling policy: 256;
AWS Backup CreateBackupVault BackupVaultName 2-50 [a-zA-Z0-9_-], BackupPlanName and SelectionName 1-50 [a-zA-Z0-9_.-];
CloudTrail CreateTrail Name: 3-128, letters, digits, '.', '_' and '-', starting and ending with a letter or digit, no
two of '.', '_', '-' in a row;
EC2 security group: 255; DB subnet/parameter groups: 255; API Gateway REST API: 1024 here (no documented
maximum is tighter)).

`unique` marks names that must differ between two copies of a stack in one account and region (so they must carry
the environment and the suffix); scoped names (inline policy names, a Redis user's user name `default`, Route 53
records of the environment's own domain) need not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

_RDS = r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]"
_ALB = r"(?!internal-)[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"


@dataclass(frozen=True)
class Rule:
    """The limit and character set of one kind of physical name."""

    max_length: int
    pattern: str
    unique: bool = True
    min_length: int = 1


RULES: dict[tuple[str, str], Rule] = {
    ("aws_lb", "name"): Rule(32, _ALB),
    ("aws_lb_target_group", "name"): Rule(32, _ALB),
    ("aws_iam_role", "name"): Rule(64, r"[\w+=,.@-]+"),
    ("aws_iam_role_policy", "name"): Rule(128, r"[\w+=,.@-]+", unique=False),
    ("aws_lambda_function", "function_name"): Rule(64, r"[a-zA-Z0-9_-]+"),
    ("aws_s3_bucket", "bucket"): Rule(63, r"(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]*[a-z0-9]", min_length=3),
    ("aws_sqs_queue", "name"): Rule(80, r"[a-zA-Z0-9_-]+"),
    ("aws_sns_topic", "name"): Rule(256, r"[a-zA-Z0-9_-]+"),
    ("aws_db_instance", "identifier"): Rule(63, _RDS),
    ("aws_rds_cluster", "cluster_identifier"): Rule(63, _RDS),
    ("aws_rds_cluster_instance", "identifier"): Rule(63, _RDS),
    ("aws_rds_global_cluster", "global_cluster_identifier"): Rule(63, _RDS),
    ("aws_db_subnet_group", "name"): Rule(255, r"[a-z0-9 ._-]+"),
    ("aws_db_parameter_group", "name"): Rule(255, _RDS),
    ("aws_rds_cluster_parameter_group", "name"): Rule(255, _RDS),
    ("aws_elasticache_replication_group", "replication_group_id"): Rule(40, _RDS),
    ("aws_elasticache_subnet_group", "name"): Rule(255, r"[a-z0-9-]+"),
    ("aws_elasticache_user", "user_id"): Rule(40, _RDS),
    ("aws_elasticache_user", "user_name"): Rule(40, r"[a-zA-Z0-9-]+", unique=False),
    ("aws_elasticache_user_group", "user_group_id"): Rule(40, _RDS),
    ("aws_ecs_cluster", "name"): Rule(255, r"[a-zA-Z0-9_-]+"),
    ("aws_ecs_service", "name"): Rule(255, r"[a-zA-Z0-9_-]+"),
    ("aws_ecs_task_definition", "family"): Rule(255, r"[a-zA-Z0-9_-]+"),
    ("aws_ecr_repository", "name"): Rule(
        256, r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*", min_length=2
    ),
    ("aws_cloudwatch_log_group", "name"): Rule(512, r"[.\-_/#A-Za-z0-9]+"),
    ("aws_kms_alias", "name"): Rule(256, r"alias/(?!aws/)[a-zA-Z0-9/_-]+"),
    ("aws_dynamodb_table", "name"): Rule(255, r"[a-zA-Z0-9_.-]+", min_length=3),
    ("aws_cloudwatch_metric_alarm", "alarm_name"): Rule(255, r"[^\x00-\x1f]+"),
    ("aws_cloudwatch_dashboard", "dashboard_name"): Rule(255, r"[a-zA-Z0-9_-]+"),
    ("aws_appautoscaling_policy", "name"): Rule(256, r"[^:/\x00-\x1f]+"),
    ("aws_security_group", "name"): Rule(255, r"(?!sg-)[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+"),
    ("aws_api_gateway_rest_api", "name"): Rule(1024, r"[^\x00-\x1f]+"),
    ("aws_api_gateway_stage", "stage_name"): Rule(128, r"[a-zA-Z0-9_-]+", unique=False),
    ("aws_route53_zone", "name"): Rule(255, r"[a-z0-9.-]+", unique=False),
    ("aws_route53_record", "name"): Rule(255, r"[a-z0-9.-]+", unique=False),
    ("aws_backup_vault", "name"): Rule(50, r"[a-zA-Z0-9_-]+", min_length=2),
    ("aws_backup_plan", "name"): Rule(50, r"[a-zA-Z0-9_.-]+"),
    ("aws_backup_selection", "name"): Rule(50, r"[a-zA-Z0-9_.-]+"),
    ("aws_cloudtrail", "name"): Rule(128, r"[a-zA-Z0-9](?!.*[._-]{2})[a-zA-Z0-9._-]*[a-zA-Z0-9]", min_length=3),
}


def physical_names(stack: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(resource type, logical id, attribute, value) of every literal physical name in one cdk.tf.json."""
    for rtype, resources in sorted(stack.get("resource", {}).items()):
        for logical_id, body in sorted(resources.items()):
            for kind, attribute in RULES:
                value = body.get(attribute) if kind == rtype else None
                if isinstance(value, str) and "${" not in value:
                    yield rtype, logical_id, attribute, value


def name_problems(stack_name: str, stack: dict[str, Any], suffix: str) -> list[str]:
    """Every name of `stack` over its limit, outside its character set, or (when unique) without `suffix`."""
    problems = []
    for rtype, logical_id, attribute, value in physical_names(stack):
        rule, where = RULES[(rtype, attribute)], f"{stack_name} {rtype}.{logical_id}.{attribute} = {value!r}"
        if not rule.min_length <= len(value) <= rule.max_length:
            problems.append(f"{where}: {len(value)} characters, allowed {rule.min_length}-{rule.max_length}")
        if not re.fullmatch(rule.pattern, value):
            problems.append(f"{where}: outside the character set {rule.pattern}")
        if rule.unique and not re.search(rf"(^|[-/]){re.escape(suffix)}($|[-/])", value):
            problems.append(f"{where}: does not carry the suffix {suffix!r}")
    return problems
