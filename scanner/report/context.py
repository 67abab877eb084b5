"""Everything a report needs, gathered once by the pipeline and handed to each format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.engine.metadata import RuleMeta
from scanner.findings import Finding, Severity, count_by_status
from scanner.inventory.model import CoverageEntry


@dataclass
class ReportContext:
    """Findings, coverage ledger and run metadata; reports never decide what failed."""

    findings: list[Finding]
    rules: dict[str, RuleMeta]
    coverage: list[CoverageEntry] = field(default_factory=list)
    tool_version: str = ""
    baseline_path: str = ""
    baseline_digest: str = ""
    inputs: list[str] = field(default_factory=list)  # paths of the plan or inventory files read
    source_kind: str = "plan"  # "plan" or "live"
    environment: str | None = None  # the --env the run was given; keeps SARIF categories stable
    warnings: list[str] = field(default_factory=list)
    unmapped_types: dict[str, int] = field(default_factory=dict)
    resource_count: int = 0
    started_at: str = ""  # ISO 8601 UTC
    finished_at: str = ""
    fail_on: Severity = Severity.HIGH
    exit_code: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Counts of findings by status, zeros included."""
        return count_by_status(self.findings)
