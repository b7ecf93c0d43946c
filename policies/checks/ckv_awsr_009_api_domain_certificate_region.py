"""CKV_AWSR_009: an API Gateway custom domain name's ACM certificate is in the region API Gateway reads it from.

AWS documentation: API Gateway Developer Guide, "Custom domain name for public REST APIs in API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html) and "Set up a Regional
custom domain name in API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html):
for a Regional custom domain name the ACM certificate must be in the same Region as the API, given as
`regionalCertificateArn`; for an edge-optimized one it must be in US East (N. Virginia), given as `certificateArn`.

What fails (a stack rule): an `aws_api_gateway_domain_name` whose certificate (a literal ACM ARN, or a reference
to an `aws_acm_certificate` / `aws_acm_certificate_validation` of the stack, judged by its provider's region) is
in another region than the domain name's provider (REGIONAL) or than us-east-1 (EDGE, the default type), or a
REGIONAL one that names its certificate in `certificate_arn` (the edge argument) instead of
`regional_certificate_arn`. A certificate the stack cannot place (a variable, a data source) is not judged.

Why it matters: AWS refuses the domain name at apply ("The certificate ... is not in the same region" / "Invalid
certificate ARN"), after the certificate has been requested and validated; the emulator stores any ARN. Fix:
request the certificate through the API's regional provider (modules/api_domain.py does).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from policies.aws_rules import Finding, Stack, StackRule

ID = "CKV_AWSR_009"
EDGE_REGION = "us-east-1"
ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/")


def _endpoint_types(body: dict[str, Any]) -> list[str]:
    config = body.get("endpoint_configuration") or {}
    config = config[0] if isinstance(config, list) and config else config
    types = config.get("types") if isinstance(config, dict) else None
    return [str(t) for t in types] if isinstance(types, list) and types else ["EDGE"]


def certificate_region(stack: Stack, value: Any) -> tuple[str, str] | None:
    """(region, what) of the certificate a `*certificate_arn` value names, or None when the stack cannot tell."""
    if not isinstance(value, str) or not value:
        return None
    literal = ACM_ARN.match(value)
    if literal:
        return literal.group(1), value
    found = stack.referenced(value, "aws_acm_certificate") or stack.referenced(value, "aws_acm_certificate_validation")
    if found is None:
        return None
    address, body = found
    if address.startswith("aws_acm_certificate_validation."):
        certificate = stack.referenced(body.get("certificate_arn"), "aws_acm_certificate")
        address, body = certificate if certificate else (address, body)
    region = stack.region(body)
    return (region, address) if region else None


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per custom domain name whose certificate's region the stack tells."""
    for address, body in stack.resources("aws_api_gateway_domain_name"):
        regional = "REGIONAL" in _endpoint_types(body)
        if regional and body.get("certificate_arn") and not body.get("regional_certificate_arn"):
            yield Finding(
                address,
                False,
                "a REGIONAL domain name takes its certificate in regional_certificate_arn; certificate_arn is the "
                "edge-optimized argument",
            )
            continue
        key = "regional_certificate_arn" if regional else "certificate_arn"
        found = certificate_region(stack, body.get(key))
        if found is None:
            continue
        wanted = stack.region(body) if regional else EDGE_REGION
        region, what = found
        yield Finding(
            address,
            region == wanted,
            f"{what} is in {region}, but API Gateway reads the certificate of a "
            f"{'REGIONAL' if regional else 'edge-optimized'} domain name from {wanted}: request it through the "
            f"{wanted} provider",
        )


rule = StackRule(
    ID, "Ensure an API Gateway custom domain's certificate is in the region API Gateway reads it from", evaluate
)
