"""A VPC with public and private subnets over N availability zones, NAT egress, flow logs and an S3 endpoint.

Defaults:
- DNS support and DNS hostnames on; the default security group is taken over and left with no rules
- subnets go to the named `availability_zones` (explicit names: the plan never changes when AWS adds a zone)
- the VPC block is cut into 2^`subnet_newbits` equal blocks: public subnet i gets block i, private subnet i gets
  block (half + i); public subnets never assign public IPs on launch (only the ALB and NAT gateways are public)
- one internet gateway, the public route table's default route (0.0.0.0/0); NAT gateways (EIPs with domain "vpc")
  in the public subnets, one shared (`nat_gateway_per_az=False`) or one per zone; one route table per private
  subnet, its default route to its zone's NAT
- flow logs of ALL traffic, aggregated per 60 s, to a CloudWatch log group encrypted with `log_kms_key_arn`,
  retention from props, written through a role only the flow-logs service of this account can assume; a retention
  under a year carries the project's one short-retention suppression (core.suppress.suppress_short_retention)
  naming the record field `retention_field` (default `log_retention_days`)
- an S3 gateway endpoint on every route table (image layers and S3 traffic stay off the NAT gateways)
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from config import limits
from config.settings import NatGateways, NetworkSettings
from core.props import policy_json, prop_problem, raise_problems
from core.suppress import suppress_short_retention


@dataclass(frozen=True, kw_only=True)
class NetworkProps:  # pylint: disable=too-many-instance-attributes
    """Props of Network."""

    #: prefix of the Name tag of every network resource
    name: str
    #: CIDR block of the VPC (split into the subnets)
    vpc_cidr: str
    availability_zones: tuple[str, ...]
    nat_gateway_per_az: bool
    #: region of the VPC (the S3 gateway endpoint's service name)
    region: str
    #: account of the flow log role
    account_id: str
    log_kms_key_arn: str
    #: days the VPC flow logs are kept
    flow_log_retention_days: int
    #: record field named in the short-retention suppression (core.suppress)
    retention_field: str = "log_retention_days"
    subnet_newbits: int = 4


def network_props(  # pylint: disable=too-many-arguments
    settings: NetworkSettings,
    *,
    name: str,
    region: str,
    account_id: str,
    log_kms_key_arn: str,
    flow_log_retention_days: int,
    retention_field: str = "log_retention_days",
) -> NetworkProps:
    """NetworkProps from a `network` settings section (its block, zones and NAT layout) and the values the stack
    holds: the one mapping from a record's network section to these props, for every VPC a stack builds."""
    return NetworkProps(
        name=name,
        vpc_cidr=settings.vpc_cidr,
        availability_zones=tuple(settings.availability_zones),
        nat_gateway_per_az=settings.nat_gateways is NatGateways.PER_AZ,
        region=region,
        account_id=account_id,
        log_kms_key_arn=log_kms_key_arn,
        flow_log_retention_days=flow_log_retention_days,
        retention_field=retention_field,
    )


def subnet_blocks(props: NetworkProps) -> tuple[list[str], list[str]]:
    """(public, private) CIDR blocks, one per availability zone."""
    blocks = list(ipaddress.IPv4Network(props.vpc_cidr).subnets(prefixlen_diff=props.subnet_newbits))
    half = len(blocks) // 2
    count = len(props.availability_zones)
    return [str(b) for b in blocks[:count]], [str(b) for b in blocks[half : half + count]]


def _problems(props: NetworkProps) -> list[str | None]:
    try:
        network = ipaddress.IPv4Network(props.vpc_cidr)
    except ValueError:
        return [f"vpc_cidr {props.vpc_cidr!r} is not an IPv4 network like '10.0.0.0/16'"]
    room, zones = 2**props.subnet_newbits // 2, props.availability_zones
    return [
        prop_problem("availability_zones", limits.distinct_zones(zones)),
        prop_problem("availability_zones", limits.zones_of_region(zones, props.region, "region")),
        None if len(zones) <= room else f"{len(zones)} zones need {len(zones)} blocks per half; {room} fit",
        None if network.prefixlen + props.subnet_newbits <= 28 else "subnets would be smaller than /28",
        None if props.flow_log_retention_days >= 1 else "flow_log_retention_days must be >= 1",
    ]


