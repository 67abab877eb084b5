"""AWS Budgets: budgets with their limits and alert thresholds (COST-002).

Subscribers' addresses (e-mail addresses) are personal data and are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_budgets_budget per budget of the account, with its notifications."""
    budgets = ctx.client("budgets")
    for budget in ctx.paginate(budgets, "describe_budgets", "Budgets", AccountId=ctx.account):
        name = budget["BudgetName"]
        notifications = ctx.paginate(
            budgets,
            "describe_notifications_for_budget",
            "Notifications",
            AccountId=ctx.account,
            BudgetName=name,
        )
        yield _budget(ctx, budget, [_notification(item) for item in notifications])


def _budget(
    ctx: CollectContext, budget: dict[str, Any], notifications: list[dict[str, Any]]
) -> Resource:
    name = budget["BudgetName"]
    limit = budget.get("BudgetLimit") or {}
    attributes: dict[str, Any] = {
        "name": name,
        "budget_type": budget.get("BudgetType"),
        "time_unit": budget.get("TimeUnit"),
        "cost_filters": {
            key: list(values) for key, values in (budget.get("CostFilters") or {}).items()
        },
        "notifications": notifications,
        "notification_count": len(notifications),
    }
    if limit:
        attributes["limit_amount"] = _number(limit.get("Amount"))
        attributes["limit_unit"] = limit.get("Unit")
    return ctx.resource(
        f"{ctx.account}:{name}",  # Terraform's id: ACCOUNT_ID:BUDGET_NAME
        "aws_budgets_budget",
        name=name,
        attributes=attributes,
    )


def _notification(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "notification_type": item.get("NotificationType"),
        "comparison_operator": item.get("ComparisonOperator"),
        "threshold": _number(item.get("Threshold")),
        "threshold_type": item.get("ThresholdType", "PERCENTAGE"),
    }


def _number(value: Any) -> float | None:
    """Budgets give amounts as strings ("6135.0"); rules compare numbers."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


SPEC = ServiceSpec(
    name="budgets",
    collect=collect,
    # DescribeBudgets and DescribeNotificationsForBudget are authorized by budgets:ViewBudget.
    permissions=("budgets:ViewBudget",),
    scope=Scope.GLOBAL,
    types=("aws_budgets_budget",),
)
