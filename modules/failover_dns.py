"""Route 53 active/passive failover: a health check per site and PRIMARY/SECONDARY failover records.

Defaults:
- a public hosted zone named `domain_name` is created unless `hosted_zone_id` names an existing one
- each site's health check calls `https://<host><health_path>` on port 443 (SNI on) every 30 s; 3 failures in a
  row mark it unhealthy; latency is measured (graphs in the Route 53 console)
- one CNAME `record_name` per site, TTL 60, with `set_identifier` = the site's label and its health check: Route 53
  answers with the PRIMARY site while its check passes, with the SECONDARY otherwise
- sites are listed primary first
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordFailoverRoutingPolicy
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from constructs import Construct

from core.props import raise_problems
from core.suppress import suppress

ROLES = ("PRIMARY", "SECONDARY")


@dataclass(frozen=True, kw_only=True)
class Site:
    """One region's endpoint: `host` answers HTTPS, `health_path` returns 200 while the site can serve."""

    #: the site's name (primary, dr): record set identifier and health check tag
    label: str
    host: str
    health_path: str


@dataclass(frozen=True, kw_only=True)
class FailoverDnsProps:
    """Props of FailoverDns."""

    domain_name: str
    record_name: str
    #: the primary site first, then the secondary
    sites: tuple[Site, Site]
    hosted_zone_id: str | None = None
    #: TTL of each failover CNAME record
    ttl_seconds: int = 60
    #: failed health checks in a row before Route 53 fails over
    failure_threshold: int = 3
    #: seconds between two health checks (30 standard, 10 fast)
    request_interval_seconds: int = 30


class FailoverDns(Construct):
    """`zone` (None with an existing zone), `zone_id`, `health_checks` and `records` (primary first)."""

    def __init__(self, scope: Construct, id_: str, *, props: FailoverDnsProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"FailoverDns {id_}",
            [
                None
                if props.record_name.endswith(props.domain_name)
                else f"record_name {props.record_name!r} must be inside domain_name {props.domain_name!r}",
                None if props.request_interval_seconds in (10, 30) else "request_interval_seconds must be 10 or 30",
                None if len({s.label for s in props.sites}) == 2 else "the two sites need different labels",
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
                "the parent zone, which the domain's registrar owns; records here are CNAMEs to TLS endpoints",
            )
            suppress(
                self.zone,
                "CKV2_AWS_39",
                "the zone holds only the two failover records: their health "
                "checks and alarms show every failover; DNS query logs add nothing to that",
            )
        self.zone_id = props.hosted_zone_id or (self.zone.zone_id if self.zone else "")
        self.health_checks = []
        self.records = []
        for role, site in zip(ROLES, props.sites):
            pascal = role.title()
            check = Route53HealthCheck(
                self,
                f"{pascal}HealthCheck",
                type="HTTPS",
                fqdn=site.host,
                port=443,
                resource_path=site.health_path,
                enable_sni=True,
                measure_latency=True,
                failure_threshold=props.failure_threshold,
                request_interval=props.request_interval_seconds,
                tags={"Name": f"{props.record_name}-{site.label}"},
            )
            self.health_checks.append(check)
            self.records.append(
                Route53Record(
                    self,
                    f"{pascal}Record",
                    zone_id=self.zone_id,
                    name=props.record_name,
                    type="CNAME",
                    ttl=props.ttl_seconds,
                    records=[site.host],
                    set_identifier=site.label,
                    health_check_id=check.id,
                    failover_routing_policy=Route53RecordFailoverRoutingPolicy(type=role),
                )
            )
