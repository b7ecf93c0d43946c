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


def _gateway_endpoint(ec2: Any) -> tuple[str, str]:
    """A VPC, a route table and an S3 gateway endpoint on it: (endpoint id, route table id)."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway", RouteTableIds=[table]
    )["VpcEndpoint"]
    return endpoint["VpcEndpointId"], table


def _endpoint_routes(ec2: Any, table: str, endpoint: str) -> list[str]:
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    return [r.get("DestinationPrefixListId", "") for r in routes if r.get("GatewayId") == endpoint]


def test_a_retried_endpoint_delete_succeeds_when_a_route_is_already_gone(aws: Any) -> None:
    patches.PATCHES["ec2-vpc-endpoint-delete-retry"]()
    ec2 = aws("ec2")
    endpoint, table = _gateway_endpoint(ec2)
    (prefix_list,) = _endpoint_routes(ec2, table, endpoint)
    assert prefix_list.startswith("pl-")
    ec2.delete_route(RouteTableId=table, DestinationPrefixListId=prefix_list)  # what a failed first attempt left
    assert ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])["Unsuccessful"] == []
    assert ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])["Unsuccessful"] == []  # a repeated delete
    (state,) = [e["State"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["VpcEndpointId"] == endpoint]
    assert state.lower() == "deleted"


def test_deleting_an_endpoint_still_removes_its_routes(aws: Any) -> None:
    patches.PATCHES["ec2-vpc-endpoint-delete-retry"]()
    ec2 = aws("ec2")
    endpoint, table = _gateway_endpoint(ec2)
    assert len(_endpoint_routes(ec2, table, endpoint)) == 1
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])
    assert _endpoint_routes(ec2, table, endpoint) == []
