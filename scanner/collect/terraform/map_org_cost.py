"""Mappers for Organizations (accounts, OUs, SCPs) and cost controls (Budgets, anomaly detection).

Attribute names follow the live collectors (``services/organizations.py``, ``budgets.py``,
``ce.py``). Personal data is never copied: an account's e-mail, a budget's or a
subscription's subscriber addresses. An SCP's document is reduced to ``full_aws_access``.
``aws_organizations_policy_attachment`` instances are folded into their policy's
``targets`` (the attachment itself stays an unmapped, untaggable record of the plan).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.collect.terraform.mapping import ABSENT, UNKNOWN, MapContext, to_number
from scanner.collect.terraform.walk import Instance

ORG_UNIT = frozenset({"aws_organizations_organizational_unit"})
ORG_ACCOUNT = frozenset({"aws_organizations_account"})
ORG_POLICY = frozenset({"aws_organizations_policy"})
ANOMALY_MONITOR = frozenset({"aws_ce_anomaly_monitor"})
ATTACHMENT = "aws_organizations_policy_attachment"


def _parent(ctx: MapContext) -> None:
    """``parent_id`` and, for an OU parent, ``refs.parent`` (roots are not resources)."""
    result = ctx.resolve("parent_id", targets=ORG_UNIT)
    value = result.value if isinstance(result.value, str) else None
    if value is not None:
        ctx.set("parent_id", value)
        if not value.startswith("r-"):
            ctx.refs["parent"] = value
    elif result.unresolved:
        ctx.mark_unknown("parent_id")
        ctx.mark_unknown("refs.parent")


def map_organizations_account(ctx: MapContext) -> None:
    """aws_organizations_account (``email`` is personal data and is not read)."""
    ctx.copy("arn", "arn")
    ctx.copy("name", "name")
    ctx.copy("status", "status")
    ctx.copy("joined_method", "joined_method")
    _parent(ctx)
    ctx.name_from(ctx.value("name"))


def map_organizations_unit(ctx: MapContext) -> None:
    """aws_organizations_organizational_unit."""
    ctx.copy("arn", "arn")
    ctx.copy("name", "name")
    _parent(ctx)
    ctx.name_from(ctx.value("name"))


def map_organizations_policy(ctx: MapContext) -> None:
    """aws_organizations_policy, with the targets of the attachments that name it."""
    # Imported here: the live Organizations collector pulls in botocore, which a plan
    # run otherwise never loads (0.15 s of every `archscan plan`).
    from scanner.collect.aws.services.organizations import SCP, full_aws_access

    ctx.copy("arn", "arn")
    ctx.copy("name", "name")
    kind = ctx.get("type")
    ctx.set("type", SCP if kind is ABSENT or kind is None else kind)
    ctx.set("aws_managed", False)
    content = ctx.get("content")
    if content is UNKNOWN:
        ctx.mark_unknown("full_aws_access")
    else:
        ctx.set("full_aws_access", full_aws_access(content if isinstance(content, str) else None))
    targets, unresolved = _attachment_targets(ctx)
    ctx.set("targets", targets)
    refs = [t for t in targets if not t.startswith("r-")]
    if refs:
        ctx.refs["targets"] = refs
    if unresolved:
        ctx.mark_unknown("targets")
        ctx.mark_unknown("refs.targets")
    ctx.name_from(ctx.value("name"))


def _attachment_targets(ctx: MapContext) -> tuple[list[str], bool]:
    """Targets of every attachment whose ``policy_id`` resolves to this policy."""
    targets: list[str] = []
    unresolved = False
    attachments: list[Instance] = ctx.resolver.index.by_type.get(ATTACHMENT, [])
    for attachment in attachments:
        actx = MapContext(attachment, ctx.resolver)
        policy = actx.resolve("policy_id", targets=ORG_POLICY)
        if policy.value != ctx.instance.address:
            continue
        target = actx.resolve("target_id", targets=ORG_ACCOUNT | ORG_UNIT)
        if isinstance(target.value, str) and target.value:
            if target.value not in targets:
                targets.append(target.value)
        elif target.unresolved:
            unresolved = True
    return targets, unresolved


def map_budgets_budget(ctx: MapContext) -> None:
    """aws_budgets_budget: limit, filters and alert thresholds (subscribers are not read)."""
    ctx.copy("name", "name")
    ctx.copy("budget_type", "budget_type")
    ctx.copy("time_unit", "time_unit")
    ctx.copy("limit_amount", "limit_amount", convert=_float)
    ctx.copy("limit_unit", "limit_unit")
    _cost_filters(ctx)
    count = ctx.count("notification")
    if count is UNKNOWN:
        ctx.mark_unknown("notifications")
        ctx.mark_unknown("notification_count")
    else:
        notifications = [_notification(ctx, pos) for pos in range(count)]
        ctx.set("notifications", notifications)
        ctx.set("notification_count", len(notifications))
    ctx.name_from(ctx.value("name"))


def _cost_filters(ctx: MapContext) -> None:
    """``cost_filter`` blocks (provider 4+) or the older ``cost_filters`` map, as name -> values."""
    blocks = ctx.get("cost_filter")
    legacy = ctx.get("cost_filters")
    if blocks is UNKNOWN or legacy is UNKNOWN:
        ctx.mark_unknown("cost_filters")
        return
    filters: dict[str, list[str]] = {}
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and isinstance(block.get("name"), str):
            filters[block["name"]] = [str(v) for v in block.get("values") or []]
    if isinstance(legacy, dict):
        for key, value in legacy.items():
            values = value if isinstance(value, list) else str(value).split(",")
            filters.setdefault(str(key), [str(v).strip() for v in values])
    ctx.set("cost_filters", filters)


def _float(value: Any) -> float | None:
    """Budgets amounts as floats, as the live collector gives them ("6135" -> 6135.0)."""
    number = to_number(value)
    return None if number is None else float(number)


def _notification(ctx: MapContext, pos: int) -> dict[str, Any]:
    def known(field: str) -> Any:
        return ctx.value("notification", pos, field)

    return {
        "notification_type": known("notification_type"),
        "comparison_operator": known("comparison_operator"),
        "threshold": _float(known("threshold")),
        "threshold_type": known("threshold_type") or "PERCENTAGE",
    }


def map_ce_anomaly_monitor(ctx: MapContext) -> None:
    """aws_ce_anomaly_monitor."""
    ctx.copy("name", "name")
    ctx.copy("monitor_type", "monitor_type")
    ctx.copy("monitor_dimension", "monitor_dimension")
    ctx.name_from(ctx.value("name"))


def map_ce_anomaly_subscription(ctx: MapContext) -> None:
    """aws_ce_anomaly_subscription (subscriber addresses are not read, only their types)."""
    ctx.copy("name", "name")
    ctx.copy("frequency", "frequency")
    arns = ctx.get("monitor_arn_list")
    if arns is UNKNOWN:
        ctx.mark_unknown("monitor_arn_list")
    elif isinstance(arns, list):
        ctx.set("monitor_arn_list", [a for a in arns if isinstance(a, str)])
    ctx.ref("monitors", "monitor_arn_list", targets=ANOMALY_MONITOR, many=True)
    count = ctx.count("subscriber")
    if count is UNKNOWN:
        ctx.mark_unknown("subscriber_count")
        ctx.mark_unknown("subscriber_types")
    else:
        types = {ctx.value("subscriber", pos, "type") for pos in range(count)}
        ctx.set("subscriber_count", count)
        ctx.set("subscriber_types", sorted(t for t in types if isinstance(t, str)))
    threshold = ctx.get("threshold")
    expression = ctx.count("threshold_expression")
    if threshold is UNKNOWN or expression is UNKNOWN:
        ctx.mark_unknown("has_threshold")
    else:
        ctx.set("has_threshold", bool(expression) or threshold not in (None, ABSENT))
    ctx.name_from(ctx.value("name"))


EXTRA_MAPPERS: dict[str, Callable[[MapContext], None]] = {
    "aws_organizations_account": map_organizations_account,
    "aws_organizations_organizational_unit": map_organizations_unit,
    "aws_organizations_policy": map_organizations_policy,
    "aws_budgets_budget": map_budgets_budget,
    "aws_ce_anomaly_monitor": map_ce_anomaly_monitor,
    "aws_ce_anomaly_subscription": map_ce_anomaly_subscription,
}
