"""Terminal table: findings grouped by environment and severity, then a one-line summary."""

from __future__ import annotations

from tabulate import tabulate

from scanner.findings import Finding, Severity, Status
from scanner.inventory.model import CoverageStatus
from scanner.report.acceptance_section import (
    new_findings,
    new_only,
    new_only_line,
    waiver_counts,
    waiver_file,
    waiver_rows,
)
from scanner.report.context import ReportContext
from scanner.report.cost_section import assumptions, cost_rows, money
from scanner.report.escaping import terminal_safe, truncate, truncate_middle
from scanner.report.summary import (
    coverage_gaps,
    env_label,
    fail_breakdown,
    group_by_environment,
    plural,
    resource_label,
    resource_total,
    rule_ids,
)

HEADERS = ["status", "severity", "rule", "resource", "message"]
MESSAGE_WIDTH = 90
RESOURCE_WIDTH = 60
COVERAGE_MESSAGE_WIDTH = 80
UNMAPPED_LISTED = 5

_RESET = "\x1b[0m"
STATUS_COLORS = {
    Status.FAIL: "\x1b[1;31m",  # bold red
    Status.PASS: "\x1b[32m",  # green
    Status.UNKNOWN: "\x1b[33m",  # yellow
    Status.NOT_COLLECTED: "\x1b[33m",
    Status.WAIVED: "\x1b[36m",  # cyan
    Status.ERROR: "\x1b[1;35m",  # bold magenta
}


def paint(text: str, status: Status, color: bool) -> str:
    """Wrap ``text`` in the ANSI colour of ``status`` when colour is on."""
    return f"{STATUS_COLORS[status]}{text}{_RESET}" if color else text


def finding_row(finding: Finding, color: bool, message_width: int) -> list[str]:
    """One table row; every cell is one line of printable text."""
    return [
        paint(finding.status.value, finding.status, color),
        finding.severity.value,
        terminal_safe(finding.rule_id),
        truncate_middle(terminal_safe(resource_label(finding)), RESOURCE_WIDTH),
        truncate(terminal_safe(finding.message), message_width),
    ]


def findings_section(
    ctx: ReportContext, show_passed: bool, color: bool, message_width: int
) -> list[str]:
    """One titled table per environment; PASS rows hidden unless asked for, but counted."""
    if not ctx.findings:
        return ["No findings.", ""]
    lines: list[str] = []
    for environment, findings in group_by_environment(ctx.findings):
        shown = [f for f in findings if show_passed or f.status is not Status.PASS]
        hidden = len(findings) - len(shown)
        title = f"Environment: {truncate(terminal_safe(env_label(environment)), RESOURCE_WIDTH)}"
        if hidden:
            title += f" ({hidden} PASS hidden)"
        lines.append(title)
        if shown:
            rows = [finding_row(f, color, message_width) for f in shown]
            lines.append(tabulate(rows, headers=HEADERS, tablefmt="simple", disable_numparse=True))
        lines.append("")
    return lines


def coverage_section(ctx: ReportContext) -> list[str]:
    """Collection gaps, only when some (account, region, service) was not collected."""
    problems = coverage_gaps(ctx)
    if not problems:
        return []
    rows = [
        [
            terminal_safe(e.account),
            terminal_safe(e.region),
            terminal_safe(e.service),
            CoverageStatus(e.status).value,
            truncate(terminal_safe(e.message or e.api_call or ""), COVERAGE_MESSAGE_WIDTH),
        ]
        for e in problems
    ]
    headers = ["account", "region", "service", "status", "message"]
    return [
        f"Coverage: {len(problems)} of {len(ctx.coverage)} collections incomplete",
        tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True),
        "",
    ]


def unmapped_line(ctx: ReportContext) -> list[str]:
    """One line counting resources whose type has no mapper."""
    if not ctx.unmapped_types:
        return []
    total = sum(ctx.unmapped_types.values())
    ranked = sorted(ctx.unmapped_types.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"{terminal_safe(name)} {count}" for name, count in ranked[:UNMAPPED_LISTED])
    more = len(ranked) - UNMAPPED_LISTED
    if more > 0:
        listed += f", {more} more"
    return [
        f"Unmapped: {plural(total, 'resource')} of {plural(len(ranked), 'type')} "
        f"not checked ({listed})"
    ]


