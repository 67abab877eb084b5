"""JSON report: the whole run as one document, described by ``report-schema.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from scanner import __version__
from scanner.engine.metadata import RuleMeta
from scanner.findings import Finding, Severity
from scanner.inventory.model import CoverageEntry
from scanner.report.context import ReportContext
from scanner.report.cost_section import cost_rows
from scanner.report.summary import (
    fail_by_severity,
    plain,
    resource_total,
    rule_ids,
    sorted_findings,
)

REPORT_VERSION = "1.0"
SCHEMA_FILE = "report-schema.json"
OPTIONAL_FINDING_KEYS = ("waived_status", "baseline_state")  # set by waivers and --new-only
OPTIONAL_SECTIONS = ("waivers", "new_only", "checkov")  # ctx.extra sections present when used


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every JSON report satisfies."""
    text = resources.files("scanner.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def rule_entry(rule: RuleMeta) -> dict[str, Any]:
    """The documented subset of a rule's metadata."""
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity.value,
        "description": rule.description,
        "rationale": rule.rationale,
        "remediation": rule.remediation,
        "seed": rule.seed,
        "inputs": list(rule.inputs),
        "frameworks": plain(rule.frameworks),
        "language": rule.language,
    }


def finding_entry(finding: Finding) -> dict[str, Any]:
    """One finding in report form; ``waived_status`` and ``baseline_state`` only when set."""
    waiver = finding.extra.get("waiver")
    entry = {
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "status": finding.status.value,
        "environment": finding.environment,
        "account": finding.account,
        "region": finding.region,
        "resource_id": finding.resource_id,
        "address": finding.address,
        "resource_type": finding.resource_type,
        "message": finding.message,
        "expected": plain(finding.expected),
        "actual": plain(finding.actual),
        "fingerprint": finding.fingerprint,
        "remediation": finding.remediation,
        "waiver": plain(waiver) if isinstance(waiver, dict) else None,
    }
    for key in OPTIONAL_FINDING_KEYS:
        if finding.extra.get(key):
            entry[key] = str(finding.extra[key])
    return entry


def coverage_entry(entry: CoverageEntry) -> dict[str, Any]:
    """One coverage ledger row."""
    return entry.to_dict()


def build(ctx: ReportContext) -> dict[str, Any]:
    """The report as plain data, in deterministic order; optional sections at the end."""
    rules = [rule_entry(ctx.rules[rule_id]) for rule_id in sorted(ctx.rules)]
    coverage = sorted(
        (coverage_entry(entry) for entry in ctx.coverage),
        key=lambda row: (row["account"] or "", row["region"] or "", row["service"], row["status"]),
    )
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "archscan", "version": ctx.tool_version or __version__},
        "baseline": {"path": ctx.baseline_path, "digest": ctx.baseline_digest},
        "inputs": list(ctx.inputs),
        "source_kind": ctx.source_kind,
        "started_at": ctx.started_at or None,
        "finished_at": ctx.finished_at or None,
        "summary": {
            "rules": len(rule_ids(ctx)),
            "resources": resource_total(ctx),
            "findings": len(ctx.findings),
            "by_status": ctx.counts(),
            "fail_by_severity": fail_by_severity(ctx.findings),
            "exit_code": ctx.exit_code,
            "fail_on": Severity.parse(ctx.fail_on).value,
        },
        "rules": rules,
        "findings": [finding_entry(finding) for finding in sorted_findings(ctx.findings)],
        "coverage": coverage,
        "cost": [row.to_dict() for row in cost_rows(ctx)],
        "unmapped_types": {name: ctx.unmapped_types[name] for name in sorted(ctx.unmapped_types)},
        "warnings": list(ctx.warnings),
        **{key: plain(ctx.extra[key]) for key in OPTIONAL_SECTIONS if ctx.extra.get(key)},
    }


def render(ctx: ReportContext) -> str:
    """The JSON report text (two-space indent, trailing newline)."""
    return json.dumps(build(ctx), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
