"""An API Gateway REST API with a `/health` resource, deployed to one stage with access logs, X-Ray and throttling.

Backend of GET /health, chosen by `backend`:
- None (default): a MOCK integration answering 200 `{"status": "ok"}`. It proves the API, its stage, logging and
  throttling work end to end without giving the health route any path to the data tier; routes with a real
  backend are added next to it with their own authorization.
- LambdaBackend: an AWS_PROXY integration; the function decides, so a call of this API's health route fails when
  the function reports its backend cannot serve. API Gateway may invoke it only from this API's GET /health.

Defaults:
- GET /health is `AWS_IAM`-authorized: callers sign with SigV4 and need `execute-api:Invoke` on
  `<execution_arn>/<stage>/GET/health` (operators and monitors with an IAM identity can); an unsigned request gets
  403. No method of a public edge is unauthenticated (CKV_AWS_59 passes, nothing suppressed); Route 53 health
  checkers cannot sign, so a failover health check watches an alarm instead (modules/health_schedule.py)
- REGIONAL endpoint; requests validated (parameters) before the integration runs; the MOCK backend's method and
  integration responses are status 200
- the integration response `depends_on` the integration (seed 001: API Gateway answered "Invalid Integration
  identifier" when Terraform created the response first)
- the deployment's `triggers` hold a hash of the API's definition, so any change to it redeploys; the new
  deployment is created before the old one is destroyed
- stage `stage_name`: access logs (JSON, one line per request) to a log group encrypted with `log_kms_key_arn` and
  kept `log_retention_days` (under a year: the one short-retention suppression of core.suppress, naming
  `retention_field`, default `log_retention_days`); X-Ray tracing on; every method: metrics on, INFO execution
  logs without request or response bodies (data_trace off: bodies can hold personal data), throttling from props
- no response cache unless `cache_size_gb` is set; then a cache cluster of that size, every method cached for
  `cache_ttl_seconds` (default 5: health answers stay current), the cache encrypted, and a client's
  `Cache-Control: max-age=0` refused with 403 (FAIL_WITH_403) unless the caller is authorized to flush it
- no client certificate unless `client_certificate=True` (then one is generated and attached to the stage, for an
  HTTP backend to verify that calls come from API Gateway)
- `settings_field` (default `api_stage`) names the record section in the suppressions of what is off
- no web ACL of its own: modules/waf.py's `protect` associates one with the stage (the stacks do wherever the
  record's waf.enabled is true) and drops the stage's CKV2_AWS_29 suppression
- API Gateway's account-level CloudWatch role (one per account and region) is set here unless
  `manage_account_logging_role=False` (when another stack of the region already sets it)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.api_gateway_account import ApiGatewayAccount
from cdktf_cdktf_provider_aws.api_gateway_client_certificate import ApiGatewayClientCertificate
from cdktf_cdktf_provider_aws.api_gateway_deployment import ApiGatewayDeployment
from cdktf_cdktf_provider_aws.api_gateway_integration import ApiGatewayIntegration
from cdktf_cdktf_provider_aws.api_gateway_integration_response import ApiGatewayIntegrationResponse
from cdktf_cdktf_provider_aws.api_gateway_method import ApiGatewayMethod
from cdktf_cdktf_provider_aws.api_gateway_method_response import ApiGatewayMethodResponse
from cdktf_cdktf_provider_aws.api_gateway_method_settings import (
    ApiGatewayMethodSettings,
    ApiGatewayMethodSettingsSettings,
)
from cdktf_cdktf_provider_aws.api_gateway_request_validator import ApiGatewayRequestValidator
from cdktf_cdktf_provider_aws.api_gateway_resource import ApiGatewayResource
from cdktf_cdktf_provider_aws.api_gateway_rest_api import ApiGatewayRestApi, ApiGatewayRestApiEndpointConfiguration
from cdktf_cdktf_provider_aws.api_gateway_stage import ApiGatewayStage, ApiGatewayStageAccessLogSettings
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from constructs import Construct

from config import limits
from core.props import policy_json, prop_problem, raise_problems
from core.suppress import suppress, suppress_short_retention

PUSH_TO_LOGS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "caller": "$context.identity.caller",
        "user": "$context.identity.user",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "xrayTraceId": "$context.xrayTraceId",
    },
    sort_keys=True,
)
#: authorization of GET /health: SigV4-signed callers with execute-api:Invoke on the method
AUTHORIZATION = "AWS_IAM"
HEALTH = {
    "path": "health",
    "method": "GET",
    "authorization": AUTHORIZATION,
    "integration": "MOCK",
    "request_templates": {"application/json": json.dumps({"statusCode": 200})},
    "status_code": "200",
    "response_templates": {"application/json": json.dumps({"status": "ok"})},
}


class LoggingLevel(StrEnum):
    """Execution logging of every method (OFF is not offered: the stage always logs)."""

    INFO = "INFO"
    ERROR = "ERROR"


@dataclass(frozen=True, kw_only=True)
class LambdaBackend:
    """A Lambda function answering GET /health through a proxy integration."""

    #: name of the function (its permission lets this API invoke it)
    function_name: str
    #: invoke ARN of the function (the proxy integration's URI)
    function_invoke_arn: str


@dataclass(frozen=True, kw_only=True)
class RestApiProps:  # pylint: disable=too-many-instance-attributes
    """Props of RestApi."""

    #: name of the REST API and prefix of its log group and role
    name: str
    stage_name: str
    log_kms_key_arn: str
    log_retention_days: int
    #: steady requests per second of the stage
    throttling_rate_limit: int
    #: burst of requests the stage accepts
    throttling_burst_limit: int
    manage_account_logging_role: bool = True
    #: execution logging level of the stage's methods
    logging_level: LoggingLevel = LoggingLevel.INFO
    #: the Lambda function behind GET /health; None: a MOCK integration answering 200
    backend: LambdaBackend | None = None
    #: record field named in the short-retention suppression (core.suppress)
    retention_field: str = "log_retention_days"
    #: cache cluster size in GB ("0.5", "1.6", ...); None: no response cache
    cache_size_gb: str | None = None
    #: seconds a cached response is served
    cache_ttl_seconds: int = 5
    #: generate a client certificate and attach it to the stage
    client_certificate: bool = False
    #: record section named in the suppressions of a cache or certificate left off
    settings_field: str = "api_stage"


def _problems(props: RestApiProps) -> list[str | None]:
    return [
        prop_problem("throttling_rate_limit", limits.positive(props.throttling_rate_limit)),
        prop_problem(
            "throttling_burst_limit", limits.throttling_burst(props.throttling_burst_limit, props.throttling_rate_limit)
        ),
        None if props.logging_level in tuple(LoggingLevel) else "logging_level must be INFO or ERROR",
        None if props.log_retention_days >= 1 else "log_retention_days must be >= 1",
        prop_problem("cache_ttl_seconds", limits.api_cache_ttl(props.cache_ttl_seconds)),
        None
        if props.cache_size_gb is None
        else prop_problem("cache_size_gb", limits.api_cache_size(props.cache_size_gb)),
    ]


def definition_hash(backend: LambdaBackend | None = None) -> str:
    """SHA-256 of the API's definition: the deployment trigger (changes whenever the API does). Only literal values
    are hashed: a token's placeholder text depends on construction order, not on the API. The method's authorization
    is part of it: a stage serves the deployment it points at, so a changed authorization reaches callers only
    through a new deployment."""
    proxy = {"path": HEALTH["path"], "method": HEALTH["method"], "authorization": HEALTH["authorization"]}
    definition = HEALTH if backend is None else proxy | {"integration": "AWS_PROXY"}
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


class RestApi(Construct):  # pylint: disable=too-many-instance-attributes
    """`api`, `health`, `method`, `integration`, `deployment`, `stage`, `access_logs`; with the MOCK backend also
    `method_response` and `integration_response`, with a Lambda backend `permission`; `client_certificate` (None
    unless the prop asks for one)."""

    def __init__(self, scope: Construct, id_: str, *, props: RestApiProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"RestApi {id_}", _problems(props))
        self.api = ApiGatewayRestApi(
            self,
            "Api",
            name=props.name,
            description=f"{props.name}: health API",
            endpoint_configuration=ApiGatewayRestApiEndpointConfiguration(types=["REGIONAL"]),
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        api_id = self.api.id
        validator = ApiGatewayRequestValidator(
            self,
            "Validator",
            rest_api_id=api_id,
            name="parameters",
            validate_request_parameters=True,
            validate_request_body=False,
        )
        self.health = ApiGatewayResource(
            self, "Health", rest_api_id=api_id, parent_id=self.api.root_resource_id, path_part=HEALTH["path"]
        )
        where = {"rest_api_id": api_id, "resource_id": self.health.id, "http_method": HEALTH["method"]}
        self.method = ApiGatewayMethod(
            self, "HealthGet", authorization=HEALTH["authorization"], request_validator_id=validator.id, **where
        )
        if props.backend is None:
            self._mock_backend(where)
            after = [self.integration, self.integration_response, self.method_response]
        else:
            self._lambda_backend(where, props.backend)
            after = [self.method, self.integration]
        self.deployment = ApiGatewayDeployment(
            self,
            "Deployment",
            rest_api_id=api_id,
            description=f"{props.name} API definition",
            triggers={"redeployment": definition_hash(props.backend)},
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            depends_on=after,
        )
        self.access_logs = CloudwatchLogGroup(
            self,
            "AccessLogs",
            name=f"/aws/apigateway/{props.name}/access",
            retention_in_days=props.log_retention_days,
            kms_key_id=props.log_kms_key_arn,
        )
        account = self._account_logging_role(props) if props.manage_account_logging_role else None
        self.client_certificate = (
            ApiGatewayClientCertificate(self, "ClientCertificate", description=f"{props.name}: calls from API Gateway")
            if props.client_certificate
            else None
        )
        cached = props.cache_size_gb is not None
        self.stage = ApiGatewayStage(
            self,
            "Stage",
            rest_api_id=api_id,
            deployment_id=self.deployment.id,
            stage_name=props.stage_name,
            xray_tracing_enabled=True,
            cache_cluster_enabled=True if cached else None,
            cache_cluster_size=props.cache_size_gb,
            client_certificate_id=self.client_certificate.id if self.client_certificate else None,
            access_log_settings=ApiGatewayStageAccessLogSettings(
                destination_arn=self.access_logs.arn, format=ACCESS_LOG_FORMAT
            ),
            depends_on=[account] if account else None,
        )
        self.method_settings = ApiGatewayMethodSettings(
            self,
            "MethodSettings",
            rest_api_id=api_id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings=ApiGatewayMethodSettingsSettings(
                metrics_enabled=True,
                logging_level=props.logging_level,
                data_trace_enabled=False,
                throttling_rate_limit=props.throttling_rate_limit,
                throttling_burst_limit=props.throttling_burst_limit,
                caching_enabled=cached,
                cache_data_encrypted=True,
                cache_ttl_in_seconds=props.cache_ttl_seconds if cached else None,
                require_authorization_for_cache_control=True if cached else None,
                unauthorized_cache_control_header_strategy="FAIL_WITH_403" if cached else None,
            ),
        )
        self._suppressions(props)

    def _mock_backend(self, where: dict[str, str]) -> None:
        self.integration = ApiGatewayIntegration(
            self,
            "HealthIntegration",
            type=HEALTH["integration"],
            request_templates=HEALTH["request_templates"],
            passthrough_behavior="WHEN_NO_TEMPLATES",
            depends_on=[self.method],
            **where,
        )
        self.method_response = ApiGatewayMethodResponse(
            self,
            "HealthMethodResponse",
            status_code=HEALTH["status_code"],
            response_models={"application/json": "Empty"},
            depends_on=[self.method],
            **where,
        )
        self.integration_response = ApiGatewayIntegrationResponse(
            self,
            "HealthIntegrationResponse",
            status_code=HEALTH["status_code"],
            response_templates=HEALTH["response_templates"],
            depends_on=[self.integration, self.method_response],
            **where,
        )

    def _lambda_backend(self, where: dict[str, str], backend: LambdaBackend) -> None:
        self.integration = ApiGatewayIntegration(
            self,
            "HealthIntegration",
            type="AWS_PROXY",
            integration_http_method="POST",
            uri=backend.function_invoke_arn,
            depends_on=[self.method],
            **where,
        )  # destroyed before its method
        self.permission = LambdaPermission(
            self,
            "InvokeFromApi",
            statement_id="AllowHealthFromApiGateway",
            action="lambda:InvokeFunction",
            function_name=backend.function_name,
            principal="apigateway.amazonaws.com",
            source_arn=f"{self.api.execution_arn}/*/{HEALTH['method']}/{HEALTH['path']}",
        )

    def _suppressions(self, props: RestApiProps) -> None:
        backend = "a MOCK integration returning a constant" if props.backend is None else "a Lambda proxy"
        if props.cache_size_gb is None:
            no_cache = (
                f"this environment's record sets no {props.settings_field}.cache_size_gb: no cache cluster is paid "
                "for where the only route is GET /health, whose answer must reflect the moment of the check"
            )
            suppress(self.method_settings, "CKV_AWS_225", no_cache)
            suppress(self.stage, "CKV_AWS_120", no_cache)
        if self.client_certificate is None:
            suppress(
                self.stage,
                "CKV2_AWS_51",
                f"this environment's record leaves {props.settings_field}.client_certificate off: client "
                f"certificates authenticate API Gateway to an HTTP backend, and the only integration is {backend}, "
                "which has no certificate to check",
            )
        suppress(
            self.stage,
            "CKV2_AWS_29",
            "this environment's record turns the WAF off (waf.enabled = false); where it is on, modules/waf.py "
            "associates a web ACL with the stage and drops this suppression",
        )
        suppress_short_retention(
            self.access_logs, what="API access logs", days=props.log_retention_days, record_field=props.retention_field
        )

    def _account_logging_role(self, props: RestApiProps) -> ApiGatewayAccount:
        role = IamRole(
            self,
            "LoggingRole",
            name=f"{props.name}-apigw-logs",
            assume_role_policy=policy_json(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "apigateway.amazonaws.com"}}
            ),
        )
        policy = IamRolePolicyAttachment(self, "LoggingPolicy", role=role.name, policy_arn=PUSH_TO_LOGS_POLICY)
        return ApiGatewayAccount(self, "Account", cloudwatch_role_arn=role.arn, depends_on=[policy])

    @property
    def invoke_url(self) -> str:
        """Base URL of the stage (append `/health`)."""
        return self.stage.invoke_url
