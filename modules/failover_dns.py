"""Route 53 active/passive failover of a REST API's custom domain: TLS in each region, a health check per site
and PRIMARY/SECONDARY failover alias records.

Defaults:
- a public hosted zone named `domain_name` is created unless `hosted_zone_id` names an existing one
- per site, `record_name` is a regional custom domain of the site's API stage (modules/api_domain.py): an ACM
  certificate for it in the site's region, DNS-validated in the zone (one validation record, written by the first
  site's certificate: ACM asks every certificate of one name in one account for the same CNAME, in every region),
  security policy TLS_1_2, the whole domain mapped to the stage; so `https://<record_name>/...` serves TLS with a
  certificate for that name in whichever region answers
- each site's health check is of type CLOUDWATCH_METRIC: it is healthy while the site's alarm (`alarm_name` in
  `alarm_region`, the site's own region) is OK, unhealthy while it is in ALARM, and unhealthy when the alarm has
  insufficient data (`insufficient_data_health_status = "Unhealthy"`: a signal that stopped is no proof of health).
  Route 53 does not call the API: its health route is IAM-authorized and health checkers cannot sign requests; the
  alarm is modules/health_schedule.py's (a scheduled health function's Errors). Route 53 reads only
  standard-resolution alarms on one metric with a plain statistic (CKV_AWSR_010 checks the stack's alarms)
- one alias A record `record_name` per site to the site's regional custom domain name (no TTL: alias records
  take the target's), with `set_identifier` = the site's label and its health check; Route 53 answers with the
  PRIMARY site while its check passes, with the SECONDARY otherwise. `evaluate_target_health` is off: the health
  check decides (API Gateway's target health fails only when the service itself is down in the region, which the
  health check sees too), so an alarm of the primary in ALARM is the whole DNS failover (README drill)
- sites are listed primary first
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_record import (
    Route53Record,
    Route53RecordAlias,
    Route53RecordFailoverRoutingPolicy,
)
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from constructs import Construct

from core.props import raise_problems
from core.suppress import suppress
from modules.api_domain import ApiDomain, ApiDomainProps

ROLES = ("PRIMARY", "SECONDARY")


@dataclass(frozen=True, kw_only=True)
class Site:
    """One region's API: the alarm `alarm_name` in `alarm_region` is OK while the site can serve; `rest_api_id`
    and `stage_name` are what the custom domain maps to; `provider` is the region's (None: the stack's default)."""

    #: the site's name (primary, dr): record set identifier and health check tag
    label: str
    #: the CloudWatch alarm the site's health check watches, and the region it is in
    alarm_name: str
    alarm_region: str
    rest_api_id: str
    stage_name: str
    provider: TerraformProvider | None = None


@dataclass(frozen=True, kw_only=True)
class FailoverDnsProps:
    """Props of FailoverDns."""

    domain_name: str
    record_name: str
    #: the primary site first, then the secondary
    sites: tuple[Site, Site]
    hosted_zone_id: str | None = None


class FailoverDns(Construct):
    """`zone` (None with an existing zone), `zone_id`, `domains`, `health_checks` and `records` (primary first)."""

    def __init__(self, scope: Construct, id_: str, *, props: FailoverDnsProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"FailoverDns {id_}",
            [
                None
                if props.record_name.endswith(props.domain_name)
                else f"record_name {props.record_name!r} must be inside domain_name {props.domain_name!r}",
                None if len({s.label for s in props.sites}) == 2 else "the two sites need different labels",
                None
                if len({(s.alarm_name, s.alarm_region) for s in props.sites}) == 2
                else "the two sites need different alarms (one health signal cannot tell which site is down)",
            ],
        )
        self.zone = None
        if props.hosted_zone_id is None:
            self.zone = Route53Zone(
                self, "Zone", name=props.domain_name, comment=f"failover records of {props.record_name}"
            )
            suppress(
                self.zone,
                "CKV2_AWS_38",
                "DNSSEC signing needs a KMS key in us-east-1 and a DS record in "
                "the parent zone, which the domain's registrar owns; clients reach the records' targets over TLS "
                "with a certificate for the record name, which a forged answer cannot present",
            )
            suppress(
                self.zone,
                "CKV2_AWS_39",
                "the zone holds only the failover records and the certificate "
                "validation record: their health checks and alarms show every failover; query logs add nothing",
            )
        self.zone_id = props.hosted_zone_id or (self.zone.zone_id if self.zone else "")
        self.domains: list[ApiDomain] = []
        self.health_checks: list[Route53HealthCheck] = []
        self.records: list[Route53Record] = []
        for role, site in zip(ROLES, props.sites):
            pascal = role.title()
            domain = ApiDomain(
                self,
                f"{pascal}Domain",
                props=ApiDomainProps(
                    domain_name=props.record_name,
                    zone_id=self.zone_id,
                    rest_api_id=site.rest_api_id,
                    stage_name=site.stage_name,
                    validation_record_fqdn=self.domains[0].issued.validation_record_fqdn if self.domains else None,
                    provider=site.provider,
                ),
            )
            self.domains.append(domain)
            check = Route53HealthCheck(
                self,
                f"{pascal}HealthCheck",
                type="CLOUDWATCH_METRIC",
                cloudwatch_alarm_name=site.alarm_name,
                cloudwatch_alarm_region=site.alarm_region,
                insufficient_data_health_status="Unhealthy",
                tags={"Name": f"{props.record_name}-{site.label}"},
            )
            self.health_checks.append(check)
            self.records.append(
                Route53Record(
                    self,
                    f"{pascal}Record",
                    zone_id=self.zone_id,
                    name=props.record_name,
                    type="A",
                    alias=Route53RecordAlias(
                        name=domain.alias_name, zone_id=domain.alias_zone_id, evaluate_target_health=False
                    ),
                    set_identifier=site.label,
                    health_check_id=check.id,
                    failover_routing_policy=Route53RecordFailoverRoutingPolicy(type=role),
                )
            )
