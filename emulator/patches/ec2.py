"""moto compatibility fixes for EC2 (security group rules, VPC endpoints); registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("ec2-referenced-group-rule-description")
def ec2_referenced_group_rule_description() -> None:
    """moto keeps the Description of a security group rule that references another group in the rule's
    source_group, but DescribeSecurityGroupRules reads it from the CIDR range only: the description comes back
    empty and the provider plans to set it again on every plan."""
    from moto.ec2.models.security_groups import SecurityGroupRule  # pylint: disable=import-outside-toplevel

    def description(self: Any) -> str | None:
        found: str | None = self.ip_range.get("Description") or self.source_group.get("Description")
        return found

    SecurityGroupRule.description = property(description)


@patch("ec2-vpc-endpoint-delete-retry")
def ec2_vpc_endpoint_delete_retry() -> None:
    """moto's DeleteVpcEndpoints removes a gateway endpoint's route from each of its route tables and fails with
    InvalidRoute.NotFound when one is already gone. Under load the first request can fail part way (a route table
    done, then a 500), and the provider's retry then fails on the route the first attempt removed: the destroy stops
    with the endpoint half deleted. AWS deletes an endpoint once and answers a repeated delete without error. Here
    an endpoint already deleted is left alone and a gateway endpoint's missing route is skipped."""
    from moto.ec2.models.vpcs import VPCBackend  # pylint: disable=import-outside-toplevel
    from moto.ec2.utils import generate_route_id  # pylint: disable=import-outside-toplevel

    original = VPCBackend.delete_vpc_endpoints
    if getattr(original, "retry_patched", False):
        return

    def delete_vpc_endpoints(self: Any, vpce_ids: list[str] | None = None) -> None:
        for vpce_id in vpce_ids or []:
            endpoint = self.vpc_end_points.get(vpce_id)
            if endpoint is None or endpoint.state == "deleted":
                continue
            if endpoint.vpc_endpoint_type.lower() != "interface":
                for table_id in endpoint.route_table_ids:
                    table = self.route_tables.get(table_id)
                    if table is not None:
                        routes = table._routes  # pylint: disable=protected-access
                        routes.pop(generate_route_id(table_id, endpoint.destination_prefix_list_id), None)
                endpoint.route_table_ids = []
            original(self, [vpce_id])

    setattr(delete_vpc_endpoints, "retry_patched", True)
    VPCBackend.delete_vpc_endpoints = delete_vpc_endpoints
