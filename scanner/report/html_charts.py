"""Charts of the HTML report as inline SVG, drawn in Python (they render without JavaScript).

Failing findings by environment and severity, controls per family by status, the
coverage heat map (account and region x service) and the cost estimate against the
budget. Each chart is a pure function of the report context.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from scanner.findings import Status
from scanner.inventory.model import CoverageEntry, CoverageStatus
from scanner.report.context import ReportContext
from scanner.report.cost_section import CostRow, cost_rows, money
from scanner.report.html_base import (
    NO_RESULT,
    SEVERITY_COLOURS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_RANK,
    esc,
    family_of,
    legend,
    rect,
    short,
    svg,
    text,
    worst,
)
from scanner.report.summary import SEVERITIES_DESC, env_key, env_label, rule_ids

FAMILY_NAMES = {
    "NET": "Network",
    "CMP": "Compute",
    "DB": "Database",
    "CACHE": "Cache",
    "STO": "Storage",
    "SEC": "Security",
    "EDGE": "Edge",
    "DR": "Disaster recovery",
    "OBS": "Observability",
    "ORG": "Organization",
    "COST": "Cost",
    "TAG": "Tagging",
}
COVERAGE_COLOURS = {
    CoverageStatus.OK.value: "#2da44e",
    CoverageStatus.DENIED.value: "#cf222e",
    CoverageStatus.THROTTLED.value: "#bf8700",
    CoverageStatus.TIMEOUT.value: "#e16f24",
    CoverageStatus.ERROR.value: "#82071e",
    CoverageStatus.UNSUPPORTED.value: "#d0d7de",
}
NOT_ATTEMPTED = "#ffffff"
MUTED = "#57606a"
TRACK = "#eaeef2"
BAR_H = 12
LIGHT = {STATUS_COLOURS[NO_RESULT][0]}  # segment colours that need dark numbers
# Bar segments of the family chart: passing first, then the problems, then nothing.
FAMILY_SEGMENTS = (Status.PASS.value, *STATUS_RANK[:-1], NO_RESULT)


def empty_note(message: str) -> str:
    """What a chart shows when it has nothing to draw."""
    return f'<p class="empty">{esc(message)}</p>'


# --- stacked bars ---------------------------------------------------------------------------


@dataclass
class Bar:
    """One row of a stacked bar chart: segments are (count, colour, tooltip)."""

    label: str
    segments: list[tuple[int, str, str]]
    note: str


def stacked_bars(bars: list[Bar], swatches: list[tuple[str, str]], name: str, step: int) -> str:
    """Horizontal stacked bars on one scale, a legend above and a note after each bar."""
    label_w, bar_w, row_h, top = 150, 380, 28, 34
    most = max((sum(n for n, _, _ in bar.segments) for bar in bars), default=0) or 1
    body = legend(label_w, 14, swatches, step=step)
    for index, bar in enumerate(bars):
        y = top + index * row_h
        body.append(text(label_w - 8, y + 15, short(bar.label, 20), anchor="end", title=bar.label))
        body.append(rect(label_w, y + 2, bar_w, row_h - 9, TRACK, radius=3))
        left = float(label_w)
        for count, colour, tip in bar.segments:
            if not count:
                continue
            width = bar_w * count / most
            body.append(rect(left, y + 2, max(width - 1, 1), row_h - 9, colour, title=tip))
            if width >= 20:
                ink = "#1f2328" if colour in LIGHT else "#fff"
                body.append(
                    text(left + width / 2, y + 16, count, size=11, anchor="middle", fill=ink)
                )
            left += width
        body.append(text(left + 6, y + 16, bar.note, size=12, fill=MUTED))
    width = max(label_w + bar_w + 110, label_w + step * len(swatches))
    return svg(width, top + len(bars) * row_h + 4, body, name)


def _environments(ctx: ReportContext) -> list[str | None]:
    return sorted({f.environment for f in ctx.findings}, key=env_key)


def findings_by_environment(ctx: ReportContext) -> str:
    """FAIL findings per environment, one segment per severity."""
    environments = _environments(ctx)
    if not environments:
        return empty_note("No findings in this run.")
    counts: dict[str | None, Counter[str]] = {env: Counter() for env in environments}
    for finding in ctx.findings:
        if finding.status is Status.FAIL:
            counts[finding.environment][finding.severity.value] += 1
    bars = []
    for env in environments:
        name, total = env_label(env), sum(counts[env].values())
        segments = [
            (
                counts[env][s.value],
                SEVERITY_COLOURS[s.value],
                f"{name}: {counts[env][s.value]} failing {s.value}",
            )
            for s in SEVERITIES_DESC
        ]
        bars.append(Bar(name, segments, f"{total} failing" if total else "none failing"))
    swatches = [(SEVERITY_COLOURS[s.value], s.value) for s in SEVERITIES_DESC]
    return stacked_bars(bars, swatches, "Failing findings by environment and severity", 82)


def results_by_environment(ctx: ReportContext) -> str:
    """Every result per environment, one segment per status."""
    environments = _environments(ctx)
    if not environments:
        return ""
    counts: dict[str | None, Counter[str]] = {env: Counter() for env in environments}
    for finding in ctx.findings:
        counts[finding.environment][finding.status.value] += 1
    order = FAMILY_SEGMENTS[:-1]
    bars = []
    for env in environments:
        name = env_label(env)
        segments = [
            (counts[env][s], STATUS_COLOURS[s][0], f"{name}: {counts[env][s]} {s}") for s in order
        ]
        bars.append(Bar(name, segments, f"{sum(counts[env].values())} results"))
    present = [s for s in order if any(c[s] for c in counts.values())]
    swatches = [(STATUS_COLOURS[s][0], STATUS_LABELS[s]) for s in present]
    return stacked_bars(bars, swatches, "Results by environment and status", 100)


# --- controls per family ----------------------------------------------------------------------


def control_statuses(ctx: ReportContext) -> dict[str, str]:
    """Each rule's status: the worst result among its findings, NO_RESULT when it has none."""
    by_rule: dict[str, list[str]] = {rule_id: [] for rule_id in rule_ids(ctx)}
    for finding in ctx.findings:
        by_rule[finding.rule_id].append(finding.status.value)
    return {rule_id: worst(statuses) for rule_id, statuses in by_rule.items()}


