"""The fixes of emulator/patches/ec2.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

from emulator import patches


def test_rule_referencing_a_group_keeps_its_description(aws: Any) -> None:
    patches.PATCHES["ec2-referenced-group-rule-description"]()
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    source = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
    target = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=target,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": source, "Description": "service to PostgreSQL"}],
            }
        ],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [target]}])
    (rule,) = [r for r in rules["SecurityGroupRules"] if not r["IsEgress"]]
    assert rule["ReferencedGroupInfo"]["GroupId"] == source
    assert rule["Description"] == "service to PostgreSQL"
