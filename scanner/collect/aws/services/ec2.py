"""EC2: the network (VPCs to transit gateways), security groups, instances and EBS.

Reserved instances are a service of their own (``ec2-reserved``): an account or an
endpoint that cannot list them must not hide the rest of EC2.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services import ec2_compute, ec2_network, ec2_security, ec2_transit
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """Every EC2 resource type of one account and region."""
    ec2 = ctx.client("ec2")
    zones: dict[str, str] = {}  # subnet id -> availability zone, for NAT gateways
    yield from ec2_network.vpcs(ctx, ec2)
    yield from ec2_network.subnets(ctx, ec2, zones)
    yield from ec2_network.route_tables(ctx, ec2)
    yield from ec2_network.internet_gateways(ctx, ec2)
    yield from ec2_network.nat_gateways(ctx, ec2, zones)
    yield from ec2_network.elastic_ips(ctx, ec2)
    yield from ec2_network.vpc_endpoints(ctx, ec2)
    yield from ec2_security.security_groups(ctx, ec2)
    yield from ec2_security.network_acls(ctx, ec2)
    yield from ec2_transit.transit_gateways(ctx, ec2)
    yield from ec2_transit.vpc_attachments(ctx, ec2)
    yield from ec2_compute.instances(ctx, ec2)
    yield from ec2_compute.volumes(ctx, ec2)
    yield from ec2_compute.snapshots(ctx, ec2)
    yield from ec2_compute.launch_templates(ctx, ec2)


SPEC = ServiceSpec(
    name="ec2",
    collect=collect,
    permissions=(
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeNatGateways",
        "ec2:DescribeAddresses",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeTransitGateways",
        "ec2:DescribeTransitGatewayVpcAttachments",
        "ec2:DescribeInstances",
        "ec2:DescribeVolumes",
        "ec2:DescribeSnapshots",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
    ),
    scope=Scope.REGIONAL,
    types=(
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_internet_gateway",
        "aws_nat_gateway",
        "aws_eip",
        "aws_vpc_endpoint",
        "aws_security_group",
        "aws_network_acl",
        "aws_ec2_transit_gateway",
        "aws_ec2_transit_gateway_vpc_attachment",
        "aws_instance",
        "aws_ebs_volume",
        "aws_ebs_snapshot",
        "aws_launch_template",
    ),
)
