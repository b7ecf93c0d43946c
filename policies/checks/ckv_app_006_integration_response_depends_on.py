"""CKV_APP_006: an API Gateway integration response depends on its integration.

What fails: an `aws_api_gateway_integration_response` without a `depends_on` that names an
`aws_api_gateway_integration`.

Why it matters: the integration response references the REST API, resource and method, never the integration, so
Terraform may create it first; API Gateway then answers "NotFoundException: No integration defined for method" and
the apply fails half-way (seed 001, "API Gateway Integration Dependencies"). Fix: pass
`depends_on=[integration]` when creating the integration response.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import walk

INTEGRATION_TYPE = "aws_api_gateway_integration"


class IntegrationResponseDependsOnIntegration(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure every API Gateway integration response depends_on its aws_api_gateway_integration",
            id="CKV_APP_006",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_api_gateway_integration_response",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["depends_on"]
        names = [str(value) for _, value in walk(conf.get("depends_on", []))]
        if any(name.split(".")[0] == INTEGRATION_TYPE for name in names):
            return CheckResult.PASSED
        self.details.append("no depends_on names an aws_api_gateway_integration: pass depends_on=[integration]")
        return CheckResult.FAILED


check = IntegrationResponseDependsOnIntegration()
