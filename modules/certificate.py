"""An ACM certificate for one domain name, validated through a DNS record in a Route 53 hosted zone.

Defaults:
- `validation_method = "DNS"`, certificate transparency logging on, `create_before_destroy` (a renewal or a new name
  never leaves its listener or custom domain without a certificate)
- the validation CNAME ACM asks for is written into `zone_id` (TTL 60, `allow_overwrite`: the record belongs to
  the domain name and the account, not to one certificate), unless `validation_record_fqdn` names one that exists
  already: ACM gives every certificate of the same domain name in the same account the same CNAME, in every region
  (ACM User Guide, "DNS validation"), so a second region's certificate reuses the first one's record instead of
  writing the same record twice
- `AcmCertificateValidation` waits until ACM has issued the certificate; use its `arn` (not the certificate's) so
  nothing uses the certificate before it is issued
- resources are created in the caller's scope (construct ids `Certificate`, `CertificateValidation`,
  `CertificateIssued`) through the caller's provider, or `provider` (a certificate is regional: it must be in the
  region of the load balancer or API that serves it)
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformProvider, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate, AcmCertificateOptions
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from constructs import Construct

VALIDATION_TTL = 60


@dataclass(frozen=True)
class DnsCertificate:
    """The certificate, its validation record (None when another certificate's record is reused), the validation."""

    #: the ACM certificate (DNS validation)
    certificate: AcmCertificate
    #: the validation CNAME written into the zone; None when another certificate's record is reused
    validation_record: Route53Record | None
    #: waits until ACM has issued the certificate
    validation: AcmCertificateValidation

    @property
    def arn(self) -> str:
        """The ARN of the issued certificate (known only once ACM has issued it)."""
        return self.validation.certificate_arn

    @property
    def validation_record_fqdn(self) -> str:
        """The FQDN of the validation record this certificate was validated with."""
        if self.validation_record is None:
            raise ValueError("this certificate reuses another certificate's validation record")
        return self.validation_record.fqdn


def dns_validated_certificate(
    scope: Construct,
    *,
    domain_name: str,
    zone_id: str,
    validation_record_fqdn: str | None = None,
    provider: TerraformProvider | None = None,
) -> DnsCertificate:
    """A certificate for `domain_name` in `scope`, issued once its DNS validation record exists in `zone_id`."""
    certificate = AcmCertificate(
        scope,
        "Certificate",
        domain_name=domain_name,
        validation_method="DNS",
        options=AcmCertificateOptions(certificate_transparency_logging_preference="ENABLED"),
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        provider=provider,
    )
    record = None
    if validation_record_fqdn is None:
        option = certificate.domain_validation_options.get(0)
        record = Route53Record(
            scope,
            "CertificateValidation",
            zone_id=zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=VALIDATION_TTL,
            allow_overwrite=True,
            provider=provider,
        )
        validation_record_fqdn = record.fqdn
    validation = AcmCertificateValidation(
        scope,
        "CertificateIssued",
        certificate_arn=certificate.arn,
        validation_record_fqdns=[validation_record_fqdn],
        provider=provider,
    )
    return DnsCertificate(certificate=certificate, validation_record=record, validation=validation)
