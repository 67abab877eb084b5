"""Markdown for pull-request comments (GitHub-flavoured): badge, counts, failures, gaps.

Every resource-controlled string goes through ``markdown_text`` so it can neither
break a table row nor inject HTML, links, code spans or @mentions.
"""

from __future__ import annotations

from scanner import __version__
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
from scanner.report.escaping import markdown_text, one_line, truncate
from scanner.report.summary import (
    coverage_gaps,
    env_label,
    fail_breakdown,
    gate_label,
    group_by_environment,
    plural,
    resource_label,
    resource_total,
    rule_ids,
    sorted_findings,
    waiver_justification,
)

MESSAGE_LIMIT = 200
RESOURCE_LIMIT = 120
MAX_ROWS = 200  # per table: GitHub comments are limited to 65,536 characters
NOT_EVALUATED = (Status.UNKNOWN, Status.NOT_COLLECTED, Status.ERROR)


def cell(text: object, limit: int) -> str:
    """A table cell: flattened and truncated first, then escaped (no escape is cut in half)."""
    flat = one_line(text)
    return markdown_text(truncate(flat, limit)) if flat else ""


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    """A GFM pipe table; cells must already be escaped."""
    marks = align or ["---"] * len(headers)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def capped(rows: list[list[str]], total: int) -> list[str]:
    """A note when a table was cut to MAX_ROWS."""
    if total <= len(rows):
        return []
    return ["", f"_… and {total - len(rows)} more; see the full report._"]


def badge(ctx: ReportContext) -> str:
    """``**archscan: 5 failing (2 critical, 3 high) — gate: FAIL**``."""
    failing = ctx.counts()[Status.FAIL.value]
    breakdown = fail_breakdown(ctx.findings)
    detail = f" ({breakdown})" if breakdown else ""
    return f"**archscan: {failing} failing{detail} — gate: {gate_label(ctx.exit_code)}**"


def counts_section(ctx: ReportContext) -> list[str]:
    """Counts of findings by status, and the scan's scope."""
    counts = ctx.counts()
    rows = [[status.value, str(counts[status.value])] for status in Status]
    fail_on = Severity.parse(ctx.fail_on).value
    scope = (
        f"{plural(len(rule_ids(ctx)), 'rule')}, {plural(resource_total(ctx), 'resource')}, "
        f"source: {markdown_text(ctx.source_kind)}, fail-on: {fail_on}, exit code {ctx.exit_code}"
    )
    return [*table(["Status", "Count"], rows, ["---", "---:"]), "", scope]


def failures_section(ctx: ReportContext) -> list[str]:
    """FAIL findings, one table per environment, critical first."""
    failed = [f for f in ctx.findings if f.status is Status.FAIL]
    if not failed:
        return ["### Failing checks", "", "None."]
    lines = ["### Failing checks"]
    budget = MAX_ROWS
    for environment, findings in group_by_environment(failed):
        rows = [
            [
                f.severity.value,
                cell(f.rule_id, 40),
                cell(resource_label(f), RESOURCE_LIMIT),
                cell(f.message, MESSAGE_LIMIT),
            ]
            for f in findings[: max(budget, 0)]
        ]
        budget -= len(rows)
        lines += ["", f"#### {cell(env_label(environment), 60)} ({len(findings)})", ""]
        if rows:
            lines += table(["Severity", "Rule", "Resource", "Message"], rows)
        lines += capped(rows, len(findings))
    return lines


