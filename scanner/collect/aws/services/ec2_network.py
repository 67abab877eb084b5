"""EC2 networking: VPCs, subnets, route tables, gateways, Elastic IPs and VPC endpoints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services.ec2_common import Item, present, tagged
from scanner.inventory.model import Resource

# Route target fields in the order that decides a route's target (an instance route also
# names its network interface; the interface is the target, as in Terraform).
ROUTE_TARGETS: tuple[tuple[str, str | None], ...] = (
    ("NatGatewayId", "nat_gateway"),
    ("TransitGatewayId", "transit_gateway"),
    ("VpcPeeringConnectionId", "vpc_peering_connection"),
    ("EgressOnlyInternetGatewayId", "egress_only_internet_gateway"),
    ("NetworkInterfaceId", "network_interface"),
    ("InstanceId", "network_interface"),
    ("GatewayId", None),  # the id's prefix decides
    ("CarrierGatewayId", "unknown"),
    ("LocalGatewayId", "unknown"),
    ("CoreNetworkArn", "unknown"),
)
GATEWAY_PREFIXES = {
    "igw-": "internet_gateway",
    "vgw-": "virtual_private_gateway",
    "vpce-": "vpc_endpoint",
    "local": "local",
}
ROUTE_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
GONE_NAT_STATES = frozenset({"deleted", "failed"})  # never routed, or no longer exist
GONE_ENDPOINT_STATES = frozenset({"deleted", "failed", "rejected", "expired"})
# com.amazonaws.us-west-2.s3 -> s3; com.amazonaws.us-gov-west-1.ecr.dkr -> ecr.dkr
SERVICE_NAME = re.compile(r"^(?:.*?\.)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+\.(.+)$")


def vpcs(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_vpc, with its two DNS attributes (one call each)."""
    for vpc in ctx.paginate(ec2, "describe_vpcs", "Vpcs"):
        vpc_id = vpc["VpcId"]
        yield tagged(
            ctx,
            vpc_id,
            "aws_vpc",
            vpc,
            {
                "cidr_block": vpc.get("CidrBlock"),
                "enable_dns_hostnames": _vpc_flag(ctx, ec2, vpc_id, "enableDnsHostnames"),
                "enable_dns_support": _vpc_flag(ctx, ec2, vpc_id, "enableDnsSupport"),
                "is_default": bool(vpc.get("IsDefault", False)),
            },
        )


def _vpc_flag(ctx: CollectContext, ec2: Any, vpc_id: str, attribute: str) -> bool:
    answer = ctx.call(ec2, "describe_vpc_attribute", VpcId=vpc_id, Attribute=attribute)
    key = attribute[0].upper() + attribute[1:]
    return bool(answer.get(key, {}).get("Value", False))


def subnets(ctx: CollectContext, ec2: Any, zones: dict[str, str]) -> Iterator[Resource]:
    """aws_subnet; records each subnet's zone in ``zones`` (a NAT gateway's zone)."""
    for subnet in ctx.paginate(ec2, "describe_subnets", "Subnets"):
        zones[subnet["SubnetId"]] = subnet.get("AvailabilityZone", "")
        yield tagged(
            ctx,
            subnet["SubnetId"],
            "aws_subnet",
            subnet,
            {
                "cidr_block": subnet.get("CidrBlock"),
                "availability_zone": subnet.get("AvailabilityZone"),
                "map_public_ip_on_launch": bool(subnet.get("MapPublicIpOnLaunch", False)),
                "is_default": bool(subnet.get("DefaultForAz", False)),
            },
            {"vpc": subnet.get("VpcId")},
        )


