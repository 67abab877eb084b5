"""Format-neutral views of the waiver and --new-only sections of a ReportContext."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.findings import Finding, Status
from scanner.report.context import ReportContext
from scanner.report.summary import sorted_findings

# Waiver states in report order: what needs attention first.
WAIVER_STATES = ("expired", "stale", "applied")


@dataclass(frozen=True)
class WaiverRow:
    """One waiver of the run's file with what it did: applied, expired or stale."""

    state: str
    item: dict[str, Any]

    @property
    def rules(self) -> str:
        return ", ".join(self.item.get("rules", []))


def waiver_file(ctx: ReportContext) -> str | None:
    """The waiver file the run was given, or None."""
    section = ctx.extra.get("waivers")
    return str(section.get("file", "")) if isinstance(section, dict) else None


def waiver_rows(ctx: ReportContext) -> list[WaiverRow]:
    """Every waiver of the run: expired first, then stale, then applied, by id."""
    section = ctx.extra.get("waivers")
    if not isinstance(section, dict):
        return []
    return [
        WaiverRow(state, item)
        for state in WAIVER_STATES
        for item in sorted(section.get(state, []), key=lambda entry: str(entry.get("id")))
    ]


def waiver_counts(ctx: ReportContext) -> str:
    """``1 applied, 1 expired, 0 stale``."""
    section = ctx.extra.get("waivers") or {}
    return ", ".join(f"{len(section.get(s, []))} {s}" for s in ("applied", "expired", "stale"))


def new_only(ctx: ReportContext) -> dict[str, Any] | None:
    """The --new-only section (file, new, unchanged, absent), or None."""
    section = ctx.extra.get("new_only")
    return section if isinstance(section, dict) else None


def new_findings(ctx: ReportContext) -> list[Finding]:
    """Non-PASS findings a --new-only baseline does not record, in report order."""
    return sorted_findings(
        f
        for f in ctx.findings
        if f.extra.get("baseline_state") == "new" and f.status is not Status.PASS
    )


def new_only_line(ctx: ReportContext) -> str:
    """``New-only (baseline.json): 1 new, 19 recorded, 2 recorded no longer found``."""
    section = new_only(ctx) or {}
    return (
        f"New-only ({section.get('file', '')}): {section.get('new', 0)} new, "
        f"{section.get('unchanged', 0)} recorded, "
        f"{section.get('absent', 0)} recorded no longer found"
    )