def family_rows(ctx: ReportContext) -> list[tuple[str, Counter[str]]]:
    """(family, rule count by status) in the catalogue's family order, unknown families last."""
    rows: dict[str, Counter[str]] = {}
    for rule_id, status in control_statuses(ctx).items():
        rows.setdefault(family_of(rule_id), Counter())[status] += 1
    order = list(FAMILY_NAMES)
    return sorted(
        rows.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])
    )


def controls_by_family(ctx: ReportContext) -> str:
    """The rules of each family by their status (the worst result among their findings)."""
    rows = family_rows(ctx)
    if not rows:
        return empty_note("No rules in this run.")
    bars = []
    for family, counts in rows:
        name = FAMILY_NAMES.get(family, family)
        segments = [
            (counts[s], STATUS_COLOURS[s][0], f"{name}: {counts[s]} rule(s) {STATUS_LABELS[s]}")
            for s in FAMILY_SEGMENTS
        ]
        passed, total = counts[Status.PASS.value], sum(counts.values())
        bars.append(Bar(name, segments, f"{passed}/{total} pass"))
    present = [s for s in FAMILY_SEGMENTS if any(c[s] for _, c in rows)]
    swatches = [(STATUS_COLOURS[s][0], STATUS_LABELS[s]) for s in present]
    return stacked_bars(bars, swatches, "Controls per family by status", 106)


# --- coverage heat map ------------------------------------------------------------------------


def account_names(baseline: dict[str, Any] | None) -> dict[str, str]:
    """Account id -> the baseline's name for it (``prod``), when the baseline is known."""
    names: dict[str, str] = {}
    for name, spec in ((baseline or {}).get("accounts") or {}).items():
        if isinstance(spec, dict) and spec.get("id") is not None:
            names[str(spec["id"])] = str(name)
    return names


def account_label(account: str | None, names: dict[str, str]) -> str:
    """``prod 555555555555`` when the baseline names the account, else the id."""
    if account is None:
        return "(no account)"
    return f"{names[account]} {account}" if account in names else account


def coverage_heatmap(ctx: ReportContext, baseline: dict[str, Any] | None) -> str:
    """Rows account x region, columns service; each cell coloured by the collection's outcome."""
    if not ctx.coverage:
        return empty_note("No coverage ledger in this run.")
    names = account_names(baseline)
    cells = {(e.account, e.region, e.service): e for e in ctx.coverage}
    rows = sorted(
        {(e.account, e.region) for e in ctx.coverage},
        key=lambda r: (names.get(r[0] or "", "~"), r[0] or "", r[1] or ""),
    )
    services = sorted({e.service for e in ctx.coverage})
    cell, label_w, head_h = 20, 280, 110
    width = label_w + cell * len(services) + 20
    body: list[str] = []
    for col, service in enumerate(services):
        x = label_w + col * cell + cell / 2 + 4
        body.append(
            text(
                x,
                head_h - 6,
                short(service, 16),
                size=11,
                fill=MUTED,
                extra=f'transform="rotate(-60 {x:.1f} {head_h - 6})"',
            )
        )
    for row, (account, region) in enumerate(rows):
        y = head_h + row * cell
        label = f"{account_label(account, names)} · {region or '(no region)'}"
        body.append(text(label_w - 8, y + 14, short(label, 44), size=11, anchor="end", title=label))
        for col, service in enumerate(services):
            entry = cells.get((account, region, service))
            colour, stroke, tip = _coverage_cell(entry, f"{label} · {service}")
            x = label_w + col * cell
            body.append(rect(x + 1, y + 1, cell - 2, cell - 2, colour, stroke=stroke, title=tip))
    legend_y = head_h + len(rows) * cell + 24
    present = [
        s
        for s in COVERAGE_COLOURS
        if any(CoverageStatus(e.status).value == s for e in ctx.coverage)
    ]
    body += legend(label_w, legend_y, [(COVERAGE_COLOURS[s], s) for s in present], step=100)
    return svg(max(width, label_w + 100 * len(present)), legend_y + 8, body, "Coverage heat map")


