"""A Lambda function built from a source folder, with its role, log group, dead-letter queue and queue trigger.

Defaults:
- the folder is zipped reproducibly at synth (modules/lambda_package.py); source_code_hash is the zip's SHA-256
- runtime must be one of `supported_runtimes` (the stack passes the catalog's list)
- X-Ray tracing Active; environment variables encrypted with the given key
- log group /aws/lambda/<name> with the given retention, encrypted with the given key (under a year: the one
  short-retention suppression, core/suppress.py)
- no code signing (CKV_AWS_272 suppressed here, once for every function, with the reason): Lambda runs signed code
  only from an AWS Signer job's output in S3, while this module uploads the zip built at synth; `source_code_hash`
  makes every change to the deployed code a visible change in the plan
- failed asynchronous invocations go to `dead_letter_arn`
- the role may only do what `policy_statements` say, plus what this module wires: write its own log group,
  send X-Ray traces, send to the dead-letter queue and (with `queue_trigger_arn`) consume the trigger queue
- a queue trigger reports partial batch failures (ReportBatchItemFailures)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf import AssetType, TerraformAsset
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import LambdaEventSourceMapping
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionDeadLetterConfig,
    LambdaFunctionEnvironment,
    LambdaFunctionTracingConfig,
)
from constructs import Construct

from config import limits
from core.props import policy_json, prop_problem, raise_problems
from core.suppress import suppress, suppress_short_retention
from modules.lambda_package import build_package

QUEUE_CONSUMER_ACTIONS = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
]
CODE_SIGNING_REASON = (
    "Lambda runs signed code only from an AWS Signer job's output in S3, while this repository builds the zip at "
    "synth and Terraform uploads it directly, so an Enforce policy would refuse every deploy; source_code_hash "
    "makes any change to the deployed code a visible change in the reviewed plan"
)


@dataclass(frozen=True, kw_only=True)
class FunctionProps:  # pylint: disable=too-many-instance-attributes
    """Props of Function."""

    #: name of the function (and of its log group)
    function_name: str
    #: name of the function's execution role
    role_name: str
    #: description of the function
    description: str
    #: directory zipped into the deployment package
    source_dir: Path
    #: entry point, module.function
    handler: str
    #: Lambda runtime (one of supported_runtimes)
    runtime: str
    supported_runtimes: tuple[str, ...]
    #: memory of the function in MB
    memory_mb: int
    #: timeout of one invocation
    timeout_seconds: int
    #: reserved concurrent executions (>= 1: 0 disables the function)
    reserved_concurrency: int
    #: KMS key encrypting the environment variables and the log group
    kms_key_arn: str
    #: days the function's logs are kept
    log_retention_days: int
    dead_letter_arn: str
    policy_statements: tuple[dict[str, Any], ...]
    #: environment variables as (name, value) pairs
    environment: tuple[tuple[str, str], ...] = ()
    queue_trigger_arn: str | None = None
    #: records per invocation of each event source mapping (1 to 10)
    batch_size: int = 10


def _problems(props: FunctionProps) -> list[str | None]:
    return [
        prop_problem("runtime", limits.lambda_runtime(props.runtime, props.supported_runtimes)),
        prop_problem("memory_mb", limits.lambda_memory(props.memory_mb)),
        prop_problem("timeout_seconds", limits.lambda_timeout(props.timeout_seconds)),
        prop_problem("reserved_concurrency", limits.reserved_concurrency(props.reserved_concurrency)),
        None
        if (props.source_dir / f"{props.handler.rpartition('.')[0]}.py").is_file()
        else f"handler {props.handler!r}: no {props.handler.rpartition('.')[0]}.py in {props.source_dir}",
        None if 1 <= props.batch_size <= 10 else "batch_size must be 1 to 10",
        next(
            (
                f"statement {s.get('Sid', '?')} has Resource '*'; name the ARNs"
                for s in props.policy_statements
                if s.get("Resource") == "*"
            ),
            None,
        ),
    ]


class Function(Construct):
    """`function`, `role`, `role_policy`, `log_group` and `trigger` (or None) are public."""

    def __init__(self, scope: Construct, id_: str, *, props: FunctionProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"Function {id_}", _problems(props))
        package = build_package(props.source_dir, props.function_name)
        self.code = TerraformAsset(self, "Code", path=str(package.path), type=AssetType.FILE)
        self.log_group = CloudwatchLogGroup(
            self,
            "LogGroup",
            name=f"/aws/lambda/{props.function_name}",
            retention_in_days=props.log_retention_days,
            kms_key_id=props.kms_key_arn,
        )
        self.role = IamRole(
            self,
            "Role",
            name=props.role_name,
            description=f"Execution role of {props.function_name}",
            assume_role_policy=policy_json(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
            ),
        )
        self.role_policy = IamRolePolicy(
            self, "Policy", name="least-privilege", role=self.role.id, policy=policy_json(*self._statements(props))
        )
        self.function = LambdaFunction(
            self,
            "Function",
            function_name=props.function_name,
            description=props.description,
            role=self.role.arn,
            handler=props.handler,
            runtime=props.runtime,
            filename=self.code.path,
            source_code_hash=package.sha256_base64,
            memory_size=props.memory_mb,
            timeout=props.timeout_seconds,
            reserved_concurrent_executions=props.reserved_concurrency,
            environment=LambdaFunctionEnvironment(variables=dict(props.environment)) if props.environment else None,
            kms_key_arn=props.kms_key_arn,
            tracing_config=LambdaFunctionTracingConfig(mode="Active"),
            dead_letter_config=LambdaFunctionDeadLetterConfig(target_arn=props.dead_letter_arn),
            depends_on=[self.log_group, self.role_policy],
        )
        suppress(self.function, "CKV_AWS_272", CODE_SIGNING_REASON)
        suppress_short_retention(
            self.log_group, what="function logs", days=props.log_retention_days, record_field="log_retention_days"
        )
        self.trigger = (
            None
            if props.queue_trigger_arn is None
            else LambdaEventSourceMapping(
                self,
                "QueueTrigger",
                function_name=self.function.arn,
                event_source_arn=props.queue_trigger_arn,
                batch_size=props.batch_size,
                function_response_types=["ReportBatchItemFailures"],
                depends_on=[self.role_policy],
            )
        )

    def _statements(self, props: FunctionProps) -> list[dict[str, Any]]:
        """The caller's statements plus those this module's own wiring needs."""
        wired: list[dict[str, Any]] = [
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{self.log_group.arn}:*",
            },
            # X-Ray has no resource-level permissions: "*" is the only valid Resource for these two actions.
            {
                "Sid": "SendTraces",
                "Effect": "Allow",
                "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                "Resource": "*",
            },
            {
                "Sid": "SendToDeadLetterQueue",
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": props.dead_letter_arn,
            },
        ]
        if props.queue_trigger_arn is not None:
            wired.append(
                {
                    "Sid": "ConsumeTriggerQueue",
                    "Effect": "Allow",
                    "Action": QUEUE_CONSUMER_ACTIONS,
                    "Resource": props.queue_trigger_arn,
                }
            )
        return [*props.policy_statements, *wired]
