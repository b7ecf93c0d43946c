"""CKV_AWSR_003: a REST API stage that logs has the API Gateway account's CloudWatch role in its region.

AWS documentation: API Gateway Developer Guide, "Set up CloudWatch logging for REST APIs in API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html): to enable logging, API Gateway
needs the ARN of an IAM role that may write to CloudWatch Logs, set once per account and Region in the account
settings; AWS CloudFormation's AWS::ApiGateway::Account page adds "only one ... per region per account".

What fails (a stack rule, policies/aws_rules.py): an `aws_api_gateway_stage` with `access_log_settings`, or one
named by an `aws_api_gateway_method_settings` with a `logging_level` other than OFF, when the stack has no
`aws_api_gateway_account` with a `cloudwatch_role_arn` through a provider of the same region, or when the stage
does not `depends_on` it (otherwise Terraform may create the stage first). Exempt: ephemeral copies (resources
tagged `Ephemeral`), which use the setting of their environment's stack in the same account (README).

Why it matters: in a fresh account (or region) the stage fails with "CloudWatch Logs role ARN must be set in
account settings to enable logging"; the emulator never asks. Fix: RestApiProps(manage_account_logging_role=True).
"""

from __future__ import annotations

from typing import Iterator

from policies.aws_rules import Finding, Stack, StackRule

ID = "CKV_AWSR_003"


def _logging_stages(stack: Stack) -> set[str]:
    found = {a for a, body in stack.resources("aws_api_gateway_stage") if body.get("access_log_settings")}
    for _, settings in stack.resources("aws_api_gateway_method_settings"):
        level = (settings.get("settings") or {}).get("logging_level", "OFF")
        name = str(settings.get("stage_name", ""))
        if level != "OFF" and name.startswith("${aws_api_gateway_stage."):
            found.add(name[2:].rsplit(".", 1)[0])
    return found


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per logging stage."""
    accounts = {
        address: stack.region(body)
        for address, body in stack.resources("aws_api_gateway_account")
        if body.get("cloudwatch_role_arn")
    }
    for address in sorted(_logging_stages(stack)):
        body = stack.get(address) or {}
        if (body.get("tags") or {}).get("Ephemeral"):
            continue
        region = stack.region(body)
        mine = [a for a, r in accounts.items() if r == region]
        if not mine:
            yield Finding(
                address,
                False,
                f"the stage logs in {region or 'its region'} but the stack sets no "
                "aws_api_gateway_account cloudwatch_role_arn there: add one (with a role trusted by "
                "apigateway.amazonaws.com and AmazonAPIGatewayPushToCloudWatchLogs)",
            )
        elif not set(mine) & set(body.get("depends_on", [])):
            yield Finding(address, False, f"the stage must depends_on {mine[0]} so the role is set first")
        else:
            yield Finding(address, True)


rule = StackRule(
    ID, "Ensure API Gateway stages that log have the account-level CloudWatch role in their region", evaluate
)
