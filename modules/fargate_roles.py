"""The two IAM roles of a Fargate task, least privilege (used by modules/fargate_service.py).

Defaults:
- both roles are assumable only by ECS tasks of this account (aws:SourceAccount)
- execution role (used by ECS to start the task): pull from the one repository, write to the one log group, read
  the listed secrets and decrypt them with the listed KMS keys; no managed policies
- task role (the application's identity): only `task_policy_statements`; none when empty
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from core.props import policy_json, raise_problems


@dataclass(frozen=True, kw_only=True)
class FargateRolesProps:
    """Props of FargateRoles."""

    #: prefix of both role names
    name: str
    #: account of the roles (confused-deputy condition of the trust policy)
    account_id: str
    #: ECR repository the execution role may pull from
    repository_arn: str
    #: log group the execution role may write to
    log_group_arn: str
    #: secrets the execution role may read (injected into the container)
    secret_arns: list[str]
    #: KMS keys of those secrets (the execution role may decrypt with them)
    secret_kms_key_arns: list[str]
    task_policy_statements: tuple[dict[str, Any], ...] = ()


def execution_statements(props: FargateRolesProps) -> list[dict[str, Any]]:
    """What ECS needs to start the task: image, logs, secrets."""
    statements: list[dict[str, Any]] = [
        # GetAuthorizationToken is account-wide: it has no resource to scope it to.
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "PullImage",
            "Effect": "Allow",
            "Resource": props.repository_arn,
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        },
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{props.log_group_arn}:*",
        },
    ]
    if props.secret_arns:
        statements.append(
            {
                "Sid": "ReadSecrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": list(props.secret_arns),
            }
        )
    if props.secret_kms_key_arns:
        statements.append(
            {
                "Sid": "DecryptSecrets",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": list(props.secret_kms_key_arns),
                "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
            }
        )
    return statements


class FargateRoles(Construct):
    """`execution_role` and `task_role`."""

    def __init__(self, scope: Construct, id_: str, *, props: FargateRolesProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"FargateRoles {id_}",
            [
                None if len(props.name) <= 54 else f"name {props.name!r}: role names add up to 10 characters to 64",
            ],
        )
        trust = policy_json(
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": props.account_id}},
            }
        )
        self.execution_role = IamRole(
            self,
            "ExecutionRole",
            name=f"{props.name}-execution",
            assume_role_policy=trust,
            description=f"ECS starts {props.name} tasks",
        )
        IamRolePolicy(
            self,
            "ExecutionPolicy",
            role=self.execution_role.id,
            name="start-task",
            policy=policy_json(*execution_statements(props)),
        )
        self.task_role = IamRole(
            self,
            "TaskRole",
            name=f"{props.name}-task",
            assume_role_policy=trust,
            description=f"identity of the {props.name} application",
        )
        if props.task_policy_statements:
            IamRolePolicy(
                self,
                "TaskPolicy",
                role=self.task_role.id,
                name="application",
                policy=policy_json(*props.task_policy_statements),
            )