def warnings_section(ctx: ReportContext) -> list[str]:
    """The run's warnings, one per line."""
    if not ctx.warnings:
        return []
    return [f"Warnings ({len(ctx.warnings)}):"] + [f"  - {terminal_safe(w)}" for w in ctx.warnings]


def summary_line(ctx: ReportContext) -> str:
    """``12 rules, 143 resources: 5 FAIL (2 critical, 3 high), 130 PASS, ... — exit 1 (...)``."""
    counts = ctx.counts()
    breakdown = fail_breakdown(ctx.findings)
    parts = [f"{counts[Status.FAIL.value]} FAIL" + (f" ({breakdown})" if breakdown else "")]
    parts += [f"{counts[s.value]} {s.value}" for s in Status if s is not Status.FAIL]
    scope = f"{plural(len(rule_ids(ctx)), 'rule')}, {plural(resource_total(ctx), 'resource')}"
    fail_on = Severity.parse(ctx.fail_on).value
    return f"{scope}: {', '.join(parts)} — exit {ctx.exit_code} (fail-on: {fail_on})"


def cost_section(ctx: ReportContext) -> list[str]:
    """Monthly estimate beside the documented budget, and every assumption behind it."""
    rows = cost_rows(ctx)
    if not rows:
        return []
    currency = rows[0].currency
    table = [
        (
            r.environment,
            r.component,
            money(r.estimate),
            money(r.budget),
            money(r.limit),
            r.status + (f" ({r.unknown_lines} unknown)" if r.unknown_lines else ""),
        )
        for r in rows
    ]
    headers = [
        "environment",
        "component",
        f"estimate/month ({currency})",
        "budget",
        "limit",
        "COST-001",
    ]
    lines = ["Cost estimate vs budget", tabulate(table, headers=headers, disable_numparse=True)]
    notes = assumptions(ctx)
    if notes:
        lines.append("Assumptions: " + "; ".join(terminal_safe(note) for note in notes))
    return [*lines, ""]


def waivers_section(ctx: ReportContext) -> list[str]:
    """Every waiver of the run's file: expired and stale first, then those that applied."""
    source = waiver_file(ctx)
    if source is None:
        return []
    rows = [
        [
            row.state.upper() if row.state != "applied" else row.state,
            terminal_safe(str(row.item.get("id", ""))),
            truncate(terminal_safe(row.rules), 30),
            terminal_safe(str(row.item.get("owner", ""))),
            terminal_safe(str(row.item.get("ticket", ""))),
            str(row.item.get("expires", "")),
            str(row.item.get("matched", 0)),
            truncate(terminal_safe(str(row.item.get("reason", ""))), 50),
        ]
        for row in waiver_rows(ctx)
    ]
    lines = [f"Waivers ({terminal_safe(source)}): {waiver_counts(ctx)}"]
    if rows:
        headers = ["state", "id", "rules", "owner", "ticket", "expires", "matched", "reason"]
        lines.append(tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True))
    return [*lines, ""]


def new_only_section(ctx: ReportContext) -> list[str]:
    """With --new-only: the split, and the findings the gate judged (the new ones)."""
    if new_only(ctx) is None:
        return []
    lines = [terminal_safe(new_only_line(ctx))]
    lines += [
        f"  new: {f.status.value} {f.severity.value} {terminal_safe(f.rule_id)} "
        f"{truncate_middle(terminal_safe(resource_label(f)), RESOURCE_WIDTH)}"
        for f in new_findings(ctx)
    ]
    return [*lines, ""]


def render(
    ctx: ReportContext,
    *,
    show_passed: bool = False,
    color: bool = False,
    message_width: int = MESSAGE_WIDTH,
) -> str:
    """The terminal report: findings, coverage gaps, unmapped types, warnings, summary."""
    lines = findings_section(ctx, show_passed, color, message_width)
    lines += cost_section(ctx)
    lines += waivers_section(ctx)
    lines += new_only_section(ctx)
    lines += coverage_section(ctx)
    lines += unmapped_line(ctx)
    lines += warnings_section(ctx)
    lines.append(summary_line(ctx))
    return "\n".join(lines) + "\n"