def _coverage_cell(entry: CoverageEntry | None, where: str) -> tuple[str, str, str]:
    """(fill, stroke, tooltip) of one heat-map cell; an empty cell was never attempted."""
    if entry is None:
        return NOT_ATTEMPTED, "#d0d7de", f"{where}: not attempted"
    status = CoverageStatus(entry.status).value
    detail = entry.message or entry.api_call or ""
    tip = f"{where}: {status}" + (f" — {detail}" if detail else "")
    return COVERAGE_COLOURS.get(status, "#82071e"), "none", tip


# --- cost against budget ----------------------------------------------------------------------


def cost_chart(ctx: ReportContext) -> str:
    """Per environment and component: the estimate as a bar, the budget and limit as marks."""
    rows = cost_rows(ctx)
    if not rows:
        return empty_note("No cost estimate in this run (COST-001 did not run).")
    label_w, bar_w, row_h = 150, 330, 22
    width = label_w + bar_w + 200
    body = legend(
        label_w,
        14,
        [
            (STATUS_COLOURS["PASS"][0], "estimate within budget"),
            (STATUS_COLOURS["FAIL"][0], "over the limit"),
        ],
        step=170,
    )
    body += [
        rect(label_w + 340, 4, 2, 12, "#1f2328"),
        text(label_w + 347, 14, "budget", size=12, fill=MUTED),
        rect(label_w + 400, 4, 2, 12, "#cf222e"),
        text(label_w + 407, 14, "limit", size=12, fill=MUTED),
    ]
    y = 30.0
    environments = sorted({r.environment for r in rows})
    for env in environments:
        group = [r for r in rows if r.environment == env]
        scale = max(max(r.limit or 0, r.budget or 0, r.estimate or 0) for r in group) or 1
        body.append(text(8, y + 16, short(env, 24) or "(no environment)", size=13, weight="bold"))
        y += 22
        for row in group:
            body += _cost_row(row, y, label_w, bar_w, scale)
            y += row_h
        y += 8
    return svg(width, y + 4, body, "Cost estimate against budget")


def _cost_row(row: CostRow, y: float, label_w: float, bar_w: float, scale: float) -> list[str]:
    status = row.status if row.status in STATUS_COLOURS else NO_RESULT
    colour = STATUS_COLOURS[status][0]
    weight = "bold" if row.component == "total" else "normal"
    parts = [
        text(label_w - 8, y + 13, short(row.component, 20), anchor="end", weight=weight),
        rect(label_w, y + 3, bar_w, BAR_H, TRACK, radius=2),
    ]
    tip = (
        f"{row.environment} {row.component}: estimate {money(row.estimate)} {row.currency}, "
        f"budget {money(row.budget)}, limit {money(row.limit)}, COST-001 {row.status}"
    )
    if row.unknown_lines:
        tip += f"; {row.unknown_lines} line(s) priced unknown"
    if row.estimate is not None:
        parts.append(
            rect(
                label_w,
                y + 3,
                bar_w * min(row.estimate / scale, 1),
                BAR_H,
                colour,
                radius=2,
                title=tip,
            )
        )
    else:
        dashed = 'stroke-dasharray="4 3"'
        parts.append(
            rect(
                label_w,
                y + 3,
                bar_w,
                BAR_H,
                STATUS_COLOURS[status][1],
                stroke=colour,
                title=tip,
                extra=dashed,
            )
        )
    for value, mark in ((row.budget, "#1f2328"), (row.limit, "#cf222e")):
        if value is not None:
            parts.append(rect(label_w + bar_w * min(value / scale, 1) - 1, y, 2, BAR_H + 6, mark))
    figures = f"{money(row.estimate)} / {money(row.budget)} {row.currency}"
    parts.append(text(label_w + bar_w + 10, y + 13, figures, size=12, fill=MUTED, title=tip))
    return parts
