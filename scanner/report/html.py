"""HTML report: one self-contained page with charts, the architecture diagram and tables.

No network at view time: the CSS and the small script are inline, the charts are SVG
drawn in Python (they need no JavaScript), and a Content-Security-Policy allows only
this page's own style and script (by hash), so even an injected tag could load or run
nothing. Every resource-controlled string passes through ``html_base.esc``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

from scanner import __version__
from scanner.findings import Finding, Severity, Status
from scanner.inventory.model import CoverageStatus
from scanner.report.context import ReportContext
from scanner.report.cost_section import assumptions
from scanner.report.html_architecture import diagram
from scanner.report.html_base import (
    NO_RESULT,
    STATUS_RANK,
    esc,
    family_of,
    short,
    status_counts,
)
from scanner.report.html_charts import (
    FAMILY_NAMES,
    account_label,
    account_names,
    control_statuses,
    controls_by_family,
    cost_chart,
    coverage_heatmap,
    findings_by_environment,
    results_by_environment,
)
from scanner.report.html_placement import BASELINE_KEY, Layout
from scanner.report.summary import (
    SEVERITIES_DESC,
    coverage_gaps,
    env_key,
    env_label,
    gate_label,
    plain,
    plural,
    resource_label,
    resource_total,
    rule_ids,
    sort_key,
    waiver_justification,
)

VALUE_LIMIT = 300
MESSAGE_LIMIT = 400


def asset(name: str) -> str:
    """A file shipped beside this module (the stylesheet, the script)."""
    return resources.files("scanner.report").joinpath(name).read_text(encoding="utf-8")


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline style or script."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def compact(value: Any) -> str:
    """Expected/actual as short one-line JSON (sorted keys, non-ASCII kept)."""
    if value is None:
        return ""
    return short(json.dumps(plain(value), ensure_ascii=False, sort_keys=True), VALUE_LIMIT)


def status_badge(status: str) -> str:
    label = "no result" if status == NO_RESULT else status
    return f'<span class="st st-{esc(status)}">{esc(label)}</span>'


def table(headers: list[tuple[str, str]], rows: Iterable[str], table_id: str = "") -> str:
    """A table; ``headers`` are (label, sort kind: "", "text" or "num"), rows are ready HTML."""
    head = "".join(
        f'<th data-sort="{kind}">{esc(label)}</th>' if kind else f"<th>{esc(label)}</th>"
        for label, kind in headers
    )
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def cells(values: Iterable[str]) -> str:
    """A row of already-escaped cells."""
    return "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"


# --- sections --------------------------------------------------------------------------------


def header(ctx: ReportContext) -> str:
    gate = gate_label(ctx.exit_code)
    gate_class = gate if gate in ("PASS", "FAIL", "INCOMPLETE", "ERROR") else "other"
    inputs = ", ".join(ctx.inputs) or "(none)"
    scope = (
        f"{plural(len(rule_ids(ctx)), 'rule')} · {plural(resource_total(ctx), 'resource')} · "
        f"{ctx.source_kind} · fail-on {Severity.parse(ctx.fail_on).value} · exit {ctx.exit_code}"
    )
    counts = ctx.counts()
    tiles = [
        f'<div class="tile tile-{s}" id="count-{s}"><span class="n">{counts[s]}</span>'
        f'<span class="l">{esc(s.replace("_", " "))}</span></div>'
        for s in STATUS_RANK
    ]
    return (
        '<header class="top">'
        f'<h1>archscan report <span class="gate gate-{gate_class}" id="gate">gate: {esc(gate)}'
        "</span></h1>"
        f'<p class="meta">{esc(scope)}</p>'
        f'<p class="meta">input: <span class="code">{esc(inputs)}</span> · '
        f'baseline: <span class="code">{esc(ctx.baseline_path or "(none)")}</span> · '
        f"{esc(ctx.finished_at or ctx.started_at or '')}</p>"
        f'<div class="tiles">{"".join(tiles)}</div>'
        "</header>"
    )


def card(title: str, body: str, extra_class: str = "") -> str:
    cls = f"card {extra_class}".strip()
    return f'<div class="{cls}"><h3>{esc(title)}</h3>{body}</div>'


def overview(ctx: ReportContext) -> str:
    by_env, results = findings_by_environment(ctx), results_by_environment(ctx)
    if results:
        by_env = (
            f'<p class="caption">Failing findings by severity</p>{by_env}'
            f'<p class="caption">All results by status</p>{results}'
        )
    return (
        '<section id="overview"><h2>Overview</h2><div class="grid">'
        + card("Findings by environment", by_env)
        + card("Controls per family (rules by their worst result)", controls_by_family(ctx))
        + "</div></section>"
    )


def architecture(ctx: ReportContext) -> str:
    drawing, unplaced = diagram(ctx)
    if not drawing:
        body = '<p class="empty">The baseline\'s data is not in this report context.</p>'
    else:
        note = (
            f'<p class="note">{esc(plural(unplaced, "finding"))} concern no drawn element '
            "(no known environment); the findings table lists them.</p>"
            if unplaced
            else ""
        )
        body = (
            '<p class="note">Each element takes the colour of the worst result among the '
            "findings that concern it; hover for counts, click to filter the findings "
            "table.</p>" + drawing + note
        )
    return (
        '<section id="architecture"><h2>Architecture (from the baseline)</h2>'
        f'<div class="card wide">{body}</div></section>'
    )


def coverage_and_cost(ctx: ReportContext) -> str:
    baseline = _baseline(ctx)
    notes = "".join(f"<li>{esc(note)}</li>" for note in assumptions(ctx))
    cost_notes = f'<p class="note">Assumptions:</p><ul class="plain">{notes}</ul>' if notes else ""
    return (
        '<section id="coverage-cost"><h2>Coverage and cost</h2><div class="grid">'
        + card("Collection coverage (account · region × service)", coverage_heatmap(ctx, baseline))
        + card("Estimated monthly cost against budget (COST-001)", cost_chart(ctx) + cost_notes)
        + "</div></section>"
    )


def findings_section(ctx: ReportContext) -> str:
    layout = Layout(_baseline(ctx) or {})
    ordered = sorted(ctx.findings, key=lambda f: (STATUS_RANK.index(f.status.value), sort_key(f)))
    rows = [_finding_row(f, layout, index) for index, f in enumerate(ordered)]
    envs = sorted({f.environment for f in ctx.findings}, key=env_key)
    filters = (
        '<div class="filters">'
        + _select("filter-status", "status", [(s, s) for s in STATUS_RANK])
        + _select("filter-severity", "severity", [(s.value, s.value) for s in SEVERITIES_DESC])
        + _select("filter-env", "environment", [(env_label(e), env_label(e)) for e in envs])
        + '<input id="filter-text" type="search" placeholder="search rule, resource, message">'
        + '<button id="filter-clear" type="button">clear</button>'
        + f'<span class="shown" id="filter-shown">{len(rows)} of {len(rows)} shown</span></div>'
    )
    headers = [
        ("#", "num"),
        ("Status", "text"),
        ("Severity", "num"),
        ("Rule", "text"),
        ("Environment", "text"),
        ("Account", "text"),
        ("Region", "text"),
        ("Resource", "text"),
        ("Message (expected · actual)", "text"),
    ]
    return (
        f'<section id="findings"><h2>Findings ({len(rows)})</h2>{filters}'
        f'<div class="scroll">{table(headers, rows, "findings-table")}</div></section>'
    )


def _finding_row(finding: Finding, layout: Layout, index: int) -> str:
    status = finding.status.value
    severity = finding.severity.value
    element = layout.element_key(finding) if layout.data else None
    message = finding.message
    if finding.status is Status.WAIVED:
        message = f"{message} — waived: {waiver_justification(finding)}"
    values = [
        f'<td data-key="{index}">{index + 1}</td>',
        f'<td data-key="{STATUS_RANK.index(status)}">{status_badge(status)}</td>',
        f'<td data-key="{4 - finding.severity.rank}" class="sev-{esc(severity)}">'
        f"{esc(severity)}</td>",
        f'<td class="nw">{esc(finding.rule_id)}</td>',
        f"<td>{esc(env_label(finding.environment))}</td>",
        f'<td class="code nw">{esc(finding.account or "")}</td>',
        f'<td class="nw">{esc(finding.region or "")}</td>',
        f'<td class="code res">{esc(short(resource_label(finding), 200))}</td>',
        f'<td class="msg">{esc(short(message, MESSAGE_LIMIT))}{_values(finding)}</td>',
    ]
    return (
        f'<tr data-status="{esc(status)}" data-severity="{esc(severity)}" '
        f'data-env="{esc(env_label(finding.environment))}" data-el="{esc(element or "")}">'
        + "".join(values)
        + "</tr>"
    )


def _values(finding: Finding) -> str:
    """Expected and actual values under the message, when the rule gave them."""
    parts = [
        f'<span class="k">{name}</span> <span class="code">{esc(compact(value))}</span>'
        for name, value in (("expected", finding.expected), ("actual", finding.actual))
        if value is not None
    ]
    return f'<div class="vals">{" · ".join(parts)}</div>' if parts else ""


def _select(ident: str, label: str, options: list[tuple[str, str]]) -> str:
    body = "".join(f'<option value="{esc(v)}">{esc(text)}</option>' for v, text in options)
    return (
        f'<label>{esc(label)} <select id="{ident}"><option value="">all</option>{body}'
        "</select></label>"
    )


def rules_section(ctx: ReportContext) -> str:
    statuses = control_statuses(ctx)
    by_rule: dict[str, list[Finding]] = {rule_id: [] for rule_id in statuses}
    for finding in ctx.findings:
        by_rule[finding.rule_id].append(finding)
    not_applicable = set(ctx.extra.get("not_applicable") or [])
    rows = []
    for rule_id in rule_ids(ctx):
        meta = ctx.rules.get(rule_id)
        counts = ", ".join(f"{n} {s}" for s, n in status_counts(by_rule[rule_id]).items())
        if not counts:
            counts = f"not applicable to {ctx.source_kind}" if rule_id in not_applicable else ""
        family = family_of(rule_id)
        rows.append(
            cells(
                [
                    esc(rule_id),
                    esc(FAMILY_NAMES.get(family, family)),
                    esc(meta.severity.value if meta else ""),
                    status_badge(statuses[rule_id]),
                    esc(counts),
                    esc(meta.title if meta else ""),
                    esc(", ".join(meta.inputs) if meta else ""),
                ]
            )
        )
    headers = [
        (h, "") for h in ("Rule", "Family", "Severity", "Control", "Results", "Title", "Inputs")
    ]
    return (
        f'<section id="rules"><h2>Rules ({len(rows)})</h2>'
        f'<div class="scroll">{table(headers, rows)}</div></section>'
    )


def gaps_section(ctx: ReportContext) -> str:
    gaps = coverage_gaps(ctx)
    if not gaps:
        return (
            '<section id="coverage-gaps"><h2>Coverage gaps</h2>'
            f'<p class="note">None: every one of {len(ctx.coverage)} collections succeeded.</p>'
            "</section>"
        )
    names = account_names(_baseline(ctx))
    rows = [
        cells(
            [
                esc(account_label(e.account, names)),
                esc(e.region or ""),
                esc(e.service),
                esc(CoverageStatus(e.status).value),
                esc(e.api_call or ""),
                esc(short(e.message or "", MESSAGE_LIMIT)),
            ]
        )
        for e in gaps
    ]
    headers = [(h, "") for h in ("Account", "Region", "Service", "Status", "API call", "Message")]
    return (
        f'<section id="coverage-gaps"><h2>Coverage gaps ({len(gaps)} of {len(ctx.coverage)})'
        f'</h2><div class="scroll">{table(headers, rows)}</div></section>'
    )


def waivers_section(ctx: ReportContext) -> str:
    """Applied, expired and stale waivers, when the run had a waiver file."""
    waivers = ctx.extra.get("waivers")
    if not isinstance(waivers, dict):
        return ""
    parts = []
    for group in ("applied", "expired", "stale"):
        items = waivers.get(group) or []
        entries = "".join(f"<li>{esc(_waiver_text(item))}</li>" for item in items)
        body = f'<ul class="plain">{entries}</ul>' if entries else '<p class="note">None.</p>'
        parts.append(f"<h3>{esc(group.capitalize())} ({len(items)})</h3>{body}")
    return f'<section id="waivers"><h2>Waivers</h2>{"".join(parts)}</section>'


def _waiver_text(item: Any) -> str:
    if isinstance(item, dict):
        return "; ".join(f"{key}: {short(plain(value), 200)}" for key, value in item.items())
    return short(plain(item), 400)


def notes_section(ctx: ReportContext) -> str:
    parts = []
    if ctx.warnings:
        items = "".join(f"<li>{esc(short(w, 600))}</li>" for w in ctx.warnings)
        parts.append(f'<h3>Warnings ({len(ctx.warnings)})</h3><ul class="plain">{items}</ul>')
    if ctx.unmapped_types:
        items = "".join(
            f'<li><span class="code">{esc(name)}</span> ({count})</li>'
            for name, count in sorted(ctx.unmapped_types.items())
        )
        parts.append(
            "<h3>Resource types not checked</h3>"
            f'<p class="note">No rule reads these types.</p><ul class="plain">{items}</ul>'
        )
    if not parts:
        return ""
    return f'<section id="notes"><h2>Warnings and notes</h2>{"".join(parts)}</section>'


def metadata_section(ctx: ReportContext) -> str:
    fields = [
        ("tool", f"archscan {ctx.tool_version or __version__}"),
        ("source", ctx.source_kind),
        ("inputs", ", ".join(ctx.inputs) or "(none)"),
        ("baseline", ctx.baseline_path or "(none)"),
        ("baseline digest", ctx.baseline_digest or "(none)"),
        ("environment option", ctx.environment or "(resolved per resource)"),
        ("started", ctx.started_at or ""),
        ("finished", ctx.finished_at or ""),
        ("resources", str(resource_total(ctx))),
        ("fail on", Severity.parse(ctx.fail_on).value),
        ("exit code", f"{ctx.exit_code} ({gate_label(ctx.exit_code)})"),
    ]
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in fields)
    return f'<section id="run"><h2>Run</h2><dl class="meta">{body}</dl></section>'


def _baseline(ctx: ReportContext) -> dict[str, Any] | None:
    data = ctx.extra.get(BASELINE_KEY)
    return data if isinstance(data, dict) else None


def render(ctx: ReportContext) -> str:
    """The whole page."""
    style, script = asset("html.css"), asset("html.js")
    policy = (
        f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    gate = gate_label(ctx.exit_code)
    counts = ctx.counts()
    title = f"archscan report: {counts['FAIL']} failing, gate {gate}"
    sections = [
        overview(ctx),
        architecture(ctx),
        coverage_and_cost(ctx),
        findings_section(ctx),
        rules_section(ctx),
        gaps_section(ctx),
        waivers_section(ctx),
        notes_section(ctx),
        metadata_section(ctx),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{style}</style></head>\n<body>"
        + header(ctx)
        + "<main>"
        + "\n".join(section for section in sections if section)
        + "</main>"
        + f"<footer>archscan {esc(ctx.tool_version or __version__)} · baseline digest "
        + f"{esc(ctx.baseline_digest or '(none)')}</footer>"
        + f"<script>{script}</script></body></html>\n"
    )
