"""The security group of a private data service (database, cache): it admits only its clients, on one port.

Defaults:
- no ingress but one rule per client security group, on `port` only (`FromClient<i>`); no CIDR ever
- named `<name>-<suffix>` with a Name tag, so the console shows what it guards
"""

from __future__ import annotations

from typing import Sequence

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
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