class Network(Construct):  # pylint: disable=too-many-instance-attributes
    """`vpc`, `public_subnets`, `private_subnets`, `nat_gateways`, `private_route_tables`, `flow_log_group`."""

    def __init__(self, scope: Construct, id_: str, *, props: NetworkProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"Network {id_}", _problems(props))
        self.vpc = Vpc(
            self,
            "Vpc",
            cidr_block=props.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": props.name},
        )
        DefaultSecurityGroup(
            self,
            "DefaultSecurityGroup",
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": f"{props.name}-default-unused"},
        )
        public_blocks, private_blocks = subnet_blocks(props)
        self.public_subnets = [
            Subnet(
                self,
                f"Public{i}",
                vpc_id=self.vpc.id,
                cidr_block=block,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{props.name}-public-{i}", "Tier": "public"},
            )
            for i, (block, zone) in enumerate(zip(public_blocks, props.availability_zones))
        ]
        self.private_subnets = [
            Subnet(
                self,
                f"Private{i}",
                vpc_id=self.vpc.id,
                cidr_block=block,
                availability_zone=zone,
                tags={"Name": f"{props.name}-private-{i}", "Tier": "private"},
            )
            for i, (block, zone) in enumerate(zip(private_blocks, props.availability_zones))
        ]
        self._routing(props)
        self._flow_logs(props)
        VpcEndpoint(
            self,
            "S3Endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{props.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[self.public_route_table.id] + [t.id for t in self.private_route_tables],
            tags={"Name": f"{props.name}-s3"},
        )

    def _routing(self, props: NetworkProps) -> None:
        gateway = InternetGateway(self, "InternetGateway", vpc_id=self.vpc.id, tags={"Name": props.name})
        self.public_route_table = RouteTable(
            self, "PublicRoutes", vpc_id=self.vpc.id, tags={"Name": f"{props.name}-public"}
        )
        Route(
            self,
            "PublicDefaultRoute",
            route_table_id=self.public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
        )
        for i, subnet in enumerate(self.public_subnets):
            RouteTableAssociation(
                self, f"Public{i}Routes", subnet_id=subnet.id, route_table_id=self.public_route_table.id
            )
        nat_count = len(props.availability_zones) if props.nat_gateway_per_az else 1
        self.nat_gateways = []
        for i in range(nat_count):
            eip = Eip(self, f"NatIp{i}", domain="vpc", tags={"Name": f"{props.name}-nat-{i}"}, depends_on=[gateway])
            self.nat_gateways.append(
                NatGateway(
                    self,
                    f"Nat{i}",
                    allocation_id=eip.allocation_id,
                    subnet_id=self.public_subnets[i].id,
                    tags={"Name": f"{props.name}-nat-{i}"},
                    depends_on=[gateway],
                )
            )
        self.private_route_tables = []
        for i, subnet in enumerate(self.private_subnets):
            table = RouteTable(
                self, f"Private{i}RouteTable", vpc_id=self.vpc.id, tags={"Name": f"{props.name}-private-{i}"}
            )
            Route(
                self,
                f"Private{i}DefaultRoute",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=self.nat_gateways[i % nat_count].id,
            )
            RouteTableAssociation(self, f"Private{i}Routes", subnet_id=subnet.id, route_table_id=table.id)
            self.private_route_tables.append(table)

    def _flow_logs(self, props: NetworkProps) -> None:
        self.flow_log_group = CloudwatchLogGroup(
            self,
            "FlowLogGroup",
            name=f"/vpc/flow-logs/{props.name}",
            retention_in_days=props.flow_log_retention_days,
            kms_key_id=props.log_kms_key_arn,
        )
        suppress_short_retention(
            self.flow_log_group,
            what="VPC flow logs",
            days=props.flow_log_retention_days,
            record_field=props.retention_field,
        )
        trust = {
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": props.account_id}},
        }
        role = IamRole(self, "FlowLogRole", name=f"{props.name}-flow-logs", assume_role_policy=policy_json(trust))
        IamRolePolicy(
            self,
            "FlowLogWrite",
            role=role.id,
            name="write-flow-logs",
            policy=policy_json(
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [self.flow_log_group.arn, f"{self.flow_log_group.arn}:*"],
                }
            ),
        )
        FlowLog(
            self,
            "FlowLog",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags={"Name": props.name},
        )
