"""COST-001: the estimated monthly cost stays within each environment's documented budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.cost import Estimate, Line, estimate, load_prices
from scanner.cost.model import COMPONENT_OF, READS
from scanner.engine.python_rules import rule
from scanner.engine.verdict import Verdict
from scanner.inventory.model import CoverageStatus, Inventory
from scanner.inventory.types import SERVICE_OF_TYPE

MAX_LINES_IN_MESSAGE = 6


@rule(
    id="COST-001",
    title="Estimated monthly cost stays within the documented budget",
    severity="medium",
    description=(
        "Estimates the monthly cost of each environment and component (compute, database, "
        "storage, network) from the price tables shipped in baselines/prices/ and compares it "
        "with environments.<env>.budget, allowing budgets.tolerance_percent."
    ),
    seed="Cost Breakdown by Environment",
    rationale=(
        "The cost table is part of the architecture: a plan that doubles the node count or "
        "moves a volume to provisioned IOPS changes the bill before anyone reads it."
    ),
    remediation=(
        "Read the estimate's lines in the finding: right-size or remove the lines that "
        "exceed the budget (instance types, node counts, provisioned IOPS, extra NAT "
        "gateways), or update the budget in the baseline if the architecture changed."
    ),
    inputs=["plan", "live"],
    reads=READS,
    baseline_paths=[
        "environments.*.budget",
        "budgets.tolerance_percent",
        "budgets.currency",
        "environments.*.eks.capacity_mix",
        "commitments",
        "databases.serverless_v2_instance_class",
        "regions.primary",
    ],
    frameworks={"well_architected": "COST02-BP05", "cis": None},
)
def cost_001(inventory: Inventory, baseline: dict[str, Any]) -> Iterator[Verdict]:
    """One verdict per environment with a budget and resources: per component, and total."""
    result = estimate(inventory, baseline, load_prices())
    tolerance = float(baseline.get("budgets", {}).get("tolerance_percent", 0))
    environments = baseline.get("environments", {})
    for env in result.environments():
        budget = (environments.get(env) or {}).get("budget")
        if not budget:
            continue  # unattributed lines and environments without a budget: not judged
        account = _account_of(baseline, env)
        gaps = _gaps(inventory, baseline, env)
        for component, amount in (budget.get("components") or {}).items():
            yield _verdict(result, env, component, float(amount), tolerance, account, gaps)
        if budget.get("total") is not None:
            yield _verdict(result, env, None, float(budget["total"]), tolerance, account, gaps)


def _verdict(
    result: Estimate,
    env: str,
    component: str | None,
    budget: float,
    tolerance: float,
    account: str | None,
    gaps: dict[str, str],
) -> Verdict:
    name = component or "total"
    lines = result.of(env, component)
    known = result.known(env, component)
    unknown = result.unknown(env, component)
    limit = round(budget * (1 + tolerance / 100), 2)
    expected = {
        "budget": budget,
        "tolerance_percent": tolerance,
        "limit": limit,
        "currency": result.currency,
    }
    actual: dict[str, Any] = {
        "estimate": known,
        "unknown_lines": len(unknown),
        "lines": [line.to_dict() for line in lines],
    }
    if component is None:
        actual["components"] = {
            comp: result.known(env, comp) for comp in sorted({x.component for x in lines})
        }
    scope = f"{env} {name}"
    figures = f"estimated ${known:,.2f}/month vs budget ${budget:,.2f} (limit ${limit:,.2f})"
    detail = _describe(lines)
    if known > limit:
        status, verdict = "FAIL", f"{scope}: {figures}: over budget"
    elif unknown:
        status = "UNKNOWN"
        why = "; ".join(f"{x.resource}: {x.unknown}" for x in unknown[:MAX_LINES_IN_MESSAGE])
        verdict = f"{scope}: {figures} without {len(unknown)} line(s) known only later ({why})"
    else:
        status, verdict = "PASS", f"{scope}: {figures}"
    services = sorted({s for comp, s in gaps.items() if component in (None, comp)})
    if status != "FAIL" and services:
        status = "NOT_COLLECTED"
        verdict = f"{scope}: {figures}, but {', '.join(services)} not fully collected"
        actual["not_collected"] = services
    return Verdict(
        resource=f"cost/{env}/{name}",
        status=status,
        message=f"{verdict}. {detail}" if detail else verdict,
        expected=expected,
        actual=actual,
        environment=env,
        account=account,
    )


def _describe(lines: list[Line]) -> str:
    """The largest lines, for the message."""
    priced = sorted((x for x in lines if x.monthly is not None), key=lambda x: -(x.monthly or 0))
    shown = [f"{x.item} ({x.resource}) ${x.monthly:,.2f}" for x in priced[:MAX_LINES_IN_MESSAGE]]
    more = len(priced) - len(shown)
    if more > 0:
        shown.append(f"{more} more")
    return "Lines: " + "; ".join(shown) if shown else ""


def _account_of(baseline: dict[str, Any], env: str) -> str | None:
    key = (baseline.get("environments", {}).get(env) or {}).get("account")
    account = baseline.get("accounts", {}).get(key) if key else None
    return str(account["id"]) if account and account.get("id") else None


def _gaps(inventory: Inventory, baseline: dict[str, Any], env: str) -> dict[str, str]:
    """component -> service not collected in an account of ``env`` (live inventories)."""
    accounts = {_account_of(baseline, env)} | {
        r.account for r in inventory.resources if r.environment == env and r.account
    }
    gaps: dict[str, str] = {}
    for entry in inventory.coverage:
        if entry.status == CoverageStatus.OK or entry.account not in accounts:
            continue
        for rtype, component in COMPONENT_OF.items():
            if SERVICE_OF_TYPE.get(rtype) == entry.service:
                gaps[component] = entry.service
    return gaps
