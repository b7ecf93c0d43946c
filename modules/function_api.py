"""An API Gateway REST API whose GET /health is answered by a Lambda function (proxy integration).

Unlike modules/rest_api.py (a MOCK /health proving the API itself), here the function decides: health checks of
this API fail when the function reports its site cannot serve.

Defaults:
- REGIONAL endpoint, created before its replacement is destroyed; request parameters validated
- GET /health without authorization (Route 53 health checks cannot sign requests)
- AWS_PROXY integration; API Gateway may invoke the function only from this API's GET /health
- the deployment's `triggers` hash the function's invoke ARN and the route, so a change redeploys; the new
  deployment is created before the old one is destroyed
- stage `stage_name`: JSON access logs to a log group encrypted with `log_kms_key_arn`, kept `log_retention_days`;
  X-Ray on; every method: metrics on, ERROR execution logs without bodies, throttling from props, no cache
- API Gateway's account-level CloudWatch role is not managed here (stage access logs need none)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.api_gateway_deployment import ApiGatewayDeployment
from cdktf_cdktf_provider_aws.api_gateway_integration import ApiGatewayIntegration
from cdktf_cdktf_provider_aws.api_gateway_method import ApiGatewayMethod
from cdktf_cdktf_provider_aws.api_gateway_method_settings import (
    ApiGatewayMethodSettings,
    ApiGatewayMethodSettingsSettings,
)
from cdktf_cdktf_provider_aws.api_gateway_request_validator import ApiGatewayRequestValidator
from cdktf_cdktf_provider_aws.api_gateway_resource import ApiGatewayResource
from cdktf_cdktf_provider_aws.api_gateway_rest_api import ApiGatewayRestApi, ApiGatewayRestApiEndpointConfiguration
from cdktf_cdktf_provider_aws.api_gateway_stage import ApiGatewayStage, ApiGatewayStageAccessLogSettings
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from constructs import Construct

from core.props import raise_problems
from core.suppress import suppress
from modules.rest_api import ACCESS_LOG_FORMAT

ONE_YEAR = 365
HEALTH_PATH = "health"


@dataclass(frozen=True, kw_only=True)
class FunctionApiProps:  # pylint: disable=too-many-instance-attributes
    """Props of FunctionApi."""

    name: str
    region: str
    stage_name: str
    function_name: str
    function_invoke_arn: str
    log_kms_key_arn: str
    log_retention_days: int
    throttling_rate_limit: int = 10
    throttling_burst_limit: int = 20


class FunctionApi(Construct):  # pylint: disable=too-many-instance-attributes
    """`api`, `health`, `method`, `integration`, `permission`, `deployment`, `stage`, `access_logs`."""

    def __init__(self, scope: Construct, id_: str, *, props: FunctionApiProps) -> None:
        super().__init__(scope, id_)
        self.region = props.region
        raise_problems(f"FunctionApi {id_}", [
            None if props.throttling_burst_limit >= props.throttling_rate_limit >= 1 else
            "throttling limits must be >= 1 with burst >= rate",
            None if props.log_retention_days >= 1 else "log_retention_days must be >= 1"])
        self.api = ApiGatewayRestApi(self, "Api", name=props.name, description=f"{props.name}: health API",
                                     endpoint_configuration=ApiGatewayRestApiEndpointConfiguration(types=["REGIONAL"]),
                                     lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
        api_id = self.api.id
        validator = ApiGatewayRequestValidator(self, "Validator", rest_api_id=api_id, name="parameters",
                                               validate_request_parameters=True, validate_request_body=False)
        self.health = ApiGatewayResource(self, "Health", rest_api_id=api_id, parent_id=self.api.root_resource_id,
                                         path_part=HEALTH_PATH)
        self.method = ApiGatewayMethod(self, "HealthGet", rest_api_id=api_id, resource_id=self.health.id,
                                       http_method="GET", authorization="NONE",
                                       request_validator_id=validator.id)
        self.integration = ApiGatewayIntegration(
            self, "HealthIntegration", rest_api_id=api_id, resource_id=self.health.id, http_method="GET",
            type="AWS_PROXY", integration_http_method="POST", uri=props.function_invoke_arn,
            depends_on=[self.method])  # created after (and destroyed before) its method
        self.permission = LambdaPermission(self, "InvokeFromApi", statement_id="AllowHealthFromApiGateway",
                                           action="lambda:InvokeFunction", function_name=props.function_name,
                                           principal="apigateway.amazonaws.com",
                                           source_arn=f"{self.api.execution_arn}/*/GET/{HEALTH_PATH}")
        self.deployment = ApiGatewayDeployment(
            self, "Deployment", rest_api_id=api_id, description=f"{props.name} API definition",
            triggers={"redeployment": hashlib.sha256(f"GET /{HEALTH_PATH} AWS_PROXY".encode()).hexdigest()},
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            depends_on=[self.method, self.integration])
        self.access_logs = CloudwatchLogGroup(self, "AccessLogs", name=f"/aws/apigateway/{props.name}/access",
                                              retention_in_days=props.log_retention_days,
                                              kms_key_id=props.log_kms_key_arn)
        self.stage = ApiGatewayStage(
            self, "Stage", rest_api_id=api_id, deployment_id=self.deployment.id, stage_name=props.stage_name,
            xray_tracing_enabled=True, access_log_settings=ApiGatewayStageAccessLogSettings(
                destination_arn=self.access_logs.arn, format=ACCESS_LOG_FORMAT))
        self.method_settings = ApiGatewayMethodSettings(
            self, "MethodSettings", rest_api_id=api_id, stage_name=self.stage.stage_name, method_path="*/*",
            settings=ApiGatewayMethodSettingsSettings(
                metrics_enabled=True, logging_level="ERROR", data_trace_enabled=False,
                throttling_rate_limit=props.throttling_rate_limit,
                throttling_burst_limit=props.throttling_burst_limit, caching_enabled=False,
                cache_data_encrypted=True))
        self._suppressions(props)

    def _suppressions(self, props: FunctionApiProps) -> None:
        suppress(self.method, "CKV_AWS_59", "GET /health is called by Route 53 health checks, which cannot sign "
                 "requests; it returns only the site's health and reaches no data")
        no_cache = "health answers must reflect the site at the moment of the check: caching is off on purpose"
        suppress(self.method_settings, "CKV_AWS_225", no_cache)
        suppress(self.stage, "CKV_AWS_120", no_cache)
        suppress(self.stage, "CKV2_AWS_51", "client certificates authenticate API Gateway to an HTTP backend; the "
                 "only integration is a Lambda proxy, which has no certificate to check")
        suppress(self.stage, "CKV2_AWS_29", "the stage serves only GET /health for the failover health checks; a "
                 "WAFv2 web ACL is to be associated with the first route that serves application data")
        if props.log_retention_days < ONE_YEAR:
            suppress(self.access_logs, "CKV_AWS_338", f"access logs of this environment are kept "
                     f"{props.log_retention_days} days by its record (log_retention_days); a year where asked")

    @property
    def invoke_url(self) -> str:
        """Base URL of the stage (append `/health`)."""
        return self.stage.invoke_url

    @property
    def host(self) -> str:
        """Host name of the API's regional endpoint (what health checks and failover records point at)."""
        return f"{self.api.id}.execute-api.{self.region}.amazonaws.com"
