"""Every report shows COST-001's estimate beside the budget, with its assumptions."""

from __future__ import annotations

import json

from scanner.findings import Finding, Severity, Status
from scanner.report import registry
from tests.report.conftest import make_context


def cost_finding(component: str, estimate: float, status: Status) -> Finding:
    return Finding(
        rule_id="COST-001",
        title="Monthly cost within budget",
        severity=Severity.MEDIUM,
        status=status,
        message=f"prod {component}: estimated ${estimate:,.2f}/month",
        resource_id=f"cost/prod/{component}",
        environment="prod",
        expected={"budget": 500.0, "tolerance_percent": 10.0, "limit": 550.0, "currency": "USD"},
        actual={
            "estimate": estimate,
            "unknown_lines": 0,
            "lines": [
                {
                    "resource": "aws_ebs_volume.a",
                    "monthly": estimate,
                    "assumption": "spot at 70% off",
                }
            ],
        },
    )


def context():  # type: ignore[no-untyped-def]
    return make_context(
        [cost_finding("storage", 612.5, Status.FAIL), cost_finding("total", 1234.0, Status.PASS)]
    )


def test_json_carries_the_cost_rows() -> None:
    rows = json.loads(registry.render("json", context()))["cost"]
    assert [(r["component"], r["estimate"], r["limit"], r["status"]) for r in rows] == [
        ("storage", 612.5, 550.0, "FAIL"),
        ("total", 1234.0, 550.0, "PASS"),
    ]


def test_table_and_markdown_show_estimate_budget_and_assumptions() -> None:
    for name in ("table", "markdown"):
        text = registry.render(name, context())
        assert "612.50" in text and "550.00" in text and "1,234.00" in text, name
        assert "spot at 70% off" in text, name


def test_no_cost_rows_without_cost_findings() -> None:
    assert json.loads(registry.render("json", make_context([])))["cost"] == []
    assert "Cost estimate" not in registry.render("table", make_context([]))
