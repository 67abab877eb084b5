"""Budgets collector against a moto server: limits and alert thresholds, no subscriber address."""

from __future__ import annotations

import json

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import budgets
from scanner.inventory.model import CoverageStatus

SUBSCRIBERS = [{"SubscriptionType": "EMAIL", "Address": "finance@example.com"}]


def seed_budgets(moto: Seeder) -> None:
    """prod-monthly ($6,135, alerts at 80% actual and 100% forecast) and a bare usage budget."""
    client = moto.client("budgets")
    client.create_budget(
        AccountId=DEFAULT_ACCOUNT,
        Budget={
            "BudgetName": "prod-monthly",
            "BudgetLimit": {"Amount": "6135", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
            "CostFilters": {"LinkedAccount": [DEFAULT_ACCOUNT]},
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": kind,
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": threshold,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": SUBSCRIBERS,
            }
            for kind, threshold in (("ACTUAL", 80.0), ("FORECASTED", 100.0))
        ],
    )
    client.create_budget(
        AccountId=DEFAULT_ACCOUNT,
        Budget={
            "BudgetName": "ec2-hours",
            "BudgetLimit": {"Amount": "1000", "Unit": "Hrs"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "USAGE",
        },
    )


def test_budgets_with_limits_and_alerts(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seed_budgets(moto)
    inventory = audit(["budgets"])
    found = inventory.by_id()
    prod = found[f"{DEFAULT_ACCOUNT}:prod-monthly"]
    assert (prod.type, prod.name) == ("aws_budgets_budget", "prod-monthly")
    assert prod.attributes == {
        "name": "prod-monthly",
        "budget_type": "COST",
        "time_unit": "MONTHLY",
        "limit_amount": 6135.0,
        "limit_unit": "USD",
        "cost_filters": {"LinkedAccount": [DEFAULT_ACCOUNT]},
        "notification_count": 2,
        "notifications": [
            {
                "notification_type": "ACTUAL",
                "comparison_operator": "GREATER_THAN",
                "threshold": 80.0,
                "threshold_type": "PERCENTAGE",
            },
            {
                "notification_type": "FORECASTED",
                "comparison_operator": "GREATER_THAN",
                "threshold": 100.0,
                "threshold_type": "PERCENTAGE",
            },
        ],
    }
    usage = found[f"{DEFAULT_ACCOUNT}:ec2-hours"]
    assert (usage.attributes["budget_type"], usage.attributes["limit_unit"]) == ("USAGE", "Hrs")
    assert (usage.attributes["notification_count"], usage.attributes["notifications"]) == (0, [])
    assert "@" not in json.dumps([r.to_dict() for r in inventory.resources])
    assert [(e.region, e.service, e.status) for e in inventory.coverage] == [
        ("global", "budgets", CoverageStatus.OK)
    ]


def test_calls_are_authorized_by_view_budget(moto: Seeder) -> None:
    seed_budgets(moto)
    ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: moto.client(s, r))
    assert len(list(budgets.SPEC.collect(ctx))) == 2
    # IAM authorizes both read operations with one action, budgets:ViewBudget
    assert set(ctx.calls) == {"budgets:DescribeBudgets", "budgets:DescribeNotificationsForBudget"}
    assert budgets.SPEC.permissions == ("budgets:ViewBudget",)
