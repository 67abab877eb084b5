"""Mappers for load balancers and their listeners (``aws_alb*`` aliases included)."""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    LOAD_BALANCER,
    SECURITY_GROUP,
    SUBNET,
    UNKNOWN,
    MapContext,
    to_int,
)


def map_lb(ctx: MapContext) -> None:
    """aws_lb and aws_alb."""
    ctx.copy("name", "name")
    kind = ctx.defaulted("load_balancer_type", default="application")
    ctx.set("load_balancer_type", "application" if kind is None or kind is ABSENT else kind)
    internal = ctx.defaulted("internal", default=False)
    internal = False if internal is None or internal is ABSENT else internal
    ctx.set("internal", internal)
    if internal is UNKNOWN:
        ctx.mark_unknown("scheme")
    else:
        ctx.set("scheme", "internal" if internal else "internet-facing")
    if ctx.count("subnet_mapping") and not _configured_or_known(ctx, "subnets"):
        mappings = ctx.count("subnet_mapping")
        subnets: list[str] = []
        for pos in range(mappings if isinstance(mappings, int) else 0):
            result = ctx.resolve("subnet_mapping", pos, "subnet_id", targets=SUBNET)
            if isinstance(result.value, str):
                subnets.append(result.value)
            elif result.unresolved:
                ctx.mark_unknown("refs.subnets")
        if subnets:
            ctx.refs["subnets"] = subnets
    else:
        ctx.ref("subnets", "subnets", targets=SUBNET, many=True)
    ctx.ref("security_groups", "security_groups", targets=SECURITY_GROUP, many=True)
    ctx.name_from(ctx.value("name"))


def _configured_or_known(ctx: MapContext, field: str) -> bool:
    value = ctx.get(field)
    return bool(ctx.configured(field)) or (isinstance(value, list) and bool(value))


def map_lb_listener(ctx: MapContext) -> None:
    """aws_lb_listener and aws_alb_listener."""
    ctx.copy("port", "port", convert=to_int)
    ctx.copy("protocol", "protocol")
    ctx.set("ssl_policy", ctx.defaulted("ssl_policy", default=None))
    count = ctx.count("default_action")
    if count is UNKNOWN:
        ctx.mark_unknown("default_actions")
    else:
        ctx.set("default_actions", [_action(ctx, pos) for pos in range(count)])
    ctx.ref("load_balancer", "load_balancer_arn", targets=LOAD_BALANCER)


def _action(ctx: MapContext, pos: int) -> dict[str, Any]:
    base = ("default_action", pos)
    kind = ctx.get(*base, "type")
    if kind is UNKNOWN:
        ctx.mark_unknown("default_actions")
    action: dict[str, Any] = {"type": kind if isinstance(kind, str) else None}
    if ctx.count(*base, "redirect"):
        redirect = (*base, "redirect", 0)
        for field in ("protocol", "port", "status_code"):
            if ctx.get(*redirect, field) is UNKNOWN:
                ctx.mark_unknown("default_actions")
        action["redirect"] = {
            "protocol": ctx.value(*redirect, "protocol"),
            "port": ctx.value(*redirect, "port"),
            "status_code": ctx.value(*redirect, "status_code"),
        }
    return action
