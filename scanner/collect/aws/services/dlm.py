"""Data Lifecycle Manager: snapshot lifecycle policies and how long they keep (STO-003).

Custom policies carry schedules; default (simplified) policies a create and retain interval in
days: both become ``schedules`` of Terraform's shape, each with ``retain_days`` when the
retention can be told in days.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

Item = dict[str, Any]
DAYS_PER_UNIT = {"HOURS": 1 / 24, "DAYS": 1, "WEEKS": 7, "MONTHS": 30, "YEARS": 365}


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_dlm_lifecycle_policy per policy of the region."""
    dlm = ctx.client("dlm")
    for summary in ctx.call(dlm, "get_lifecycle_policies").get("Policies") or []:
        policy = ctx.call(dlm, "get_lifecycle_policy", PolicyId=summary["PolicyId"])["Policy"]
        yield policy_resource(ctx, policy)


def policy_resource(ctx: CollectContext, policy: Item) -> Resource:
    """aws_dlm_lifecycle_policy from GetLifecyclePolicy."""
    details = policy.get("PolicyDetails") or {}
    resource_types = details.get("ResourceTypes") or (
        [details["ResourceType"]] if details.get("ResourceType") else []
    )
    return ctx.resource(
        policy["PolicyArn"],
        "aws_dlm_lifecycle_policy",
        name=policy.get("Description") or policy["PolicyId"],
        tags=dict(policy.get("Tags") or {}),
        attributes={
            "description": policy.get("Description"),
            "state": policy.get("State"),
            "policy_type": details.get("PolicyType") or "EBS_SNAPSHOT_MANAGEMENT",
            "default_policy": bool(policy.get("DefaultPolicy", False)),
            "resource_types": list(resource_types),
            "target_tags": {t["Key"]: t.get("Value", "") for t in details.get("TargetTags") or []},
            "schedules": schedules_of(details),
        },
    )


def schedules_of(details: Item) -> list[Item]:
    """Custom schedules, or the one implied by a default policy's intervals."""
    if details.get("Schedules"):
        return [schedule_of(schedule) for schedule in details["Schedules"]]
    if details.get("CreateInterval") is None and details.get("RetainInterval") is None:
        return []
    create = {"interval": details.get("CreateInterval"), "interval_unit": "DAYS"}
    retain = {"count": None, "interval": details.get("RetainInterval"), "interval_unit": "DAYS"}
    copies = [
        {"target_region": target.get("TargetRegion"), "encrypted": None, "retain_rule": None}
        for target in details.get("CrossRegionCopyTargets") or []
    ]
    return [
        {
            "name": "default",
            "create_rule": create,
            "retain_rule": retain,
            "retain_days": retain_days(create, retain),
            "cross_region_copy_rules": copies,
        }
    ]


def schedule_of(schedule: Item) -> Item:
    """One custom schedule with Terraform's names."""
    rule = schedule.get("CreateRule") or {}
    create = {
        "interval": rule.get("Interval"),
        "interval_unit": rule.get("IntervalUnit"),
        "cron_expression": rule.get("CronExpression"),
        "location": rule.get("Location"),
    }
    retain = retain_of(schedule.get("RetainRule"))
    return {
        "name": schedule.get("Name"),
        "create_rule": create,
        "retain_rule": retain,
        "retain_days": retain_days(create, retain),
        "cross_region_copy_rules": [
            {
                "target_region": copy.get("TargetRegion") or copy.get("Target"),
                "encrypted": copy.get("Encrypted"),
                "retain_rule": retain_of(copy.get("RetainRule")),
            }
            for copy in schedule.get("CrossRegionCopyRules") or []
        ],
    }


def retain_of(rule: Item | None) -> Item | None:
    """``{count, interval, interval_unit}``, or None when the source gives no rule."""
    if not rule:
        return None
    return {
        "count": rule.get("Count"),
        "interval": rule.get("Interval"),
        "interval_unit": rule.get("IntervalUnit"),
    }


def retain_days(create: Item, retain: Item | None) -> float | None:
    """How many days a snapshot is kept: the retain interval, or count x create interval."""
    if not retain:
        return None
    if retain.get("interval") and retain.get("interval_unit") in DAYS_PER_UNIT:
        return retain["interval"] * DAYS_PER_UNIT[retain["interval_unit"]]
    if retain.get("count") and create.get("interval"):
        unit = DAYS_PER_UNIT.get(create.get("interval_unit") or "")
        return retain["count"] * create["interval"] * unit if unit else None
    return None


SPEC = ServiceSpec(
    name="dlm",
    collect=collect,
    permissions=("dlm:GetLifecyclePolicies", "dlm:GetLifecyclePolicy"),
    scope=Scope.REGIONAL,
    types=("aws_dlm_lifecycle_policy",),
)
