"""Tests of COST-001's verdicts, beside the rule (the model is tested in tests/rules/)."""

from __future__ import annotations

from typing import Any

from rules.cost import cost_001
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory, Resource

H = 730


def nats(count: int, env: str | None = "dev", **extra: Any) -> list[Resource]:
    return [
        Resource(id=f"nat{i}", type="aws_nat_gateway", environment=env, region="us-west-2", **extra)
        for i in range(count)
    ]


def verdicts(inventory: Inventory, baseline: dict) -> dict[str, Any]:
    return {v.resource: v for v in cost_001(inventory, baseline)}


def test_tolerance_boundary_pass_then_fail(reference_baseline: dict) -> None:
    # One dev NAT: 32.85 + 50 GB x 0.045 = 35.10 <= 45 x 1.1; two: 70.20 > 49.50.
    one = verdicts(Inventory(source={"kind": "plan"}, resources=nats(1)), reference_baseline)
    two = verdicts(Inventory(source={"kind": "plan"}, resources=nats(2)), reference_baseline)
    assert one["cost/dev/network"].status == "PASS"
    assert one["cost/dev/network"].actual["estimate"] == 35.1
    assert two["cost/dev/network"].status == "FAIL"
    assert two["cost/dev/network"].expected["limit"] == 49.5
    assert two["cost/dev/network"].environment == "dev"
    assert two["cost/dev/network"].account == "333333333333"
    assert set(one) == {f"cost/dev/{c}" for c in ("compute", "database", "storage", "network")} | {
        "cost/dev/total"
    }


def test_unknown_line_is_unknown_unless_known_lines_already_fail(reference_baseline: dict) -> None:
    later = Resource(
        id="v",
        type="aws_ebs_volume",
        environment="dev",
        region="us-west-2",
        attributes={"type": "gp3"},
        unknown=["size"],
    )
    result = verdicts(Inventory(source={"kind": "plan"}, resources=[later]), reference_baseline)
    assert result["cost/dev/storage"].status == "UNKNOWN"
    assert "size is known only after apply" in result["cost/dev/storage"].message
    big = Resource(
        id="big",
        type="aws_ebs_volume",
        environment="dev",
        region="us-west-2",
        attributes={"type": "gp3", "size": 1000},
    )
    result = verdicts(
        Inventory(source={"kind": "plan"}, resources=[later, big]), reference_baseline
    )
    assert result["cost/dev/storage"].status == "FAIL"  # $80 known already exceeds $55


def test_unattributed_and_budgetless_environments_are_not_judged(reference_baseline: dict) -> None:
    resources = nats(1, env=None) + nats(1, env="network")
    assert (
        verdicts(Inventory(source={"kind": "plan"}, resources=resources), reference_baseline) == {}
    )


def test_collection_gap_makes_the_component_not_collected(reference_baseline: dict) -> None:
    inventory = Inventory(
        source={"kind": "live"},
        resources=nats(1, account="333333333333"),
        coverage=[
            CoverageEntry(
                account="333333333333",
                region="us-west-2",
                service="rds",
                status=CoverageStatus.DENIED,
                api_call="DescribeDBInstances",
            ),
        ],
    )
    result = verdicts(inventory, reference_baseline)
    assert result["cost/dev/database"].status == "NOT_COLLECTED"
    assert result["cost/dev/total"].status == "NOT_COLLECTED"
    assert result["cost/dev/network"].status == "PASS"
