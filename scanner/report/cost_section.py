"""The cost estimate beside the budget, read from COST-001's findings (reports never price)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.findings import Finding
from scanner.report.context import ReportContext

COST_RULE = "COST-001"
ORDER = ("compute", "database", "storage", "network", "total")


@dataclass
class CostRow:
    """One environment and component: estimate, budget, limit and the rule's verdict."""

    environment: str
    component: str
    estimate: float | None
    budget: float | None
    limit: float | None
    unknown_lines: int
    status: str
    currency: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def cost_rows(ctx: ReportContext) -> list[CostRow]:
    """Rows for every COST-001 finding, by environment then component order."""
    rows = [
        _row(f)
        for f in ctx.findings
        if f.rule_id == COST_RULE and f.resource_id.startswith("cost/")
    ]
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(
        rows, key=lambda r: (r.environment, rank.get(r.component, len(ORDER)), r.component)
    )


def assumptions(ctx: ReportContext) -> list[str]:
    """Every distinct pricing assumption behind the estimate, so none stays hidden."""
    found: set[str] = set()
    for finding in ctx.findings:
        if finding.rule_id != COST_RULE or not isinstance(finding.actual, dict):
            continue
        for line in finding.actual.get("lines", []) or []:
            if isinstance(line, dict) and line.get("assumption"):
                found.add(str(line["assumption"]))
    return sorted(found)


def _row(finding: Finding) -> CostRow:
    expected = finding.expected if isinstance(finding.expected, dict) else {}
    actual = finding.actual if isinstance(finding.actual, dict) else {}
    component = finding.resource_id.rsplit("/", 1)[-1]
    return CostRow(
        environment=finding.environment or "",
        component=component,
        estimate=actual.get("estimate"),
        budget=expected.get("budget"),
        limit=expected.get("limit"),
        unknown_lines=int(actual.get("unknown_lines", 0) or 0),
        status=finding.status.value,
        currency=str(expected.get("currency", "USD")),
    )


def money(value: float | None) -> str:
    """``1,234.50`` or ``?`` when unknown."""
    return "?" if value is None else f"{value:,.2f}"
