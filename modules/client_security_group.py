"""The security group of a private data service (database, cache): it admits only its clients, on one port; and the
group its clients attach to, whose egress reaches those services only.

Defaults:
- no ingress but one rule per client security group, on `port` only (`FromClient<i>`); no CIDR ever
- named `<name>-<suffix>` with a Name tag, so the console shows what it guards
- the clients' group (`client_group`) has no ingress and one egress rule per service, on that service's port, to its
  security group only (`<id_prefix><label>`, described "to the <label>")
"""

from __future__ import annotations

from typing import Sequence

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct


def client_security_group(
    scope: Construct, *, name: str, vpc_id: str, service: str, port: int, clients: Sequence[str] = ()
) -> SecurityGroup:
    """`SecurityGroup` in `scope` for `service` (e.g. "PostgreSQL"), open on `port` to `clients` only."""
    group = SecurityGroup(
        scope,
        "SecurityGroup",
        name=name,
        vpc_id=vpc_id,
        tags={"Name": name},
        description=f"{name}: {service} from its clients only",
    )
    for i, source in enumerate(clients):
        VpcSecurityGroupIngressRule(
            scope,
            f"FromClient{i}",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=source,
            description=f"client to {service}",
        )
    return group


def client_group(scope: Construct, id_: str, *, name: str, vpc_id: str, description: str) -> SecurityGroup:
    """The `SecurityGroup` `id_` in `scope` that clients of private data services attach to (no rules yet)."""
    return SecurityGroup(scope, id_, name=name, vpc_id=vpc_id, tags={"Name": name}, description=description)


def allow_egress_to(
    scope: Construct, group: SecurityGroup, services: Sequence[tuple[str, str, int]], *, id_prefix: str
) -> list[VpcSecurityGroupEgressRule]:
    """One egress rule of `group` per `(label, security group id, port)` in `services`, id `<id_prefix><label>`."""
    return [
        VpcSecurityGroupEgressRule(
            scope,
            f"{id_prefix}{label}",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=target,
            description=f"to the {label.lower()}",
        )
        for label, target, port in services
    ]
