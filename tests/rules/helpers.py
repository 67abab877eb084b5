"""Small plans and live inventories for rule tests: build, collect, resolve, evaluate.

``plan_of`` writes a minimal but real `terraform show -json` document (format 1.2) from
``(address, values)`` pairs; values equal to ``UNKNOWN`` go to ``after_unknown``. The plan
goes through the real collector, environment resolution and the bundled rules, so a rule
test exercises the same path as `archscan plan`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from scanner.baseline import load_baseline
from scanner.baseline.environment import resolve_environments
from scanner.collect.terraform import collect_plan
from scanner.engine.evaluate import evaluate
from scanner.engine.ruleset import RuleSet
from scanner.findings import Finding
from scanner.inventory.model import Inventory
from scanner.paths import default_baseline

UNKNOWN = object()

# The first twelve controls (the foundation issue's), judged on plans and live accounts alike.
FOUNDATION_RULES = frozenset(
    {"NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "DB-003", "DB-004"}
    | {"STO-001", "STO-002", "STO-005", "SEC-001", "TAG-001"}
)


def plan_of(*resources: tuple[str, dict[str, Any]], region: str = "us-west-2") -> dict[str, Any]:
    """A plan creating each ``(address, values)`` (root module; type and name from the address)."""
    planned, changes = [], []
    for address, values in resources:
        rtype, name = address.split(".")[-2:]
        known = {k: v for k, v in values.items() if v is not UNKNOWN}
        unknown = {k: True for k, v in values.items() if v is UNKNOWN}
        base = {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
        }
        planned.append({**base, "schema_version": 0, "values": known, "sensitive_values": {}})
        changes.append(
            {
                **base,
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": known,
                    "after_unknown": unknown,
                    "before_sensitive": False,
                    "after_sensitive": {},
                },
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.5.7",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": region}},
                }
            },
            "root_module": {"resources": []},
        },
    }


@cache
def ruleset() -> RuleSet:
    """The bundled rules, loaded once per test session."""
    return RuleSet.load()


@cache
def baseline() -> dict[str, Any]:
    """The bundled baseline's data."""
    return load_baseline(default_baseline()).data


def scan_plan(
    plan: dict[str, Any], folder: Path, rules: set[str], env: str | None = None
) -> list[Finding]:
    """Findings of ``rules`` on ``plan`` (written to ``folder``), as `archscan plan` has them."""
    path = folder / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return scan_inventory(collect_plan(path), rules, env)


def scan_inventory(inventory: Inventory, rules: set[str], env: str | None = None) -> list[Finding]:
    """Findings of ``rules`` on a collected inventory (plan or live)."""
    resolve_environments(inventory, baseline(), env)
    return evaluate(inventory, baseline(), ruleset(), rules)


def statuses(findings: list[Finding], rule: str) -> dict[str, str]:
    """``resource_id -> status`` for one rule."""
    return {f.resource_id: f.status.value for f in findings if f.rule_id == rule}
