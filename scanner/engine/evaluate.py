"""evaluate(): run the selected rules over an inventory and return findings.

Fail-closed: a rule whose inputs were not collected for a scope yields NOT_COLLECTED
for that scope; a rule that breaks yields ERROR; neither is ever silently a PASS.
"""

from __future__ import annotations

from typing import Any

from scanner.engine.metadata import RuleMeta
from scanner.engine.ruleset import RuleSet
from scanner.engine.verdict import Verdict
from scanner.findings import Finding, Status
from scanner.gc_pause import gc_paused
from scanner.inventory.model import CoverageStatus, Inventory, Resource
from scanner.inventory.types import services_for


def rego_input(inventory: Inventory) -> dict[str, Any]:
    """The document Rego rules see as ``input``: resources grouped by type, once."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for resource in inventory.resources:
        by_type.setdefault(resource.type, []).append(resource.to_dict())
    return {
        "source": inventory.source,
        "by_type": by_type,
        "changes": [change.to_dict() for change in inventory.changes],
        "coverage": [entry.to_dict() for entry in inventory.coverage],
    }


def evaluate(
    inventory: Inventory,
    baseline: dict[str, Any],
    ruleset: RuleSet,
    selected: set[str] | None = None,
) -> list[Finding]:
    """Findings of every selected rule that can judge this kind of inventory."""
    with gc_paused():
        return _evaluate(inventory, baseline, ruleset, selected)


def _evaluate(
    inventory: Inventory,
    baseline: dict[str, Any],
    ruleset: RuleSet,
    selected: set[str] | None,
) -> list[Finding]:
    metas = ruleset.by_id()
    chosen = {
        rule_id
        for rule_id in (selected if selected is not None else set(metas))
        if inventory.kind in metas[rule_id].inputs
    }
    index = inventory.by_id()
    findings: list[Finding] = []
    rego_ids = {meta.id for meta in ruleset.rego.rules} & chosen
    if rego_ids:
        results = ruleset.rego.evaluate(rego_input(inventory), baseline, rego_ids)
        for rule_id, outcome in sorted(results.items()):
            findings.extend(_findings_of(metas[rule_id], outcome, index, inventory))
    for rule in ruleset.python:
        if rule.meta.id not in chosen:
            continue
        try:
            outcome: list[Verdict] | str = list(rule.function(inventory, baseline))
        except Exception as exc:  # a broken rule is reported, never a pass
            outcome = f"{type(exc).__name__}: {exc}"
        findings.extend(_findings_of(rule.meta, outcome, index, inventory))
    return findings


def _findings_of(
    meta: RuleMeta,
    outcome: list[Any] | str,
    index: dict[str, Resource],
    inventory: Inventory,
) -> list[Finding]:
    if isinstance(outcome, str):
        return [_error(meta, outcome)]
    gaps = _uncollected_scopes(meta, inventory)
    findings: list[Finding] = []
    for raw in outcome:
        try:
            verdict = raw if isinstance(raw, Verdict) else Verdict.from_mapping(raw)
        except ValueError as exc:
            return [_error(meta, str(exc))]
        finding = _to_finding(meta, verdict, index.get(verdict.resource), inventory.kind)
        if (finding.account, finding.region) in gaps or (finding.account, "global") in gaps:
            continue  # replaced by the NOT_COLLECTED finding of that scope below
        findings.append(finding)
    for account, region, service, message in gaps.values():
        findings.append(
            Finding(
                rule_id=meta.id,
                title=meta.title,
                severity=meta.severity,
                status=Status.NOT_COLLECTED,
                message=f"{service} was not collected in {account}/{region}: {message}",
                resource_id=f"{service}:{account}:{region}",
                account=account,
                region=region,
                remediation=meta.remediation,
                source=inventory.kind,
            )
        )
    return findings


def _uncollected_scopes(
    meta: RuleMeta, inventory: Inventory
) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    services = services_for(meta.reads)
    gaps: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for entry in inventory.coverage:
        if entry.service in services and entry.status != CoverageStatus.OK:
            reason = f"{entry.status} ({entry.api_call or '?'}: {entry.message or 'no message'})"
            gaps.setdefault(
                (entry.account, entry.region), (entry.account, entry.region, entry.service, reason)
            )
    return gaps


def _to_finding(meta: RuleMeta, verdict: Verdict, resource: Resource | None, kind: str) -> Finding:
    return Finding(
        rule_id=meta.id,
        title=meta.title,
        severity=meta.severity,
        status=Status(verdict.status),
        message=verdict.message or meta.title,
        resource_id=verdict.resource,
        resource_type=resource.type if resource else None,
        address=resource.address if resource else None,
        environment=verdict.environment or (resource.environment if resource else None),
        account=verdict.account or (resource.account if resource else None),
        region=verdict.region or (resource.region if resource else None),
        expected=verdict.expected,
        actual=verdict.actual,
        remediation=meta.remediation,
        source=kind,
    )


def _error(meta: RuleMeta, message: str) -> Finding:
    return Finding(
        rule_id=meta.id,
        title=meta.title,
        severity=meta.severity,
        status=Status.ERROR,
        message=f"rule failed: {message}",
        resource_id=f"rule:{meta.id}",
        remediation="report this to the rule's author; the rule's verdicts are missing",
    )
