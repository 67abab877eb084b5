"""Turn Checkov's failed checks into archscan findings and rules, minus our controls' duplicates.

A failed check becomes an ordinary :class:`~scanner.findings.Finding`: rule id = the CKV
id, resource id = the Terraform address, scope (environment, account, region) from the
inventory resource at that address, so its fingerprint is built like ours and waivers,
the gate and every report treat it like ours. Each CKV id that appears gets a
:class:`~scanner.engine.metadata.RuleMeta` so reports render it with no special case.
Passed checks are counted, not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.engine.checkov_adapter import CheckovJob, CheckovResult, CheckovRun
from scanner.engine.checkov_catalogue import installed_check_ids
from scanner.engine.checkov_overlap import duplicated_checks
from scanner.engine.checkov_severity import SeverityMap, load_severity_map
from scanner.engine.metadata import RuleMeta
from scanner.errors import UsageError
from scanner.findings import Finding, Status
from scanner.inventory.model import Inventory, Resource

ENGINE = "checkov"
POLICY_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html"
# One leading ``module.NAME`` or ``module.NAME[KEY]`` step of a Terraform address.
_MODULE_STEP = re.compile(r'^module\.[^.\[]+(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.')


@dataclass
class CheckovMerge:
    """Findings after the merge, the CKV rules they name, and the run summary for reports."""

    findings: list[Finding]
    rules: dict[str, RuleMeta] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # {"checkov": summary} when it ran


def start_checkov(inventory: Inventory, enabled: bool, timeout: float | None) -> CheckovJob | None:
    """Start Checkov on the plan the inventory came from (None when not asked for)."""
    if not enabled:
        return None
    path = inventory.source.get("path")
    if inventory.kind != "plan" or not path:
        raise UsageError("--checkov judges Terraform plans; this inventory is not from a plan")
    return CheckovJob(Path(str(path)), timeout)


def waivable_rule_ids(rule_ids: Iterable[str], checkov: bool) -> set[str]:
    """Rule ids a waiver may name: ours, plus every Checkov check id when Checkov runs."""
    return set(rule_ids) | (set(installed_check_ids()) if checkov else set())


def merge_checkov(
    job: CheckovJob | None,
    inventory: Inventory,
    findings: list[Finding],
    selected: set[str],
    severities: SeverityMap | None = None,
) -> CheckovMerge:
    """Wait for Checkov and add its failures to ``findings`` (unchanged when job is None)."""
    if job is None:
        return CheckovMerge(list(findings))
    return merge_results(job.wait(), inventory, findings, selected, severities)


def merge_results(
    run: CheckovRun,
    inventory: Inventory,
    findings: list[Finding],
    selected: set[str],
    severities: SeverityMap | None = None,
) -> CheckovMerge:
    """Add ``run``'s failures that none of the ``selected`` controls already judges."""
    severities = severities or load_severity_map()
    owners = duplicated_checks(selected)
    resources = _by_address(inventory)
    merged = list(findings)
    rules: dict[str, RuleMeta] = {}
    duplicates: dict[str, dict[str, int]] = {}
    suppressed = 0
    for result in run.failed:
        if result.check_id in owners:
            suppressed += 1
            for control in owners[result.check_id]:
                counts = duplicates.setdefault(control, {})
                counts[result.check_id] = counts.get(result.check_id, 0) + 1
            continue
        finding = to_finding(result, resources.get(result.address), severities)
        merged.append(finding)
        rules.setdefault(result.check_id, rule_meta(result, finding))
    summary = {
        "version": run.version,
        "seconds": round(run.seconds, 3),
        "resources": run.resources,
        "failed": len(run.failed),
        "passed": len(run.passed),
        "skipped": run.skipped,
        "reported": len(run.failed) - suppressed,
        "suppressed_duplicates": suppressed,
        "duplicates": {name: dict(sorted(c.items())) for name, c in sorted(duplicates.items())},
    }
    return CheckovMerge(merged, rules, {"checkov": summary})


def to_finding(
    result: CheckovResult, resource: Resource | None, severities: SeverityMap
) -> Finding:
    """A FAIL finding for one failed check, scoped like the inventory resource it names."""
    lines = list(result.file_line_range) if result.file_line_range else None
    return Finding(
        rule_id=result.check_id,
        title=result.check_name,
        severity=severities.severity(result.check_id, result.category, result.severity),
        status=Status.FAIL,
        message=f"Checkov: {result.check_name}",
        resource_id=result.address,
        resource_type=resource.type if resource else resource_type(result),
        address=result.address,
        environment=resource.environment if resource else None,
        account=resource.account if resource else None,
        region=resource.region if resource else None,
        remediation=remediation(result),
        source="plan",
        extra={"engine": ENGINE, "file_line_range": lines, "category": result.category},
    )


def rule_meta(result: CheckovResult, finding: Finding) -> RuleMeta:
    """Report metadata for a CKV id, from the check itself (Checkov ships no rationale)."""
    category = (result.category or "uncategorized").lower().replace("_", " ")
    return RuleMeta(
        id=result.check_id,
        title=result.check_name,
        severity=finding.severity,
        description=f"Checkov check ({category}) run on the Terraform plan: {result.check_name}",
        remediation=remediation(result),
        inputs=["plan"],
        language=ENGINE,
        entrypoint=result.check_id,
    )


def remediation(result: CheckovResult) -> str:
    """Checkov's guideline URL (online runs only), else where its policy index lists the id."""
    return result.guideline or f"See {result.check_id} in Checkov's policy index: {POLICY_INDEX}"


def resource_type(result: CheckovResult) -> str:
    """Resource type from an address (``module.m["k"].aws_s3_bucket.b[0]`` -> aws_s3_bucket)."""
    if result.block == "provider":
        return "provider"
    address = result.address
    while (step := _MODULE_STEP.match(address)) is not None:
        address = address[step.end() :]
    address = address.removeprefix("data.")
    return address.split(".", 1)[0]


def _by_address(inventory: Inventory) -> dict[str, Resource]:
    index: dict[str, Resource] = {}
    for resource in inventory.resources:
        index.setdefault(resource.id, resource)
        if resource.address:
            index.setdefault(resource.address, resource)
    return index