def details_block(summary: str, body: list[str]) -> list[str]:
    """A collapsed ``<details>`` section (blank lines keep Markdown working inside)."""
    return ["", "<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def not_evaluated_section(ctx: ReportContext) -> list[str]:
    """UNKNOWN, NOT_COLLECTED and ERROR findings, collapsed."""
    pending = sorted_findings(f for f in ctx.findings if f.status in NOT_EVALUATED)
    if not pending:
        return []
    counts = ctx.counts()
    summary = ", ".join(f"{counts[s.value]} {s.value}" for s in NOT_EVALUATED if counts[s.value])
    rows = [
        [
            f.status.value,
            f.severity.value,
            cell(f.rule_id, 40),
            cell(resource_label(f), RESOURCE_LIMIT),
            cell(env_label(f.environment), 40),
            cell(f.message, MESSAGE_LIMIT),
        ]
        for f in pending[:MAX_ROWS]
    ]
    headers = ["Status", "Severity", "Rule", "Resource", "Environment", "Message"]
    body = table(headers, rows) + capped(rows, len(pending))
    return details_block(f"Not evaluated: {summary}", body)


def waived_section(ctx: ReportContext) -> list[str]:
    """WAIVED findings with their justification, collapsed."""
    waived = sorted_findings(f for f in ctx.findings if f.status is Status.WAIVED)
    if not waived:
        return []
    rows = [
        [
            f.severity.value,
            cell(f.rule_id, 40),
            cell(resource_label(f), RESOURCE_LIMIT),
            cell(waiver_justification(f), MESSAGE_LIMIT),
        ]
        for f in waived[:MAX_ROWS]
    ]
    body = table(["Severity", "Rule", "Resource", "Justification"], rows) + capped(
        rows, len(waived)
    )
    return details_block(f"Waived: {len(waived)}", body)


def waivers_section(ctx: ReportContext) -> list[str]:
    """The waiver file's waivers: expired (no longer suppressing) and stale ones first."""
    source = waiver_file(ctx)
    if source is None:
        return []
    rows = [
        [
            f"**{row.state}**" if row.state != "applied" else row.state,
            cell(row.item.get("id", ""), 40),
            cell(row.rules, 60),
            cell(row.item.get("owner", ""), 40),
            cell(row.item.get("ticket", ""), 60),
            cell(row.item.get("expires", ""), 12),
            str(int(row.item.get("matched", 0))),
            cell(row.item.get("reason", ""), MESSAGE_LIMIT),
        ]
        for row in waiver_rows(ctx)[:MAX_ROWS]
    ]
    lines = ["", f"### Waivers ({waiver_counts(ctx)})", "", f"File: {cell(source, 200)}"]
    if rows:
        headers = ["State", "Id", "Rules", "Owner", "Ticket", "Expires", "Matched", "Reason"]
        lines += ["", *table(headers, rows)]
    return lines


def new_only_section(ctx: ReportContext) -> list[str]:
    """With --new-only: the split and the new findings, the only ones the gate judged."""
    if new_only(ctx) is None:
        return []
    fresh = new_findings(ctx)
    rows = [
        [
            f.status.value,
            f.severity.value,
            cell(f.rule_id, 40),
            cell(resource_label(f), RESOURCE_LIMIT),
            cell(f.message, MESSAGE_LIMIT),
        ]
        for f in fresh[:MAX_ROWS]
    ]
    lines = ["", "### New since the findings baseline", "", cell(new_only_line(ctx), 400)]
    if rows:
        lines += ["", *table(["Status", "Severity", "Rule", "Resource", "Message"], rows)]
    return lines + capped(rows, len(fresh))


def coverage_section(ctx: ReportContext) -> list[str]:
    """Collection gaps, when any (account, region, service) was not collected."""
    gaps = coverage_gaps(ctx)
    if not gaps:
        return []
    rows = [
        [
            cell(e.account, 40),
            cell(e.region, 40),
            cell(e.service, 40),
            CoverageStatus(e.status).value,
            cell(e.message or e.api_call or "", MESSAGE_LIMIT),
        ]
        for e in gaps[:MAX_ROWS]
    ]
    headers = ["Account", "Region", "Service", "Status", "Message"]
    title = f"### Coverage problems ({len(gaps)} of {len(ctx.coverage)} collections)"
    return ["", title, "", *table(headers, rows), *capped(rows, len(gaps))]


def notes_section(ctx: ReportContext) -> list[str]:
    """Unmapped resource types and warnings."""
    lines: list[str] = []
    if ctx.unmapped_types:
        total = sum(ctx.unmapped_types.values())
        names = ", ".join(
            f"{markdown_text(name)} ({count})" for name, count in sorted(ctx.unmapped_types.items())
        )
        lines += [
            "",
            f"Unmapped: {plural(total, 'resource')} of {plural(len(ctx.unmapped_types), 'type')} "
            f"not checked: {names}",
        ]
    if ctx.warnings:
        lines += ["", f"Warnings ({len(ctx.warnings)}):", ""]
        lines += [f"- {cell(w, 500)}" for w in ctx.warnings[:MAX_ROWS]]
    return lines


def footer(ctx: ReportContext) -> list[str]:
    """Baseline digest and tool version."""
    baseline = markdown_text(ctx.baseline_path) or "(none)"
    digest = markdown_text(ctx.baseline_digest) or "(none)"
    version = markdown_text(ctx.tool_version or __version__)
    return ["", "---", f"<sub>baseline {baseline}, digest {digest} · archscan {version}</sub>"]


def finding_count_line(findings: list[Finding]) -> str:
    """Hidden PASS count, so a reader knows what the tables leave out."""
    passed = sum(f.status is Status.PASS for f in findings)
    return f"{passed} passing checks not listed." if passed else ""


def cost_markdown(ctx: ReportContext) -> list[str]:
    """The estimate beside the budget per environment and component, assumptions listed."""
    rows = cost_rows(ctx)
    if not rows:
        return []
    body = table(
        ["Environment", "Component", "Estimate/month", "Budget", "Limit", "COST-001"],
        [
            [
                cell(r.environment, 40),
                cell(r.component, 40),
                money(r.estimate),
                money(r.budget),
                money(r.limit),
                cell(r.status, 20),
            ]
            for r in rows
        ],
    )
    notes = [f"- {cell(note, 300)}" for note in assumptions(ctx)]
    if notes:
        body = [*body, "", "Assumptions:", "", *notes]
    return ["", *details_block(f"Cost estimate vs budget ({rows[0].currency})", body)]


def render(ctx: ReportContext) -> str:
    """The pull-request comment."""
    lines = ["## archscan report", "", badge(ctx), "", *counts_section(ctx), ""]
    lines += failures_section(ctx)
    lines += new_only_section(ctx)
    passed = finding_count_line(ctx.findings)
    if passed:
        lines += ["", passed]
    lines += not_evaluated_section(ctx)
    lines += waived_section(ctx)
    lines += waivers_section(ctx)
    lines += cost_markdown(ctx)
    lines += coverage_section(ctx)
    lines += notes_section(ctx)
    lines += footer(ctx)
    return "\n".join(lines) + "\n"
