"""A regional custom domain name of a REST API stage, with an ACM certificate of the API's own region.

Defaults:
- an ACM certificate for `domain_name`, DNS-validated in `zone_id` (modules/certificate.py); or, with
  `validation_record_fqdn`, validated by the record another region's certificate of the same name wrote
- `aws_api_gateway_domain_name`: endpoint type REGIONAL, `regional_certificate_arn` = that certificate once
  issued (API Gateway takes a regional domain's certificate only from ACM in the API's region), security policy
  `TLS_1_2` (TLS 1.0 and 1.1 refused)
- a base path mapping of the whole domain (no base path) to `stage_name` of `rest_api_id`: `https://<domain_name>/
  health` is the stage's `/health`
- `alias_name` / `alias_zone_id`: what a Route 53 alias record of `domain_name` points at (the regional domain name
  API Gateway assigns and its hosted zone), never the API's execute-api host, which presents only AWS's certificate
- every resource is created through the caller's provider, or `provider` (the API's region)
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.api_gateway_base_path_mapping import ApiGatewayBasePathMapping
from cdktf_cdktf_provider_aws.api_gateway_domain_name import (
    ApiGatewayDomainName,
    ApiGatewayDomainNameEndpointConfiguration,
)
from constructs import Construct

from modules.certificate import dns_validated_certificate

SECURITY_POLICY = "TLS_1_2"  # TLS 1.2 minimum: refuses TLS 1.0 and 1.1 (CKV_AWS_206 asks for it)


@dataclass(frozen=True, kw_only=True)
class ApiDomainProps:
    """Props of ApiDomain."""

    domain_name: str
    zone_id: str
    rest_api_id: str
    stage_name: str
    validation_record_fqdn: str | None = None
    provider: TerraformProvider | None = None


class ApiDomain(Construct):
    """`issued` (certificate, validation record or None, validation), `domain`, `mapping`; `alias_name` and
    `alias_zone_id` for the alias record."""

    def __init__(self, scope: Construct, id_: str, *, props: ApiDomainProps) -> None:
        super().__init__(scope, id_)
        self.issued = dns_validated_certificate(
            self,
            domain_name=props.domain_name,
            zone_id=props.zone_id,
            validation_record_fqdn=props.validation_record_fqdn,
            provider=props.provider,
        )
        self.domain = ApiGatewayDomainName(
            self,
            "DomainName",
            domain_name=props.domain_name,
            regional_certificate_arn=self.issued.arn,
            endpoint_configuration=ApiGatewayDomainNameEndpointConfiguration(types=["REGIONAL"]),
            security_policy=SECURITY_POLICY,
            provider=props.provider,
        )
        self.mapping = ApiGatewayBasePathMapping(
            self,
            "Mapping",
            domain_name=self.domain.domain_name,
            api_id=props.rest_api_id,
            stage_name=props.stage_name,
            provider=props.provider,
        )

    @property
    def alias_name(self) -> str:
        """The regional domain name API Gateway assigns (`d-<id>.execute-api.<region>.amazonaws.com`)."""
        return self.domain.regional_domain_name

    @property
    def alias_zone_id(self) -> str:
        """The Route 53 hosted zone of the regional domain name (one per region, AWS-owned)."""
        return self.domain.regional_zone_id
