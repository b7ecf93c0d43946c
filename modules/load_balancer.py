"""An internet-facing Application Load Balancer in public subnets, logging to S3, HTTP and optionally HTTPS.

Defaults:
- security group: ingress only on the listener port(s) from 0.0.0.0/0; no egress until a service opens a path to
  itself (modules/fargate_service.py adds the ALB -> service rule)
- access logs to a SecureBucket with SSE-S3 (ALB log delivery cannot use KMS) and the ELB log-delivery policy
- drop_invalid_header_fields on; deletion protection from props
- a certificate source turns HTTPS on: `certificate_arn` (given), or `hosted_zone_id` + `domain_name` (an ACM
  certificate for `domain_name`, DNS-validated by a record in that zone; create_before_destroy so a renewal or a
  new name never leaves the listener without one; modules/certificate.py). With HTTPS: an HTTPS listener on 443
  (`ssl_policy`, default ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.2 and 1.3) that adds
  `Strict-Transport-Security: max-age=<hsts_max_age_seconds>` (default 31536000, a year) to every response, and
  only port 443 open; `listener` is the HTTPS one. Port 80 stays closed unless `http_redirect` (the record's
  switch) asks for an HTTP listener that only redirects (HTTP_301, port 443) to HTTPS: its ingress rule then
  carries the one CKV_AWS_260 suppression of a certificate-bearing ALB, and `http_listener` is that listener.
- without a certificate source: `allow_plain_http` must be true (the environment record's explicit switch, never a
  silent fallback; a PropsError otherwise), and the HTTP listener serves traffic. `listener` is the one services
  attach rules to; its default answer is a fixed 404. Policy CKV_APP_013 fails an HTTP listener that serves
  traffic in an environment whose record does not allow plain HTTP.
- a Route 53 alias record `domain_name` -> ALB when `hosted_zone_id` and `domain_name` are given
- no web ACL of its own: modules/waf.py's `protect` associates one (the stacks do wherever the record's
  waf.enabled is true) and drops the ALB's CKV2_AWS_28 suppression
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.lb import Lb, LbAccessLogs
from cdktf_cdktf_provider_aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionFixedResponse,
    LbListenerDefaultActionRedirect,
)
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordAlias
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from config import limits
from core.props import prop_problem, raise_problems
from core.suppress import suppress
from modules.certificate import dns_validated_certificate
from modules.secure_bucket import SecureBucket, SecureBucketProps

LOG_PREFIX = "alb"
NOT_FOUND = LbListenerDefaultAction(
    type="fixed-response",
    fixed_response=LbListenerDefaultActionFixedResponse(
        content_type="text/plain", message_body="not found", status_code="404"
    ),
)


@dataclass(frozen=True, kw_only=True)
class LoadBalancerProps:  # pylint: disable=too-many-instance-attributes
    """Props of LoadBalancer."""

    #: name of the load balancer and prefix of its security group
    name: str
    #: VPC of the load balancer's security group
    vpc_id: str
    #: public subnets of the load balancer (two zones or more)
    subnet_ids: list[str]
    #: account of the access log bucket
    account_id: str
    #: name of the access log bucket created here
    log_bucket_name: str
    #: days before noncurrent access log versions expire
    log_version_expiration_days: int
    #: refuse deletion of the load balancer (required: differs per environment)
    deletion_protection: bool
    allow_plain_http: bool
    certificate_arn: str | None = None
    hosted_zone_id: str | None = None
    domain_name: str | None = None
    #: with HTTPS: also open port 80 to answer every request with a redirect to HTTPS (off: 443 only)
    http_redirect: bool = False
    #: max-age of the Strict-Transport-Security header the HTTPS listener adds (browsers then use HTTPS only)
    hsts_max_age_seconds: int = 31_536_000
    #: TLS policy of the HTTPS listener
    ssl_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    #: seconds a connection may stay idle
    idle_timeout: int = 60


def _problems(props: LoadBalancerProps) -> list[str | None]:
    return [
        None if len(props.name) <= 32 else f"name {props.name!r} is longer than the 32 characters ALBs allow",
        None if len(props.subnet_ids) >= 2 else "an ALB needs subnets in at least two availability zones",
        limits.zone_and_domain(props.hosted_zone_id, props.domain_name),
        None
        if props.certificate_arn is None
        else prop_problem("certificate_arn", limits.certificate_arn(props.certificate_arn)),
        None
        if props.hsts_max_age_seconds > 0
        else "hsts_max_age_seconds must be positive (seconds browsers keep to HTTPS), "
        f"not {props.hsts_max_age_seconds}",
        None
        if has_certificate_source(props) or props.allow_plain_http
        else "no certificate source: give certificate_arn, or hosted_zone_id and domain_name (ACM with DNS "
        "validation), or set allow_plain_http (the environment record's switch) to serve plain HTTP",
    ]


def has_certificate_source(props: LoadBalancerProps) -> bool:
    """A certificate is given or can be issued by ACM with DNS validation in the hosted zone."""
    return props.certificate_arn is not None or (props.hosted_zone_id is not None and props.domain_name is not None)


class LoadBalancer(Construct):
    """`alb`, `security_group`, `listener` (where services attach), `http_listener`, `log_bucket`, `record`;
    `certificate` and `certificate_validation` when ACM issues the certificate (else None)."""

    def __init__(self, scope: Construct, id_: str, *, props: LoadBalancerProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"LoadBalancer {id_}", _problems(props))
        https = has_certificate_source(props)
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{props.name}-alb",
            vpc_id=props.vpc_id,
            description=f"{props.name} load balancer: listener ports from anywhere",
            tags={"Name": f"{props.name}-alb"},
        )
        for port in ((80, 443) if props.http_redirect else (443,)) if https else (80,):
            rule = VpcSecurityGroupIngressRule(
                self,
                f"Ingress{port}",
                security_group_id=self.security_group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                description=f"clients on port {port}",
            )
            if port == 80:
                suppress(
                    rule,
                    "CKV_AWS_260",
                    "port 80 only answers with a redirect to HTTPS (listener default action redirect; policy "
                    "CKV_APP_013), opened because this environment's record sets http_redirect"
                    if https
                    else "plain HTTP is allowed in this "
                    "environment by its record (allow_plain_http); no certificate source is configured",
                )
        self.log_bucket = self._log_bucket(props)
        self.alb = Lb(
            self,
            "Alb",
            name=props.name,
            load_balancer_type="application",
            internal=False,
            subnets=props.subnet_ids,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=props.deletion_protection,
            idle_timeout=props.idle_timeout,
            access_logs=LbAccessLogs(bucket=self.log_bucket.bucket.bucket, prefix=LOG_PREFIX, enabled=True),
            depends_on=[self.log_bucket.policy],
        )
        if not props.deletion_protection:
            suppress(
                self.alb,
                "CKV_AWS_150",
                "deletion protection is set per environment (deletion_protection "
                "in the environment record); this environment leaves it off so it can be torn down",
            )
        if not https:
            suppress(
                self.alb,
                "CKV2_AWS_20",
                "plain HTTP is allowed in this environment by its record "
                "(allow_plain_http); a certificate source adds the HTTPS listener and closes port 80 (http_redirect: "
                "answers it with a redirect)",
            )
        suppress(
            self.alb,
            "CKV2_AWS_28",
            "this environment's record turns the WAF off (waf.enabled = false); where it is on, modules/waf.py "
            "associates a web ACL with the ALB and drops this suppression",
        )
        self.http_listener: LbListener | None = None
        if not https or props.http_redirect:
            self.http_listener = LbListener(
                self,
                "HttpListener",
                load_balancer_arn=self.alb.arn,
                port=80,
                protocol="HTTP",
                default_action=[
                    LbListenerDefaultAction(
                        type="redirect",
                        redirect=LbListenerDefaultActionRedirect(status_code="HTTP_301", protocol="HTTPS", port="443"),
                    )
                ]
                if https
                else [NOT_FOUND],
            )
        self.certificate: AcmCertificate | None = None
        self.certificate_validation: AcmCertificateValidation | None = None
        if https:
            self.listener = LbListener(
                self,
                "HttpsListener",
                load_balancer_arn=self.alb.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=props.ssl_policy,
                certificate_arn=self._certificate_arn(props),
                default_action=[NOT_FOUND],
                routing_http_response_strict_transport_security_header_value=f"max-age={props.hsts_max_age_seconds}",
            )
        else:
            assert self.http_listener is not None
            self.listener = self.http_listener
            for check in ("CKV_AWS_2", "CKV_AWS_103"):
                suppress(
                    self.http_listener,
                    check,
                    "plain HTTP is allowed in this environment by its record "
                    "(allow_plain_http); a certificate source adds the HTTPS listener and closes port 80 "
                    "(http_redirect: answers it with a redirect)",
                )
        self.record = None
        if props.hosted_zone_id and props.domain_name:
            self.record = Route53Record(
                self,
                "Alias",
                zone_id=props.hosted_zone_id,
                name=props.domain_name,
                type="A",
                alias=Route53RecordAlias(name=self.alb.dns_name, zone_id=self.alb.zone_id, evaluate_target_health=True),
            )

    def _certificate_arn(self, props: LoadBalancerProps) -> str:
        """The given certificate, or one ACM issues for domain_name once its DNS validation record exists."""
        if props.certificate_arn is not None:
            return props.certificate_arn
        assert props.domain_name is not None and props.hosted_zone_id is not None  # has_certificate_source
        issued = dns_validated_certificate(self, domain_name=props.domain_name, zone_id=props.hosted_zone_id)
        self.certificate, self.certificate_validation = issued.certificate, issued.validation
        return issued.arn

    def _log_bucket(self, props: LoadBalancerProps) -> SecureBucket:
        elb_account = DataAwsElbServiceAccount(self, "ElbAccount")
        objects = f"arn:aws:s3:::{props.log_bucket_name}/{LOG_PREFIX}/AWSLogs/{props.account_id}/*"
        bucket = SecureBucket(
            self,
            "AccessLogs",
            props=SecureBucketProps(
                bucket_name=props.log_bucket_name,
                s3_managed_encryption=True,
                noncurrent_version_expiration_days=props.log_version_expiration_days,
                extra_policy_statements=(
                    {
                        "Sid": "ElbAccountWritesLogs",
                        "Effect": "Allow",
                        "Principal": {"AWS": elb_account.arn},
                        "Action": "s3:PutObject",
                        "Resource": objects,
                    },
                    {
                        "Sid": "LogDeliveryWritesLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": objects,
                    },
                ),
            ),
        )
        suppress(bucket.bucket, "CKV_AWS_145", "ALB access log delivery supports only SSE-S3, not SSE-KMS")
        suppress(
            bucket.bucket,
            "CKV_AWS_18",
            "this bucket receives the ALB's access logs and only the ELB log "
            "delivery may write to it (bucket policy); logging access to it would need yet another bucket",
        )
        suppress(
            bucket.bucket,
            "CKV_AWS_144",
            "access logs are operational data kept in one region; losing the region loses the ALB they describe too",
        )
        return bucket
