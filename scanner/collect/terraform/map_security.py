"""Mappers for security groups (inline rules and rule resources) and KMS keys."""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    SECURITY_GROUP,
    UNKNOWN,
    VPC,
    MapContext,
    PathStep,
    to_int,
)
from scanner.inventory.model import Resource

_PROTOCOLS = {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_DIRECTIONS = ("ingress", "egress")


def normalize_protocol(value: Any) -> Any:
    """Lower-case protocol names; ``-1`` for all, ``tcp``/``udp``/``icmp`` for numbers."""
    if value is UNKNOWN or value is None or value is ABSENT:
        return value
    text = str(value).strip().lower()
    return _PROTOCOLS.get(text, text)


def map_security_group(ctx: MapContext) -> None:
    """aws_security_group; rule resources fold in later."""
    ctx.copy("name", "name")
    ctx.copy("description", "description")
    for direction in _DIRECTIONS:
        count = ctx.count(direction)
        if count is UNKNOWN:
            ctx.set(direction, [])
            if ctx.configured(direction) is not False:
                ctx.mark_unknown(direction)
            continue
        rules = []
        for pos in range(count):
            rule, unknown = _inline_rule(ctx, (direction, pos))
            rules.append(rule)
            if unknown:
                ctx.mark_unknown(direction)
        ctx.set(direction, rules)
    ctx.ref("vpc", "vpc_id", targets=VPC)
    ctx.name_from(ctx.value("name"))


def _inline_rule(ctx: MapContext, base: tuple[PathStep, ...]) -> tuple[dict[str, Any], bool]:
    unknown = False

    def read(field: str, convert: Any = None) -> Any:
        nonlocal unknown
        value = ctx.get(*base, field)
        if value is UNKNOWN:
            unknown = True
            return None
        if value is ABSENT:
            return None
        return convert(value) if convert else value

    groups = ctx.resolve(*base, "security_groups", targets=SECURITY_GROUP, many=True)
    unknown = unknown or groups.unresolved
    rule = {
        "protocol": read("protocol", normalize_protocol),
        "from_port": read("from_port", to_int),
        "to_port": read("to_port", to_int),
        "cidr_blocks": read("cidr_blocks") or [],
        "ipv6_cidr_blocks": read("ipv6_cidr_blocks") or [],
        "security_groups": list(groups.value or []),
        "self": bool(read("self")),
        "description": read("description"),
    }
    return rule, unknown


def _rule(
    ctx: MapContext,
    protocol: Any,
    from_port: Any,
    to_port: Any,
    cidrs: Any,
    ipv6_cidrs: Any,
    groups: list[str],
    self_ref: bool,
    description: Any,
) -> tuple[dict[str, Any], bool]:
    values = (protocol, from_port, to_port, cidrs, ipv6_cidrs, description)
    unknown = any(v is UNKNOWN for v in values)

    def known(value: Any) -> Any:
        return None if value is UNKNOWN or value is ABSENT else value

    rule = {
        "protocol": normalize_protocol(known(protocol)),
        "from_port": to_int(known(from_port)),
        "to_port": to_int(known(to_port)),
        "cidr_blocks": _as_list(known(cidrs)),
        "ipv6_cidr_blocks": _as_list(known(ipv6_cidrs)),
        "security_groups": groups,
        "self": self_ref,
        "description": known(description),
    }
    return rule, unknown


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def _append(group: Resource, direction: str, rule: dict[str, Any], unknown: bool) -> None:
    rules = group.attributes.setdefault(direction, [])
    if isinstance(rules, list) and rule not in rules:
        rules.append(rule)  # a refreshed group already lists the rules of rule resources
    if unknown and direction not in group.unknown:
        group.unknown.append(direction)


def fold_security_group_rule(ctx: MapContext, group: Resource) -> None:
    """aws_security_group_rule -> one more rule in the group's ``ingress`` or ``egress``."""
    direction = ctx.value("type")
    if direction not in _DIRECTIONS:
        return
    source = ctx.resolve("source_security_group_id", targets=SECURITY_GROUP)
    groups = [source.value] if isinstance(source.value, str) else []
    self_ref = bool(ctx.value("self")) or source.value == group.id
    rule, unknown = _rule(
        ctx,
        ctx.get("protocol"),
        ctx.get("from_port"),
        ctx.get("to_port"),
        ctx.get("cidr_blocks"),
        ctx.get("ipv6_cidr_blocks"),
        groups,
        self_ref,
        ctx.get("description"),
    )
    _append(group, direction, rule, unknown or source.unresolved)


def _fold_vpc_rule(ctx: MapContext, group: Resource, direction: str) -> None:
    source = ctx.resolve("referenced_security_group_id", targets=SECURITY_GROUP)
    groups = [source.value] if isinstance(source.value, str) else []
    protocol = ctx.get("ip_protocol")
    from_port, to_port = ctx.get("from_port"), ctx.get("to_port")
    if normalize_protocol(protocol) == "-1":
        from_port = 0 if from_port in (None, ABSENT) else from_port
        to_port = 0 if to_port in (None, ABSENT) else to_port
    rule, unknown = _rule(
        ctx,
        protocol,
        from_port,
        to_port,
        ctx.get("cidr_ipv4"),
        ctx.get("cidr_ipv6"),
        groups,
        source.value == group.id,
        ctx.get("description"),
    )
    _append(group, direction, rule, unknown or source.unresolved)


def fold_vpc_ingress_rule(ctx: MapContext, group: Resource) -> None:
    """aws_vpc_security_group_ingress_rule -> one more rule in the group's ``ingress``."""
    _fold_vpc_rule(ctx, group, "ingress")


def fold_vpc_egress_rule(ctx: MapContext, group: Resource) -> None:
    """aws_vpc_security_group_egress_rule -> one more rule in the group's ``egress``."""
    _fold_vpc_rule(ctx, group, "egress")


def map_kms_key(ctx: MapContext) -> None:
    """aws_kms_key (a plan's keys are always customer managed)."""
    ctx.set("description", ctx.defaulted("description", default=None))
    ctx.set("key_usage", ctx.defaulted("key_usage", default="ENCRYPT_DECRYPT"))
    ctx.set("enable_key_rotation", ctx.defaulted("enable_key_rotation", default=False))
    ctx.set("multi_region", ctx.defaulted("multi_region", default=False))
    ctx.set("customer_managed", True)
