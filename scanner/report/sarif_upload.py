"""Refuse a SARIF log that would close alerts the scan could not check.

GitHub replaces every earlier alert of a category with the new upload: an alert
missing from it is closed as fixed. When the scan is incomplete (results the gate
counts as undecided, or a service not collected), the missing findings were not
fixed, only not seen, so the log is refused unless the user forces it.
"""

from __future__ import annotations

from collections import Counter

from scanner.errors import ArchscanError, ExitCode
from scanner.findings import INCOMPLETE_STATUSES, Finding, Status
from scanner.report import sarif
from scanner.report.context import ReportContext
from scanner.report.summary import coverage_gaps, plural

SHOWN_GAPS = 3


class SarifRefused(ArchscanError):
    """An incomplete scan asked for SARIF without --sarif-force (exit 3)."""

    exit_code = ExitCode.INCOMPLETE


def undecided(ctx: ReportContext) -> list[Finding]:
    """What the gate counts as undecided (exit 3), over every finding: an upload replaces
    alerts whatever ``--new-only`` recorded."""
    return [
        f
        for f in ctx.findings
        if f.status in INCOMPLETE_STATUSES
        and (f.status is Status.ERROR or f.severity.rank >= ctx.fail_on.rank)
    ]


def upload_blockers(ctx: ReportContext) -> list[str]:
    """Why an upload of this scan would replace alerts it could not check; empty when none."""
    reasons: list[str] = []
    counts = Counter(f.status for f in undecided(ctx))
    for status in (Status.NOT_COLLECTED, Status.ERROR, Status.UNKNOWN):
        if counts[status]:
            scope = "" if status is Status.ERROR else f" at or above {ctx.fail_on.value}"
            reasons.append(f"{plural(counts[status], status.value + ' result')}{scope}")
    gaps = coverage_gaps(ctx)
    if gaps:
        shown = ", ".join(
            f"{gap.service} in {gap.account}/{gap.region} ({gap.status})"
            for gap in gaps[:SHOWN_GAPS]
        )
        more = f" and {len(gaps) - SHOWN_GAPS} more" if len(gaps) > SHOWN_GAPS else ""
        reasons.append(f"{plural(len(gaps), 'collection gap')}: {shown}{more}")
    return reasons


def check_uploadable(ctx: ReportContext) -> None:
    """Raise SarifRefused when the scan is incomplete (checked before any file is written)."""
    reasons = upload_blockers(ctx)
    if not reasons:
        return
    categories = ", ".join(sarif.categories(ctx))
    raise SarifRefused(
        f"SARIF not written: the scan is incomplete ({'; '.join(reasons)}); uploaded, it would "
        f"replace every earlier alert of {categories} and close as fixed the findings this scan "
        "could not check",
        hint="collect what is missing, or pass --sarif-force to write it anyway",
    )
