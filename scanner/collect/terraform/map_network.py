"""Mappers for VPCs, subnets, gateways, route tables and VPC endpoints."""

from __future__ import annotations

import re
from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    ROUTE_TABLE,
    SUBNET,
    UNKNOWN,
    VPC,
    MapContext,
    PathStep,
)
from scanner.inventory.model import Resource

# (field, target_type or None when the value's prefix decides, resource types it names)
_ROUTE_TARGETS: tuple[tuple[str, str | None, frozenset[str]], ...] = (
    ("gateway_id", None, frozenset({"aws_internet_gateway", "aws_vpn_gateway"})),
    ("nat_gateway_id", "nat_gateway", frozenset({"aws_nat_gateway"})),
    ("transit_gateway_id", "transit_gateway", frozenset({"aws_ec2_transit_gateway"})),
    ("vpc_endpoint_id", "vpc_endpoint", frozenset({"aws_vpc_endpoint"})),
    (
        "vpc_peering_connection_id",
        "vpc_peering_connection",
        frozenset({"aws_vpc_peering_connection"}),
    ),
    (
        "egress_only_gateway_id",
        "egress_only_internet_gateway",
        frozenset({"aws_egress_only_internet_gateway"}),
    ),
    ("network_interface_id", "network_interface", frozenset({"aws_network_interface"})),
    ("instance_id", "network_interface", frozenset({"aws_instance"})),
    ("carrier_gateway_id", "unknown", frozenset({"aws_ec2_carrier_gateway"})),
    ("local_gateway_id", "unknown", frozenset()),
    ("core_network_arn", "unknown", frozenset()),
)
_GATEWAY_PREFIX = {
    "igw-": "internet_gateway",
    "vgw-": "virtual_private_gateway",
    "vpce-": "vpc_endpoint",
    "local": "local",
}
_GATEWAY_TYPE = {
    "aws_internet_gateway": "internet_gateway",
    "aws_vpn_gateway": "virtual_private_gateway",
}
_ROUTE_DESTINATIONS = (
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
)
_INLINE_DESTINATIONS = ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id")
_SERVICE = re.compile(r"^(?:.*?\.)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+\.(.+)$")


def map_vpc(ctx: MapContext) -> None:
    """aws_vpc and aws_default_vpc."""
    ctx.copy("cidr_block", "cidr_block")
    ctx.set("enable_dns_hostnames", ctx.defaulted("enable_dns_hostnames", default=False))
    ctx.set("enable_dns_support", ctx.defaulted("enable_dns_support", default=True))
    ctx.set("is_default", ctx.instance.type == "aws_default_vpc")


def map_subnet(ctx: MapContext) -> None:
    """aws_subnet and aws_default_subnet."""
    ctx.copy("cidr_block", "cidr_block")
    ctx.copy("availability_zone", "availability_zone")
    ctx.set("map_public_ip_on_launch", ctx.defaulted("map_public_ip_on_launch", default=False))
    ctx.set("is_default", ctx.instance.type == "aws_default_subnet")
    ctx.ref("vpc", "vpc_id", targets=VPC)


def map_internet_gateway(ctx: MapContext) -> None:
    """aws_internet_gateway."""
    ctx.ref("vpc", "vpc_id", targets=VPC)


def map_nat_gateway(ctx: MapContext) -> None:
    """aws_nat_gateway (its availability zone comes from its subnet, see merge)."""
    kind = ctx.defaulted("connectivity_type", default="public")
    ctx.set("connectivity_type", "public" if kind is None or kind is ABSENT else kind)
    ctx.ref("subnet", "subnet_id", targets=SUBNET)


def map_route_table(ctx: MapContext) -> None:
    """aws_route_table with its inline routes; aws_route and associations fold in later."""
    ctx.set("main", False)
    ctx.ref("vpc", "vpc_id", targets=VPC)
    vpc = ctx.refs.get("vpc")
    count = ctx.count("route")
    if count is UNKNOWN:
        # Routes are computed when no inline route is configured: aws_route resources
        # fold in later. Configured inline routes that are unknown stay unknown.
        ctx.set("routes", [])
        if ctx.configured("route") is not False:
            ctx.mark_unknown("routes")
    else:
        routes = []
        for pos in range(count):
            route, unknown = route_entry(ctx, ("route", pos), _INLINE_DESTINATIONS, vpc)
            routes.append(route)
            if unknown:
                ctx.mark_unknown("routes")
        ctx.set("routes", routes)


def map_vpc_endpoint(ctx: MapContext) -> None:
    """aws_vpc_endpoint."""
    ctx.copy("service_name", "service_name")
    service_name = ctx.get("service_name")
    if service_name is UNKNOWN:
        ctx.mark_unknown("service")
    elif isinstance(service_name, str):
        match = _SERVICE.match(service_name)
        ctx.set("service", match.group(1) if match else service_name)
    kind = ctx.defaulted("vpc_endpoint_type", default="Gateway")
    ctx.set("vpc_endpoint_type", "Gateway" if kind is None or kind is ABSENT else kind)
    ctx.ref("vpc", "vpc_id", targets=VPC)
    ctx.ref("subnets", "subnet_ids", targets=SUBNET, many=True)
    ctx.ref("route_tables", "route_table_ids", targets=ROUTE_TABLE, many=True)


