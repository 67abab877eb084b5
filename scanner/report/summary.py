"""Shared, format-neutral views of a ReportContext: ordering, counts and labels.

Every format orders findings and counts them the same way, so a table, a JSON
report and a SARIF log of one run always agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import Enum
from typing import Any

from scanner.findings import Finding, Severity, Status
from scanner.inventory.model import CoverageEntry, CoverageStatus
from scanner.report.context import ReportContext

STATUS_ORDER: tuple[Status, ...] = tuple(Status)
SEVERITIES_DESC: tuple[Severity, ...] = tuple(reversed(Severity))
UNRESOLVED_ENV = "(unresolved)"
GATE_LABELS = {0: "PASS", 1: "FAIL", 2: "ERROR", 3: "INCOMPLETE"}


def plural(count: int, noun: str) -> str:
    """``1 rule``, ``12 rules``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def sort_key(finding: Finding) -> tuple[Any, ...]:
    """Severity rank descending, then rule id, then resource id; ties broken stably."""
    return (
        -finding.severity.rank,
        finding.rule_id,
        finding.resource_id,
        STATUS_ORDER.index(finding.status),
        finding.environment or "",
        finding.account or "",
        finding.region or "",
        finding.fingerprint,
    )


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in the one deterministic report order."""
    return sorted(findings, key=sort_key)


def env_key(environment: str | None) -> tuple[int, str]:
    """Order environments by name with the unresolved group last."""
    return (1, "") if environment is None else (0, environment)


def env_label(environment: str | None) -> str:
    """Display name of an environment group."""
    return environment if environment is not None else UNRESOLVED_ENV


def group_by_environment(findings: Iterable[Finding]) -> list[tuple[str | None, list[Finding]]]:
    """Findings grouped by environment (sorted, unresolved last), each group in report order."""
    groups: dict[str | None, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.environment, []).append(finding)
    return [(env, sorted_findings(groups[env])) for env in sorted(groups, key=env_key)]


def fail_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts of FAIL findings per severity, critical first, zeros included."""
    counts = {severity.value: 0 for severity in SEVERITIES_DESC}
    for finding in findings:
        if finding.status is Status.FAIL:
            counts[finding.severity.value] += 1
    return counts


def fail_breakdown(findings: Iterable[Finding]) -> str:
    """``"2 critical, 3 high"``: the non-zero FAIL severities, critical first."""
    counts = fail_by_severity(findings)
    return ", ".join(f"{count} {name}" for name, count in counts.items() if count)


def resource_label(finding: Finding) -> str:
    """The resource as people know it: Terraform address when there is one, else the id."""
    return finding.address or finding.resource_id


def rule_ids(ctx: ReportContext) -> list[str]:
    """Every rule known to the run: the catalogue plus any rule a finding names."""
    return sorted(set(ctx.rules) | {finding.rule_id for finding in ctx.findings})


def resource_total(ctx: ReportContext) -> int:
    """Resources scanned; distinct finding resources when the pipeline gave no count.

    A live scan always has its count, zero included (a shard that holds no account).
    """
    if ctx.resource_count or ctx.source_kind == "live":
        return ctx.resource_count
    return len({(f.account, f.region, f.resource_id) for f in ctx.findings})


def gate_label(exit_code: int) -> str:
    """What the exit code means for a CI gate."""
    return GATE_LABELS.get(exit_code, f"EXIT {exit_code}")


def waiver_justification(finding: Finding) -> str:
    """Why a WAIVED finding was accepted, from ``extra["waiver"]`` when the waiver set it."""
    waiver = finding.extra.get("waiver")
    if isinstance(waiver, dict):
        parts = [str(waiver[key]) for key in ("reason", "justification") if waiver.get(key)]
        text = parts[0] if parts else ""
        details = [f"{key} {waiver[key]}" for key in ("owner", "expires") if waiver.get(key)]
        if details:
            text = f"{text} ({', '.join(details)})" if text else ", ".join(details)
        if text:
            return text
    elif isinstance(waiver, str) and waiver:
        return waiver
    return finding.message or "waived"


def plain(value: Any) -> Any:
    """A JSON-ready, deterministic copy of an arbitrary value (expected/actual, frameworks).

    Dict keys are sorted, sets become sorted lists, enums their values, non-finite
    floats strings, and anything else unknown its ``str``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {str(key): plain(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(item) for item in value), key=repr)
    return str(value)


def coverage_gaps(ctx: ReportContext) -> list[CoverageEntry]:
    """Coverage entries that are not ``ok``, sorted by account, region and service."""
    gaps = [e for e in ctx.coverage if CoverageStatus(e.status) is not CoverageStatus.OK]
    return sorted(gaps, key=lambda e: (e.account or "", e.region or "", e.service))
