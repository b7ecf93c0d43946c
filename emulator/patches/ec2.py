"""moto compatibility fixes for EC2 (security group rules); registered in emulator.patches.PATCHES."""

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
