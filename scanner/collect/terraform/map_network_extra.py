"""Mappers for network ACLs and Transit Gateways (NET-008, NET-011).

Attribute names follow the live collectors (``ec2_security.network_acls`` and
``ec2_transit``). A plan's ``aws_network_acl_association`` has no live counterpart (live
ACLs list their subnets): it stays a resource of its own, with ``refs.network_acl`` and
``refs.subnet``, and NET-011 joins it to its ACL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.collect.terraform.map_security import normalize_protocol
from scanner.collect.terraform.mapping import (
    ABSENT,
    SUBNET,
    UNKNOWN,
    VPC,
    MapContext,
    to_int,
)

NETWORK_ACL = frozenset({"aws_network_acl"})
TRANSIT_GATEWAY = frozenset({"aws_ec2_transit_gateway"})
_DIRECTIONS = (("ingress", False), ("egress", True))


def map_network_acl(ctx: MapContext) -> None:
    """aws_network_acl: a custom ACL, its inline rules as ``entries``, its subnets."""
    ctx.set("is_default", False)
    entries: list[dict[str, Any]] = []
    for block, egress in _DIRECTIONS:
        count = ctx.count(block)
        if count is UNKNOWN:
            if ctx.configured(block) is not False:
                ctx.mark_unknown("entries")
            continue
        for pos in range(count):
            entries.append(_entry(ctx, (block, pos), egress))
    ctx.set("entries", entries)
    ctx.ref("vpc", "vpc_id", targets=VPC)
    ctx.ref("subnets", "subnet_ids", targets=SUBNET, many=True)


def _entry(ctx: MapContext, base: tuple[str, int], egress: bool) -> dict[str, Any]:
    def known(field: str) -> Any:
        value = ctx.get(*base, field)
        if value is UNKNOWN:
            ctx.mark_unknown("entries")
            return None
        return None if value is ABSENT or value == "" else value

    action = known("action")
    return {
        "rule_number": to_int(known("rule_no")),
        "egress": egress,
        "protocol": normalize_protocol(known("protocol")),
        "rule_action": action.lower() if isinstance(action, str) else None,
        "cidr_block": known("cidr_block"),
        "ipv6_cidr_block": known("ipv6_cidr_block"),
        "from_port": to_int(known("from_port")),
        "to_port": to_int(known("to_port")),
        "icmp_type": to_int(known("icmp_type")),
        "icmp_code": to_int(known("icmp_code")),
    }


def map_network_acl_association(ctx: MapContext) -> None:
    """aws_network_acl_association: which ACL a subnet uses (joined by NET-011)."""
    ctx.ref("network_acl", "network_acl_id", targets=NETWORK_ACL)
    ctx.ref("subnet", "subnet_id", targets=SUBNET)


def map_transit_gateway(ctx: MapContext) -> None:
    """aws_ec2_transit_gateway (``owner_id`` is known after apply; the plan's account owns it)."""
    ctx.set("description", ctx.defaulted("description", default=""))
    ctx.copy("owner_id", "owner_id")
    ctx.copy("amazon_side_asn", "amazon_side_asn", convert=to_int)
    for field in (
        "auto_accept_shared_attachments",
        "default_route_table_association",
        "default_route_table_propagation",
    ):
        default = "disable" if field == "auto_accept_shared_attachments" else "enable"
        ctx.set(field, ctx.defaulted(field, default=default))


def map_transit_gateway_vpc_attachment(ctx: MapContext) -> None:
    """aws_ec2_transit_gateway_vpc_attachment: its gateway, VPC and subnets."""
    ctx.copy("vpc_owner_id", "vpc_owner_id")
    ctx.set("dns_support", ctx.defaulted("dns_support", default="enable"))
    ctx.set("appliance_mode_support", ctx.defaulted("appliance_mode_support", default="disable"))
    ctx.ref("transit_gateway", "transit_gateway_id", targets=TRANSIT_GATEWAY)
    ctx.ref("vpc", "vpc_id", targets=VPC)
    ctx.ref("subnets", "subnet_ids", targets=SUBNET, many=True)


EXTRA_MAPPERS: dict[str, Callable[[MapContext], None]] = {
    "aws_network_acl": map_network_acl,
    "aws_network_acl_association": map_network_acl_association,
    "aws_ec2_transit_gateway": map_transit_gateway,
    "aws_ec2_transit_gateway_vpc_attachment": map_transit_gateway_vpc_attachment,
}
