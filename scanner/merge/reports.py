"""Merge JSON reports of shards into one report, its summary and exit code recomputed.

Findings are resolved per fingerprint by ``verdicts``; coverage is merged like the
inventories'; resource counts and unmapped types add up (shards hold disjoint accounts);
the gate (exit code) is recomputed from the merged findings with the inputs' ``fail_on``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from scanner.engine.metadata import RuleMeta
from scanner.errors import InputError, UsageError
from scanner.findings import Finding, Severity, Status
from scanner.gate import UnknownMode, exit_code
from scanner.inventory.model import CoverageEntry
from scanner.merge.documents import Document
from scanner.merge.inventories import merge_coverage
from scanner.merge.verdicts import Candidate, InputScope, resolve
from scanner.report import json_report
from scanner.report.context import ReportContext
from scanner.report.summary import sort_key


def merge_report_documents(
    documents: list[Document],
    fail_on: Severity | None = None,
    unknown: UnknownMode = UnknownMode.FAIL,
    soft_fail: bool = False,
) -> dict[str, Any]:
    """The merged report as plain data (valid against the report schema)."""
    reports = [document.data for document in documents]
    for document in documents:
        validate_report(document.data, document.source)
    _agree(documents, "source_kind", lambda r: r["source_kind"])
    _agree(documents, "baseline", lambda r: r["baseline"]["digest"])
    threshold = fail_on or Severity.parse(
        _agree(documents, "fail_on", lambda r: r["summary"]["fail_on"])
    )
    entries = resolve(_candidates(reports), _scopes(reports))
    findings = [_finding(entry) for entry in entries]
    context = ReportContext(
        findings=findings,
        rules=_rules(reports),
        coverage=merge_coverage(
            CoverageEntry.from_dict(row) for report in reports for row in report["coverage"]
        ),
        tool_version=reports[0]["tool"]["version"],
        baseline_path=reports[0]["baseline"]["path"],
        baseline_digest=reports[0]["baseline"]["digest"],
        inputs=_union(report["inputs"] for report in reports),
        source_kind=reports[0]["source_kind"],
        warnings=_union(report["warnings"] for report in reports),
        unmapped_types=_sum_counts(report["unmapped_types"] for report in reports),
        resource_count=sum(int(report["summary"]["resources"]) for report in reports),
        started_at=min((r["started_at"] for r in reports if r["started_at"]), default=""),
        finished_at=max((r["finished_at"] for r in reports if r["finished_at"]), default=""),
        fail_on=threshold,
        exit_code=int(exit_code(findings, threshold, unknown, soft_fail)),
    )
    merged = json_report.build(context)
    # The inputs' own entries, so fields this module does not know about pass through.
    ranked = sorted(zip(findings, entries, strict=True), key=lambda pair: sort_key(pair[0]))
    merged["findings"] = [entry for _, entry in ranked]
    return merged


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json_report.load_schema())


def validate_report(document: dict[str, Any], source: str) -> None:
    """InputError naming the JSON path of the first schema violation of a JSON report."""
    error = best_match(_validator().iter_errors(document))
    if error is not None:
        reason = " ".join(error.message.split())[:160]
        raise InputError(f"invalid JSON report at {error.json_path}: {reason}", source=source)


def _candidates(reports: list[dict[str, Any]]) -> list[Candidate]:
    return [
        Candidate(
            origin=origin,
            fingerprint=entry["fingerprint"],
            rule_id=entry["rule_id"],
            status=Status(entry["status"]),
            account=entry.get("account"),
            item=entry,
        )
        for origin, report in enumerate(reports)
        for entry in report["findings"]
    ]


def _scopes(reports: list[dict[str, Any]]) -> list[InputScope]:
    return [
        InputScope(
            rules=frozenset(rule["id"] for rule in report["rules"]),
            accounts=frozenset(row["account"] for row in report["coverage"] if row["account"]),
        )
        for report in reports
    ]


def _finding(entry: dict[str, Any]) -> Finding:
    """The finding of a report entry; report-only keys (waiver, ...) go to ``extra``."""
    finding = Finding.from_dict(entry)
    fields = Finding.__dataclass_fields__
    finding.extra.update({k: v for k, v in entry.items() if k not in fields and v is not None})
    return finding


def _rules(reports: list[dict[str, Any]]) -> dict[str, RuleMeta]:
    rules: dict[str, RuleMeta] = {}
    for report in reports:
        for entry in report["rules"]:
            if entry["id"] not in rules:
                known = {k: v for k, v in entry.items() if k in RuleMeta.__dataclass_fields__}
                rules[entry["id"]] = RuleMeta(**known)
    return rules


def _agree(documents: list[Document], what: str, read: Any) -> Any:
    values = {document.source: read(document.data) for document in documents}
    if len(set(values.values())) > 1:
        listing = ", ".join(f"{source}: {value}" for source, value in values.items())
        raise UsageError(
            f"the reports differ in {what} ({listing})",
            hint="merge the shards of one run, scanned with one baseline and options",
        )
    return next(iter(values.values()))


def _union(lists: Any) -> list[Any]:
    seen: dict[Any, None] = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def _sum_counts(mappings: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for mapping in mappings:
        for name, count in mapping.items():
            total[name] = total.get(name, 0) + int(count)
    return total
