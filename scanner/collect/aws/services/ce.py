"""Cost Explorer: commitment coverage of the last full month, anomaly detection (CMP-002, COST-003).

Coverage is filtered to the account collected (``LINKED_ACCOUNT``), so an account's
figures describe its own usage whether they are read in the account itself or in the
management account. Subscribers' addresses (e-mail addresses) are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

NO_DATA = ("DataUnavailableException",)  # Cost Explorer holds no data for the period


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """Reservation and Savings Plans coverage, anomaly monitors and their subscriptions."""
    ce = ctx.client("ce")
    start, end = last_full_month()
    yield _reservation_coverage(ctx, ce, start, end)
    yield _savings_plans_coverage(ctx, ce, start, end)
    for monitor in ctx.paginate(ce, "get_anomaly_monitors", "AnomalyMonitors"):
        yield _monitor(ctx, monitor)
    for subscription in ctx.paginate(ce, "get_anomaly_subscriptions", "AnomalySubscriptions"):
        yield _subscription(ctx, subscription)


def last_full_month(today: date | None = None) -> tuple[str, str]:
    """ISO dates of the first day of last month and of this month (the end is exclusive)."""
    today = today or datetime.now(UTC).date()
    end = today.replace(day=1)
    if end.month == 1:
        start = end.replace(year=end.year - 1, month=12)
    else:
        start = end.replace(month=end.month - 1)
    return start.isoformat(), end.isoformat()


def _query(ctx: CollectContext, start: str, end: str) -> dict[str, Any]:
    return {
        "TimePeriod": {"Start": start, "End": end},
        "Granularity": "MONTHLY",
        "Filter": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [ctx.account]}},
    }


def _reservation_coverage(ctx: CollectContext, client: Any, start: str, end: str) -> Resource:
    """Reserved hours over running hours (EC2, RDS, ElastiCache, ...)."""
    pages = _pages(
        ctx, client, "get_reservation_coverage", "NextPageToken", _query(ctx, start, end)
    )
    rows = [
        (period.get("Total") or {}).get("CoverageHours") or {}
        for page in pages or []
        for period in page.get("CoveragesByTime") or []
    ]
    details = {
        "on_demand_hours": _sum(rows, "OnDemandHours"),
        "reserved_hours": _sum(rows, "ReservedHours"),
        "total_hours": _sum(rows, "TotalRunningHours"),
    }
    covered, total = details["reserved_hours"], details["total_hours"]
    return _coverage(ctx, "reservation", (start, end), pages is not None, covered, total, details)


def _savings_plans_coverage(ctx: CollectContext, client: Any, start: str, end: str) -> Resource:
    """Spend covered by Savings Plans over the total eligible spend."""
    query = _query(ctx, start, end)
    pages = _pages(ctx, client, "get_savings_plans_coverage", "NextToken", query)
    rows = [
        item.get("Coverage") or {}
        for page in pages or []
        for item in page.get("SavingsPlansCoverages") or []
    ]
    details = {
        "covered_spend": _sum(rows, "SpendCoveredBySavingsPlans"),
        "on_demand_spend": _sum(rows, "OnDemandCost"),
        "total_spend": _sum(rows, "TotalCost"),
    }
    covered, total = details["covered_spend"], details["total_spend"]
    return _coverage(ctx, "savings_plans", (start, end), pages is not None, covered, total, details)


def _pages(
    ctx: CollectContext, client: Any, operation: str, token: str, params: dict[str, Any]
) -> list[dict[str, Any]] | None:
    """Every page of a coverage query (no botocore paginator), or None without data."""
    pages: list[dict[str, Any]] = []
    while True:
        page = ctx.optional(client, operation, NO_DATA, **params)
        if page is None:
            return None
        pages.append(page)
        if not page.get(token):
            return pages
        params[token] = page[token]


def _coverage(
    ctx: CollectContext,
    kind: str,
    period: tuple[str, str],
    available: bool,
    covered: float,
    total: float,
    details: dict[str, float],
) -> Resource:
    attributes: dict[str, Any] = {
        "kind": kind,
        "period_start": period[0],
        "period_end": period[1],
        "data_available": available,
    }
    if available:
        attributes.update(details)
        # No eligible usage: nothing to cover, and no percentage to judge.
        attributes["coverage_percent"] = round(100.0 * covered / total, 2) if total else None
    return ctx.resource(
        f"{ctx.account}/ce-coverage/{kind}", "aws_ce_coverage", attributes=attributes
    )


def _monitor(ctx: CollectContext, monitor: dict[str, Any]) -> Resource:
    return ctx.resource(
        monitor["MonitorArn"],
        "aws_ce_anomaly_monitor",
        name=monitor.get("MonitorName"),
        attributes={
            "name": monitor.get("MonitorName"),
            "monitor_type": monitor.get("MonitorType"),
            "monitor_dimension": monitor.get("MonitorDimension"),
        },
    )


def _subscription(ctx: CollectContext, subscription: dict[str, Any]) -> Resource:
    subscribers = subscription.get("Subscribers") or []
    monitors = list(subscription.get("MonitorArnList") or [])
    attributes: dict[str, Any] = {
        "name": subscription.get("SubscriptionName"),
        "frequency": subscription.get("Frequency"),
        "monitor_arn_list": monitors,
        "subscriber_count": len(subscribers),
        "subscriber_types": sorted({s["Type"] for s in subscribers if s.get("Type")}),
        "has_threshold": bool(
            subscription.get("ThresholdExpression") or subscription.get("Threshold") is not None
        ),
    }
    return ctx.resource(
        subscription["SubscriptionArn"],
        "aws_ce_anomaly_subscription",
        name=subscription.get("SubscriptionName"),
        attributes=attributes,
        refs={"monitors": monitors},
    )


def _sum(rows: list[dict[str, Any]], key: str) -> float:
    """Sum of a figure over rows (Cost Explorer gives numbers as strings)."""
    total = 0.0
    for row in rows:
        try:
            total += float(row.get(key) or 0)
        except (TypeError, ValueError):
            continue
    return total


SPEC = ServiceSpec(
    name="ce",
    collect=collect,
    permissions=(
        "ce:GetReservationCoverage",
        "ce:GetSavingsPlansCoverage",
        "ce:GetAnomalyMonitors",
        "ce:GetAnomalySubscriptions",
    ),
    scope=Scope.GLOBAL,
    types=(
        "aws_ce_coverage",
        "aws_ce_anomaly_monitor",
        "aws_ce_anomaly_subscription",
    ),
)