def route_entry(
    ctx: MapContext,
    base: tuple[PathStep, ...],
    destinations: tuple[str, ...],
    vpc: Any = None,
) -> tuple[dict[str, Any], bool]:
    """One route as ``{destination, target_type, target}`` and whether any part is unknown.

    A ``gateway_id`` known only after apply, with no configuration that names it, is
    the internet gateway of the table's VPC when the plan attaches exactly one gateway
    to that VPC (a VPC has at most one internet gateway).
    """
    unknown = False
    destination = None
    for field in destinations:
        value = ctx.get(*base, field)
        if value is UNKNOWN:
            unknown = True
            break
        if isinstance(value, str) and value:
            destination = value
            break
    chosen = _target_field(ctx, base)
    if chosen is None:
        return {"destination": destination, "target_type": "unknown", "target": None}, unknown
    field, target_type, targets = chosen
    result = ctx.resolve(*base, field, targets=targets)
    target = result.value if isinstance(result.value, str) else None
    if target is None and field == "gateway_id" and isinstance(vpc, str):
        gateways = _vpc_gateways(ctx).get(vpc, [])
        if len(gateways) == 1:
            target, target_type = gateways[0]
            return {
                "destination": destination,
                "target_type": target_type,
                "target": target,
            }, unknown
    if result.unresolved or target is None:
        unknown = True
    if target_type is None:
        target_type = _gateway_type(ctx, ctx.get(*base, field), target)
    return {"destination": destination, "target_type": target_type, "target": target}, unknown


def _target_field(
    ctx: MapContext, base: tuple[PathStep, ...]
) -> tuple[str, str | None, frozenset[str]] | None:
    """The route's target argument: the configured one, else the first with a value."""
    if not base:
        for entry in _ROUTE_TARGETS:
            if ctx.configured(entry[0]):
                return entry
    first_unknown = None
    for entry in _ROUTE_TARGETS:
        value = ctx.get(*base, entry[0])
        if isinstance(value, str) and value:
            return entry
        if value is UNKNOWN and first_unknown is None:
            first_unknown = entry
    return first_unknown


def _vpc_gateways(ctx: MapContext) -> dict[str, list[tuple[str, str]]]:
    """VPC id -> the internet and VPN gateways the plan attaches to it (built once)."""
    memo = ctx.resolver.memo.get("vpc_gateways")
    if memo is None:
        memo = {}
        for rtype, kind in _GATEWAY_TYPE.items():
            for instance in ctx.resolver.index.by_type.get(rtype, []):
                linked = MapContext(instance, ctx.resolver).resolve("vpc_id", targets=VPC)
                if isinstance(linked.value, str):
                    memo.setdefault(linked.value, []).append((instance.address, kind))
        ctx.resolver.memo["vpc_gateways"] = memo
    return memo


def _gateway_type(ctx: MapContext, value: Any, target: str | None) -> str:
    """``internet_gateway``, ``virtual_private_gateway``, ``local``... from a gateway_id."""
    if isinstance(value, str):
        for prefix, kind in _GATEWAY_PREFIX.items():
            if value.startswith(prefix):
                return kind
    if target:
        instance = ctx.resolver.index.by_address.get(target)
        if instance is not None:
            return _GATEWAY_TYPE.get(instance.type, "unknown")
    return "unknown"


# -- split resources folded into their route table ------------------------------------------


def fold_route(ctx: MapContext, table: Resource) -> None:
    """aws_route -> one more entry in the table's ``routes``."""
    route, unknown = route_entry(ctx, (), _ROUTE_DESTINATIONS, table.refs.get("vpc"))
    routes = table.attributes.setdefault("routes", [])
    if isinstance(routes, list):
        # A refreshed table already lists the routes of aws_route resources: the
        # resource's entry replaces the inline one for the same destination.
        routes[:] = [r for r in routes if r.get("destination") != route["destination"]]
        routes.append(route)
    if unknown and "routes" not in table.unknown:
        table.unknown.append("routes")


def fold_route_table_association(ctx: MapContext, table: Resource) -> None:
    """aws_route_table_association -> the subnet joins the table's ``refs.subnets``."""
    result = ctx.resolve("subnet_id", targets=SUBNET)
    if isinstance(result.value, str):
        subnets = table.refs.setdefault("subnets", [])
        seen = ctx.resolver.memo.setdefault("table_subnets", {}).setdefault(table.id, set())
        if isinstance(subnets, list) and result.value not in seen:
            seen.add(result.value)
            subnets.append(result.value)
    elif result.unresolved and "refs.subnets" not in table.unknown:
        table.unknown.append("refs.subnets")


def fold_main_route_table_association(ctx: MapContext, table: Resource) -> None:
    """aws_main_route_table_association -> the table is its VPC's main route table."""
    table.attributes["main"] = True
    if table.refs.get("vpc") is None:
        result = ctx.resolve("vpc_id", targets=VPC)
        if isinstance(result.value, str):
            table.refs["vpc"] = result.value
