"""TAG-001: every resource resolves to exactly one environment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.engine.python_rules import rule
from scanner.engine.verdict import Verdict
from scanner.inventory.model import Inventory, Resource

SIGNALS = ("override", "account", "tag", "cidr")


@rule(
    id="TAG-001",
    title="Every resource resolves to exactly one environment",
    severity="medium",
    description=(
        "Every resource resolves to exactly one environment through the account map, the "
        "Environment tag, or its VPC's CIDR; missing or conflicting signals are findings."
    ),
    seed="all environments",
    rationale=(
        "Budgets, NAT counts, capacity mixes and every per-environment expectation depend on "
        "knowing which environment a resource belongs to; an unattributed resource escapes them."
    ),
    remediation=(
        "Terraform: tag the resource with the baseline's environment tag (default_tags in the "
        "provider block covers a whole plan), or run `archscan plan --env NAME`. Live: move the "
        "resource into its environment's account or tag it."
    ),
    inputs=["plan", "live"],
    reads=[],
    baseline_paths=[
        "accounts",
        "tags.environment_tag",
        "tags.environment_aliases",
        "environments.*.vpc.cidr",
    ],
    frameworks={"well_architected": "COST03-BP02", "cis": None},
)
def tag_001(inventory: Inventory, baseline: dict[str, Any]) -> Iterator[Verdict]:
    """One verdict per resource, from the signals the environment resolver recorded."""
    known_accounts = {str(a.get("id")) for a in baseline.get("accounts", {}).values()}
    for resource in inventory.resources:
        if attributable(resource):
            yield _judge(resource, known_accounts)


def attributable(resource: Resource) -> bool:
    """AWS resources that can carry an environment signal of their own.

    Resources of other providers (helm, kubernetes, null) are not AWS resources, and AWS
    resources that take no tags (a policy attachment, a route) are judged through the
    resources they belong to.
    """
    if not resource.type.startswith("aws_"):
        return False
    if resource.mapped or resource.tags or resource.account:
        return True
    return "tags" in resource.attributes or "tags_all" in resource.attributes


def _judge(resource: Resource, known_accounts: set[str]) -> Verdict:
    signals = resource.env_signals or {}
    present = {name: signals[name] for name in SIGNALS if signals.get(name)}
    problems: list[str] = []
    if resource.account and resource.account not in known_accounts:
        problems.append(f"account {resource.account} is not in the baseline's account map")
    if signals.get("tag_unrecognized"):
        problems.append(f"environment tag {signals['tag_unrecognized']!r} names no environment")
    if not present:
        problems.append("no environment signal (no known account, environment tag or VPC CIDR)")
    elif len(set(present.values())) > 1:
        said = ", ".join(f"{name} says {value}" for name, value in present.items())
        problems.append(f"conflicting environment signals: {said}")
    if problems:
        return Verdict(
            resource=resource.id,
            status="FAIL",
            message=f"{resource.id}: {'; '.join(problems)}",
            expected="exactly one environment",
            actual=present,
        )
    return Verdict(
        resource=resource.id,
        status="PASS",
        message=f"{resource.id} is in {resource.environment}",
        expected="exactly one environment",
        actual=present,
    )
