"""EC2 transit gateways and their VPC attachments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services.ec2_common import tagged
from scanner.inventory.model import Resource

GONE_STATES = frozenset({"deleted", "deleting", "failed", "rejected"})


def transit_gateways(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_ec2_transit_gateway (those shared with the account included, with their owner)."""
    for gateway in ctx.paginate(ec2, "describe_transit_gateways", "TransitGateways"):
        if gateway.get("State") in GONE_STATES:
            continue
        options = gateway.get("Options", {})
        yield tagged(
            ctx,
            gateway["TransitGatewayId"],
            "aws_ec2_transit_gateway",
            gateway,
            {
                "description": gateway.get("Description", ""),
                "state": gateway.get("State"),
                "owner_id": gateway.get("OwnerId"),
                "amazon_side_asn": options.get("AmazonSideAsn"),
                "auto_accept_shared_attachments": options.get("AutoAcceptSharedAttachments"),
                "default_route_table_association": options.get("DefaultRouteTableAssociation"),
                "default_route_table_propagation": options.get("DefaultRouteTablePropagation"),
            },
        )


def vpc_attachments(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_ec2_transit_gateway_vpc_attachment: which gateway, VPC and subnets."""
    for attachment in ctx.paginate(
        ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"
    ):
        if attachment.get("State") in GONE_STATES:
            continue
        options = attachment.get("Options", {})
        yield tagged(
            ctx,
            attachment["TransitGatewayAttachmentId"],
            "aws_ec2_transit_gateway_vpc_attachment",
            attachment,
            {
                "state": attachment.get("State"),
                "vpc_owner_id": attachment.get("VpcOwnerId"),
                "dns_support": options.get("DnsSupport"),
                "appliance_mode_support": options.get("ApplianceModeSupport"),
            },
            {
                "transit_gateway": attachment.get("TransitGatewayId"),
                "vpc": attachment.get("VpcId"),
                "subnets": list(attachment.get("SubnetIds", [])),
            },
        )
