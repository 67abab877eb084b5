"""The step after evaluation: waivers, then the new-only findings baseline, on every finding.

Runs once all findings of a run exist (Rego, Python and any merged external results), so
plan and live findings are accepted the same way. Returns the report sections it adds to
``ReportContext.extra``: ``waivers`` and ``new_only``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scanner.findings import Finding
from scanner.inventory.model import Inventory
from scanner.new_only import FindingsBaseline, load_findings_baseline, mark_baseline_state
from scanner.waivers import WaiverFile, apply_waivers, load_waivers


@dataclass(frozen=True)
class Acceptance:
    """The waiver file and findings baseline a run was given (either may be absent)."""

    waivers: WaiverFile | None = None
    baseline: FindingsBaseline | None = None

    @classmethod
    def load(
        cls,
        waivers: Path | None,
        new_only: Path | None,
        known_rules: Iterable[str] | None = None,
    ) -> Acceptance:
        """Load both files up front, so bad input fails before any work (InputError)."""
        return cls(
            waivers=load_waivers(waivers, known_rules) if waivers else None,
            baseline=load_findings_baseline(new_only) if new_only else None,
        )

    def apply(
        self, findings: list[Finding], inventory: Inventory, today: date | None = None
    ) -> dict[str, Any]:
        """Waive, then mark baseline state, in place; the report sections that describe it."""
        sections: dict[str, Any] = {}
        if self.waivers is not None:
            tags = {resource.id: resource.tags for resource in inventory.resources}
            result = apply_waivers(findings, self.waivers, today or date.today(), tags)
            sections["waivers"] = result.to_dict()
        if self.baseline is not None:
            sections["new_only"] = mark_baseline_state(findings, self.baseline)
        return sections
