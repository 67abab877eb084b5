"""Cost Explorer collector: moto lacks coverage and anomaly APIs: the ledger says unsupported.

The shaping of real answers is checked with botocore's Stubber (validated against the model).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import ce
from scanner.inventory.model import CoverageStatus

MONITOR = f"arn:aws:ce::{DEFAULT_ACCOUNT}:anomalymonitor/1"
SUBSCRIPTION = f"arn:aws:ce::{DEFAULT_ACCOUNT}:anomalysubscription/1"


def test_moto_lacks_coverage_so_the_ledger_says_unsupported(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    inventory = audit(["ce"])
    assert inventory.resources == []
    [entry] = inventory.coverage
    assert (entry.region, entry.service) == ("global", "ce")
    assert entry.api_call == "ce:GetReservationCoverage"
    assert entry.status == CoverageStatus.UNSUPPORTED


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (date(2026, 11, 25), ("2026-10-01", "2026-11-01")),
        (date(2026, 1, 1), ("2025-12-01", "2026-01-01")),
        (date(2026, 3, 31), ("2026-02-01", "2026-03-01")),
    ],
)
def test_last_full_month(today: date, period: tuple[str, str]) -> None:
    assert ce.last_full_month(today) == period


def _query(start: str, end: str) -> dict[str, Any]:
    return {
        "TimePeriod": {"Start": start, "End": end},
        "Granularity": "MONTHLY",
        "Filter": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [DEFAULT_ACCOUNT]}},
    }


def _stub_answers(stub: Stubber, start: str, end: str) -> None:
    period = {"Start": start, "End": end}
    hours = {"OnDemandHours": "400", "ReservedHours": "1200", "TotalRunningHours": "1600"}
    stub.add_response(
        "get_reservation_coverage",
        {
            "CoveragesByTime": [{"TimePeriod": period, "Total": {"CoverageHours": hours}}],
            "NextPageToken": "page-2",
        },
        _query(start, end),
    )
    stub.add_response(
        "get_reservation_coverage",
        {"CoveragesByTime": [], "Total": {"CoverageHours": hours}},
        {**_query(start, end), "NextPageToken": "page-2"},
    )
    coverage = {"SpendCoveredBySavingsPlans": "30", "OnDemandCost": "70", "TotalCost": "100"}
    stub.add_response(
        "get_savings_plans_coverage",
        {"SavingsPlansCoverages": [{"Coverage": coverage, "TimePeriod": period}]},
        _query(start, end),
    )
    stub.add_response(
        "get_anomaly_monitors",
        {
            "AnomalyMonitors": [
                {
                    "MonitorArn": MONITOR,
                    "MonitorName": "services",
                    "MonitorType": "DIMENSIONAL",
                    "MonitorDimension": "SERVICE",
                }
            ]
        },
    )
    stub.add_response(
        "get_anomaly_subscriptions",
        {
            "AnomalySubscriptions": [
                {
                    "SubscriptionArn": SUBSCRIPTION,
                    "AccountId": DEFAULT_ACCOUNT,
                    "MonitorArnList": [MONITOR],
                    "Subscribers": [
                        {"Address": "finance@example.com", "Type": "EMAIL"},
                        {"Address": "arn:aws:sns:us-east-1:1:cost", "Type": "SNS"},
                    ],
                    "Frequency": "DAILY",
                    "SubscriptionName": "daily",
                    "ThresholdExpression": {
                        "Dimensions": {
                            "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                            "Values": ["100"],
                            "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                        }
                    },
                }
            ]
        },
    )


def test_coverage_and_anomaly_detection_are_shaped_from_real_answers() -> None:
    client = boto3.client(
        "ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    start, end = ce.last_full_month()
    with Stubber(client) as stub:
        _stub_answers(stub, start, end)
        ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: client)
        found = {r.id: r for r in ce.SPEC.collect(ctx)}
        stub.assert_no_pending_responses()
    reserved = found[f"{DEFAULT_ACCOUNT}/ce-coverage/reservation"]
    assert reserved.type == "aws_ce_coverage"
    assert reserved.attributes == {
        "kind": "reservation",
        "period_start": start,
        "period_end": end,
        "data_available": True,
        "on_demand_hours": 400.0,
        "reserved_hours": 1200.0,
        "total_hours": 1600.0,
        "coverage_percent": 75.0,
    }
    plans = found[f"{DEFAULT_ACCOUNT}/ce-coverage/savings_plans"]
    assert plans.attributes["coverage_percent"] == 30.0
    assert plans.attributes["total_spend"] == 100.0
    monitor = found[MONITOR]
    assert (monitor.type, monitor.name) == ("aws_ce_anomaly_monitor", "services")
    assert monitor.attributes["monitor_dimension"] == "SERVICE"
    subscription = found[SUBSCRIPTION]
    assert subscription.type == "aws_ce_anomaly_subscription"
    assert subscription.attributes == {
        "name": "daily",
        "frequency": "DAILY",
        "monitor_arn_list": [MONITOR],
        "subscriber_count": 2,
        "subscriber_types": ["EMAIL", "SNS"],
        "has_threshold": True,
    }
    assert subscription.refs == {"monitors": [MONITOR]}
    assert "@" not in repr([r.to_dict() for r in found.values()])
    assert set(ctx.calls) == set(ce.SPEC.permissions)


def test_no_cost_explorer_data_is_recorded_not_guessed() -> None:
    client = boto3.client(
        "ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    start, end = ce.last_full_month()
    with Stubber(client) as stub:
        for operation in ("get_reservation_coverage", "get_savings_plans_coverage"):
            stub.add_client_error(operation, "DataUnavailableException", "no data")
        stub.add_response("get_anomaly_monitors", {"AnomalyMonitors": []})
        stub.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": []})
        ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: client)
        found = list(ce.SPEC.collect(ctx))
    assert [r.attributes for r in found] == [
        {"kind": kind, "period_start": start, "period_end": end, "data_available": False}
        for kind in ("reservation", "savings_plans")
    ]
