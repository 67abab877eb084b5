"""Shield Advanced: whether the account subscribes, and what it protects (EDGE-004)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

NOT_SUBSCRIBED = ("ResourceNotFoundException",)  # a valid answer: no Shield Advanced


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_shield_subscription (active or not) and one aws_shield_protection per protection."""
    shield = ctx.client("shield")
    answer = ctx.optional(shield, "describe_subscription", NOT_SUBSCRIBED)
    subscription = (answer or {}).get("Subscription")
    active = is_active(subscription)
    yield _subscription(ctx, subscription, active)
    if subscription is None:
        return  # protections need a subscription
    for item in ctx.paginate(shield, "list_protections", "Protections"):
        yield ctx.resource(
            item.get("ProtectionArn") or item["Id"],
            "aws_shield_protection",
            name=item.get("Name"),
            attributes={"name": item.get("Name"), "resource_arn": item.get("ResourceArn")},
            refs={"resource": item["ResourceArn"]} if item.get("ResourceArn") else {},
        )


def is_active(subscription: dict[str, Any] | None, now: datetime | None = None) -> bool:
    """A subscription is active unless it ended without renewing."""
    if subscription is None:
        return False
    end = subscription.get("EndTime")
    if not isinstance(end, datetime) or subscription.get("AutoRenew") == "ENABLED":
        return True
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    return end > (now or datetime.now(UTC))


def _subscription(
    ctx: CollectContext, subscription: dict[str, Any] | None, active: bool
) -> Resource:
    attributes: dict[str, Any] = {"active": active}
    if subscription is not None:
        attributes["auto_renew"] = subscription.get("AutoRenew")
        if subscription.get("SubscriptionArn"):
            attributes["arn"] = subscription["SubscriptionArn"]
    return ctx.resource(
        f"{ctx.account}/shield-subscription",  # stable whether or not the account subscribes
        "aws_shield_subscription",
        attributes=attributes,
    )


SPEC = ServiceSpec(
    name="shield",
    collect=collect,
    permissions=("shield:DescribeSubscription", "shield:ListProtections"),
    scope=Scope.GLOBAL,
    types=("aws_shield_subscription", "aws_shield_protection"),
)
