"""ELBv2: load balancers, listeners and the targets behind them (NET-009, SEC-001, STO-006)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs
TLS_PROTOCOLS = frozenset({"HTTPS", "TLS"})


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_lb per load balancer and one aws_lb_listener per listener of the region."""
    elb = ctx.client("elbv2")
    balancers = list(ctx.paginate(elb, "describe_load_balancers", "LoadBalancers"))
    if not balancers:
        return
    targets = _targets_by_balancer(ctx, elb)
    listeners = {
        lb["LoadBalancerArn"]: list(
            ctx.paginate(
                elb, "describe_listeners", "Listeners", LoadBalancerArn=lb["LoadBalancerArn"]
            )
        )
        for lb in balancers
    }
    arns = [lb["LoadBalancerArn"] for lb in balancers]
    arns += [item["ListenerArn"] for items in listeners.values() for item in items]
    tags = _tags(ctx, elb, arns)
    for lb in balancers:
        arn = lb["LoadBalancerArn"]
        yield _balancer(ctx, lb, targets.get(arn, _TargetCount()), tags.get(arn, {}))
        for item in listeners[arn]:
            yield _listener(ctx, item, tags.get(item["ListenerArn"], {}))


@dataclass
class _TargetCount:
    """Target groups and targets behind one load balancer."""

    groups: int = 0
    registered: int = 0
    healthy: int = 0


def _targets_by_balancer(ctx: CollectContext, elb: Any) -> dict[str, _TargetCount]:
    """Target group and target counts per load balancer ARN."""
    counts: dict[str, _TargetCount] = {}
    for group in ctx.paginate(elb, "describe_target_groups", "TargetGroups"):
        owners = group.get("LoadBalancerArns") or []
        if not owners:
            continue
        health = ctx.call(elb, "describe_target_health", TargetGroupArn=group["TargetGroupArn"])
        described = health.get("TargetHealthDescriptions") or []
        healthy = sum(1 for t in described if t.get("TargetHealth", {}).get("State") == "healthy")
        for owner in owners:
            count = counts.setdefault(owner, _TargetCount())
            count.groups += 1
            count.registered += len(described)
            count.healthy += healthy
    return counts


def _tags(ctx: CollectContext, elb: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    """Tags of every ARN, asked for in batches."""
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), TAG_BATCH):
        answer = ctx.call(elb, "describe_tags", ResourceArns=arns[start : start + TAG_BATCH])
        for item in answer.get("TagDescriptions") or []:
            found[item["ResourceArn"]] = tags_of(item.get("Tags"))
    return found


def _balancer(
    ctx: CollectContext, lb: dict[str, Any], targets: _TargetCount, tags: dict[str, str]
) -> Resource:
    zones = lb.get("AvailabilityZones") or []
    scheme = lb.get("Scheme")
    refs: dict[str, str | list[str]] = {
        "subnets": [z["SubnetId"] for z in zones if z.get("SubnetId")],
        "security_groups": list(lb.get("SecurityGroups") or []),
    }
    if lb.get("VpcId"):
        refs["vpc"] = lb["VpcId"]
    return ctx.resource(
        lb["LoadBalancerArn"],
        "aws_lb",
        name=lb.get("LoadBalancerName"),
        tags=tags,
        attributes={
            "name": lb.get("LoadBalancerName"),
            "load_balancer_type": lb.get("Type"),
            "internal": scheme == "internal",
            "scheme": scheme,
            "availability_zones": sorted({z["ZoneName"] for z in zones if z.get("ZoneName")}),
            "state": (lb.get("State") or {}).get("Code"),
            "dns_name": lb.get("DNSName"),
            "target_groups": targets.groups,
            "registered_targets": targets.registered,
            "healthy_targets": targets.healthy,
        },
        refs=refs,
    )


def _listener(ctx: CollectContext, item: dict[str, Any], tags: dict[str, str]) -> Resource:
    protocol = item.get("Protocol")
    return ctx.resource(
        item["ListenerArn"],
        "aws_lb_listener",
        tags=tags,
        attributes={
            "port": item.get("Port"),
            "protocol": protocol,
            # moto reports a policy on plain HTTP listeners too; AWS and plans give none there
            "ssl_policy": item.get("SslPolicy") if protocol in TLS_PROTOCOLS else None,
            "default_actions": _actions(item.get("DefaultActions") or []),
        },
        refs={"load_balancer": item["LoadBalancerArn"]},
    )


def _actions(actions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Default actions in plan shape: ``{type, redirect: {protocol, port, status_code}}``."""
    shaped: list[dict[str, Any]] = []
    for action in sorted(actions, key=lambda a: a.get("Order", 0)):
        entry: dict[str, Any] = {"type": action.get("Type")}
        redirect = action.get("RedirectConfig")
        if redirect:
            entry["redirect"] = {
                "protocol": redirect.get("Protocol"),
                "port": redirect.get("Port"),
                "status_code": redirect.get("StatusCode"),
            }
        shaped.append(entry)
    return shaped


SPEC = ServiceSpec(
    name="elbv2",
    collect=collect,
    permissions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
    ),
    scope=Scope.REGIONAL,
    types=("aws_lb", "aws_lb_listener"),
)
