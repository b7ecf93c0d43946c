"""CKV_APP_011: every physical name contains the resource's environment id.

What fails: a resource of a type listed in NAME_ATTRIBUTES whose physical name (bucket, name, function_name,
cluster_identifier, identifier, family, replication_group_id, alarm_name, ... or their `*_prefix` form) does not
contain the environment id as a whole word: `dev`, or `dev-pr42` for an ephemeral copy. The environment id comes
from the resource's `Environment` and `Ephemeral` tags, or, for a resource without tags, from the stack name in
its `//` metadata (`<workload>-<env>[-<suffix>]`). A name built from a reference (`/aws/lambda/${...}`) passes
when its literal part lacks the id, since the referenced resource's own name is checked.

Scope: the types in NAME_ATTRIBUTES, i.e. names that are unique per account and region (or globally). Names scoped
to a parent (inline IAM policies, GSIs, listener rules) and DNS names (Route 53) are not checked.

Why it matters: two environments, or an ephemeral copy and its environment, in one account collide on the same
name ("BucketAlreadyExists", "ResourceConflictException: Function already exist") or, worse, one overwrites or
destroys the other's resource (seeds 000, 001 and 004: "consistent use of environment_suffix"). Fix: build every
name with `self.names.name(component)` / `self.names.bucket(component)` (core.naming.Namer).
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import env_id, first, literal_text

_NAME = ("name", "name_prefix")
NAME_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("bucket", "bucket_prefix"),
    "aws_db_instance": ("identifier", "identifier_prefix"),
    "aws_rds_cluster": ("cluster_identifier", "cluster_identifier_prefix"),
    "aws_rds_cluster_instance": ("identifier", "identifier_prefix"),
    "aws_rds_global_cluster": ("global_cluster_identifier",),
    "aws_db_subnet_group": _NAME,
    "aws_db_parameter_group": _NAME,
    "aws_rds_cluster_parameter_group": _NAME,
    "aws_elasticache_replication_group": ("replication_group_id",),
    "aws_elasticache_subnet_group": ("name",),
    "aws_elasticache_parameter_group": ("name",),
    "aws_lambda_function": ("function_name",),
    "aws_dynamodb_table": ("name",),
    "aws_sqs_queue": _NAME,
    "aws_sns_topic": _NAME,
    "aws_cloudwatch_log_group": _NAME,
    "aws_cloudwatch_metric_alarm": ("alarm_name",),
    "aws_cloudwatch_event_rule": _NAME,
    "aws_cloudwatch_event_bus": ("name",),
    "aws_cloudwatch_dashboard": ("dashboard_name",),
    "aws_iam_role": _NAME,
    "aws_iam_policy": _NAME,
    "aws_iam_instance_profile": _NAME,
    "aws_security_group": _NAME,
    "aws_lb": _NAME,
    "aws_alb": _NAME,
    "aws_lb_target_group": _NAME,
    "aws_alb_target_group": _NAME,
    "aws_ecs_cluster": ("name",),
    "aws_ecs_service": ("name",),
    "aws_ecs_task_definition": ("family",),
    "aws_ecr_repository": ("name",),
    "aws_kms_alias": _NAME,
    "aws_secretsmanager_secret": _NAME,
    "aws_ssm_parameter": ("name",),
    "aws_api_gateway_rest_api": ("name",),
    "aws_apigatewayv2_api": ("name",),
    "aws_appautoscaling_policy": ("name",),
    "aws_sfn_state_machine": _NAME,
    "aws_kinesis_stream": ("name",),
    "aws_kinesis_firehose_delivery_stream": ("name",),
    "aws_wafv2_web_acl": _NAME,
    "aws_backup_vault": ("name",),
    "aws_backup_plan": ("name",),
    "aws_cognito_user_pool": ("name",),
    "aws_efs_file_system": ("creation_token",),
}


def contains_env_id(name: str, env: str) -> bool:
    """True when `env` occurs in `name` as a whole word (not `dev` inside `devices`)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(env.lower())}(?![a-z0-9])", name.lower()) is not None


class EnvironmentInPhysicalNames(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure every physical resource name contains the environment id (env[-suffix])",
            id="CKV_APP_011",
            categories=(CheckCategories.CONVENTION,),
            supported_resources=tuple(NAME_ATTRIBUTES),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        keys = NAME_ATTRIBUTES[self.entity_type]
        self.evaluated_keys = list(keys)
        env = env_id(conf)
        if env is None:
            return CheckResult.UNKNOWN  # no tags and no stack path: CKV_APP_007 reports the missing tags
        for key in keys:
            name = first(conf, key)
            if not isinstance(name, str) or not name:
                continue
            if contains_env_id(literal_text(name), env) or "${" in name:
                continue
            self.details.append(
                f"{key} {name!r} does not contain the environment id {env!r}: build it with "
                "self.names.name(...) / self.names.bucket(...)"
            )
        return CheckResult.FAILED if self.details else CheckResult.PASSED


check = EnvironmentInPhysicalNames()