def route_tables(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_route_table: routes, ``main``, and the subnets associated explicitly.

    A subnet with no explicit association follows its VPC's main table; that table's
    ``refs.subnets`` lists only explicit associations, as in a plan.
    """
    for table in ctx.paginate(ec2, "describe_route_tables", "RouteTables"):
        associations = [
            a
            for a in table.get("Associations", [])
            if a.get("AssociationState", {}).get("State", "associated") == "associated"
        ]
        yield tagged(
            ctx,
            table["RouteTableId"],
            "aws_route_table",
            table,
            {
                "routes": [route(r) for r in table.get("Routes", [])],
                "main": any(a.get("Main") for a in associations),
            },
            {
                "vpc": table.get("VpcId"),
                "subnets": [a["SubnetId"] for a in associations if a.get("SubnetId")],
            },
        )


def route(item: Item) -> dict[str, Any]:
    """One route as ``{destination, target_type, target}``."""
    destination = next((item[k] for k in ROUTE_DESTINATIONS if item.get(k)), None)
    for field, kind in ROUTE_TARGETS:
        target = item.get(field)
        if target:
            return {
                "destination": destination,
                "target_type": kind or gateway_type(target),
                "target": target,
            }
    return {"destination": destination, "target_type": "unknown", "target": None}


def gateway_type(gateway_id: str) -> str:
    """``internet_gateway``, ``virtual_private_gateway``, ``vpc_endpoint`` or ``local``."""
    for prefix, kind in GATEWAY_PREFIXES.items():
        if gateway_id.startswith(prefix):
            return kind
    return "unknown"


def internet_gateways(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_internet_gateway, linked to the VPC it is attached to."""
    for gateway in ctx.paginate(ec2, "describe_internet_gateways", "InternetGateways"):
        attached = [a["VpcId"] for a in gateway.get("Attachments", []) if a.get("VpcId")]
        yield tagged(
            ctx,
            gateway["InternetGatewayId"],
            "aws_internet_gateway",
            gateway,
            {},
            {"vpc": attached[0] if attached else None},
        )


def nat_gateways(ctx: CollectContext, ec2: Any, zones: dict[str, str]) -> Iterator[Resource]:
    """aws_nat_gateway with the zone of its subnet; deleted and failed ones are skipped."""
    for nat in ctx.paginate(ec2, "describe_nat_gateways", "NatGateways"):
        if nat.get("State") in GONE_NAT_STATES:
            continue
        subnet = nat.get("SubnetId")
        yield tagged(
            ctx,
            nat["NatGatewayId"],
            "aws_nat_gateway",
            nat,
            {
                "connectivity_type": nat.get("ConnectivityType") or "public",
                **present(availability_zone=zones.get(subnet or "")),
                "state": nat.get("State"),
            },
            {"subnet": subnet},
        )


def elastic_ips(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_eip with its association (``associated`` false: paid for and unused)."""
    for address in ctx.paginate(ec2, "describe_addresses", "Addresses"):
        instance = address.get("InstanceId") or None
        interface = address.get("NetworkInterfaceId") or None
        association = address.get("AssociationId") or None
        yield tagged(
            ctx,
            address.get("AllocationId") or address["PublicIp"],
            "aws_eip",
            address,
            {
                "public_ip": address.get("PublicIp"),
                "domain": address.get("Domain"),
                "associated": bool(association or instance or interface),
                **present(
                    association_id=association, instance=instance, network_interface=interface
                ),
            },
        )


def vpc_endpoints(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_vpc_endpoint with the short service name (``s3``, ``ecr.dkr``)."""
    for endpoint in ctx.paginate(ec2, "describe_vpc_endpoints", "VpcEndpoints"):
        if str(endpoint.get("State", "")).lower() in GONE_ENDPOINT_STATES:
            continue
        service_name = endpoint.get("ServiceName", "")
        yield tagged(
            ctx,
            endpoint["VpcEndpointId"],
            "aws_vpc_endpoint",
            endpoint,
            {
                "service_name": service_name,
                "service": short_service(service_name),
                **present(vpc_endpoint_type=endpoint.get("VpcEndpointType")),
                "state": endpoint.get("State"),
            },
            {
                "vpc": endpoint.get("VpcId"),
                "subnets": list(endpoint.get("SubnetIds", [])),
                "route_tables": list(endpoint.get("RouteTableIds", [])),
            },
        )


def short_service(service_name: str) -> str:
    """The service part of an endpoint service name (the whole name when not regional)."""
    match = SERVICE_NAME.match(service_name)
    return match.group(1) if match else service_name
