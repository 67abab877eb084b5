"""`archscan diff` as one call: load both sides, evaluate inventories, compare, gate."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.diff.findings_diff import FindingsDiff, diff_findings
from scanner.diff.inputs import INVENTORY, DiffInput, load_pair
from scanner.diff.inventory_diff import InventoryDiff, diff_inventories
from scanner.errors import ExitCode
from scanner.findings import Severity
from scanner.inventory.model import Inventory


@dataclass
class DiffOptions:
    """What a diff run was asked to do."""

    baseline: Path | None = None  # judges inventories (default: the bundled baseline)
    ignore: list[str] = field(default_factory=list)  # extra volatile resource paths
    fail_on_new: Severity | None = None  # exit 1 on a new FAIL at or above this


@dataclass
class Side:
    """What the report shows about one input."""

    path: str
    source_kind: str | None
    findings: int
    resources: int | None
    baseline_digest: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source_kind": self.source_kind,
            "findings": self.findings,
            "resources": self.resources,
            "baseline_digest": self.baseline_digest,
        }


@dataclass
class DiffResult:
    """Everything the diff renderers need."""

    kind: str  # "inventory" or "report"
    old: Side
    new: Side
    findings: FindingsDiff
    resources: InventoryDiff | None
    fail_on_new: Severity | None
    warnings: list[str] = field(default_factory=list)
    exit_code: int = ExitCode.CLEAN


def compare(
    old_path: str | os.PathLike[str], new_path: str | os.PathLike[str], options: DiffOptions
) -> DiffResult:
    """Diff two inventories (drift and findings) or two JSON reports (findings)."""
    old, new = load_pair(old_path, new_path)
    if old.kind == INVENTORY:
        (old_side, old_findings), (new_side, new_findings) = (
            _evaluate(old, options),
            _evaluate(new, options),
        )
        resources: InventoryDiff | None = diff_inventories(
            old.document["resources"], new.document["resources"], options.ignore
        )
    else:
        (old_side, old_findings), (new_side, new_findings) = _read(old), _read(new)
        resources = None
    findings = diff_findings(old_findings, new_findings)
    result = DiffResult(
        kind=old.kind,
        old=old_side,
        new=new_side,
        findings=findings,
        resources=resources,
        fail_on_new=options.fail_on_new,
        warnings=_warnings(old_side, new_side),
    )
    if options.fail_on_new is not None and findings.new_at_or_above(options.fail_on_new):
        result.exit_code = ExitCode.FINDINGS
    return result


def _read(side: DiffInput) -> tuple[Side, list[dict[str, Any]]]:
    document = side.document
    findings = list(document["findings"])
    summary = document.get("summary") or {}
    baseline = document.get("baseline") or {}
    return (
        Side(
            path=side.path,
            source_kind=document.get("source_kind"),
            findings=len(findings),
            resources=summary.get("resources"),
            baseline_digest=baseline.get("digest"),
        ),
        findings,
    )


def _evaluate(side: DiffInput, options: DiffOptions) -> tuple[Side, list[dict[str, Any]]]:
    """Judge an inventory with the rules, as `archscan scan` would with default options."""
    from scanner.pipeline import ScanOptions, run
    from scanner.report.json_report import finding_entry

    inventory = Inventory.from_dict(side.document)
    context = run(inventory, ScanOptions(baseline=options.baseline)).context
    findings = [finding_entry(finding) for finding in context.findings]
    return (
        Side(
            path=side.path,
            source_kind=inventory.kind,
            findings=len(findings),
            resources=len(inventory.resources),
            baseline_digest=context.baseline_digest,
        ),
        findings,
    )


def _warnings(old: Side, new: Side) -> list[str]:
    warnings = []
    if old.source_kind != new.source_kind:
        warnings.append(
            f"comparing a {old.source_kind} input with a {new.source_kind} one: plan resources "
            "are named by Terraform address and live ones by AWS id, so few ids will match"
        )
    if old.baseline_digest and new.baseline_digest and old.baseline_digest != new.baseline_digest:
        warnings.append(
            "the two reports were judged against different baselines: a verdict may have "
            "changed because the baseline did, not the estate"
        )
    return warnings
