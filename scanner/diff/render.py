"""A diff as a terminal table, a Markdown summary (PR comments, nightly issues) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tabulate import tabulate

from scanner.diff.compare import DiffResult
from scanner.diff.findings_diff import FindingDelta
from scanner.diff.inventory_diff import AttributeChange
from scanner.findings import Severity
from scanner.report.escaping import markdown_text, terminal_safe, truncate, truncate_middle

DIFF_VERSION = "1.0"
FORMATS = ("table", "markdown", "json")
MARKDOWN_ROWS = 50  # per section; the JSON output always holds everything
_VALUE_WIDTH = 60
_ID_WIDTH = 70
_DETAIL_WIDTH = 140


def render(name: str, result: DiffResult) -> str:
    """The diff in format ``name`` (one of FORMATS)."""
    renderers: dict[str, Callable[[DiffResult], str]] = {
        "table": render_table,
        "markdown": render_markdown,
        "json": render_json,
    }
    return renderers[name](result)


def build(result: DiffResult) -> dict[str, Any]:
    """The diff as plain data (the JSON format, described in docs/diff.md)."""
    findings = result.findings
    return {
        "diff_version": DIFF_VERSION,
        "kind": result.kind,
        "old": result.old.to_dict(),
        "new": result.new.to_dict(),
        "summary": summary(result),
        "findings": {
            "new": [d.to_dict() for d in findings.new],
            "resolved": [d.to_dict() for d in findings.resolved],
            "changed": [d.to_dict() for d in findings.changed],
        },
        "resources": result.resources.to_dict() if result.resources is not None else None,
        "warnings": list(result.warnings),
        "fail_on_new": result.fail_on_new.value if result.fail_on_new else None,
        "exit_code": int(result.exit_code),
    }


def summary(result: DiffResult) -> dict[str, Any]:
    """Counts of every section, and new failures per severity."""
    findings = result.findings
    by_severity = {s.value: 0 for s in reversed(Severity)}
    for delta in findings.new:
        by_severity[delta.severity.value] += 1
    resources = result.resources
    return {
        "new": len(findings.new),
        "resolved": len(findings.resolved),
        "changed": len(findings.changed),
        "unchanged": findings.unchanged,
        "appeared": findings.appeared,
        "disappeared": findings.disappeared,
        "new_by_severity": by_severity,
        "resources": None
        if resources is None
        else {
            "added": len(resources.added),
            "removed": len(resources.removed),
            "changed": len(resources.changed),
        },
    }


def render_json(result: DiffResult) -> str:
    """Two-space indented JSON with a trailing newline."""
    return json.dumps(build(result), indent=2, ensure_ascii=False, default=str) + "\n"


def _value(value: Any) -> str:
    if value is None:
        return "null"
    if value == "":
        return '""'
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return truncate(terminal_safe(text), _VALUE_WIDTH)


def _status(side: dict[str, Any] | None) -> str:
    return "(absent)" if side is None else str(side.get("status"))


def _fields(delta: FindingDelta) -> str:
    old, new = delta.old or {}, delta.new or {}
    return "; ".join(
        f"{key}: {_value(old.get(key))} -> {_value(new.get(key))}" for key in delta.fields
    )


def _finding_rows(deltas: list[FindingDelta], section: str) -> list[list[str]]:
    rows = []
    for delta in deltas:
        side = (delta.old if section == "resolved" else delta.new) or delta.old or {}
        detail = {
            "new": str(side.get("message") or ""),
            "resolved": f"now {_status(delta.new)}",
            "changed": _fields(delta),
        }[section]
        rows.append(
            [
                delta.severity.value,
                str(delta.identity.get("rule_id")),
                truncate_middle(str(delta.identity.get("resource_id")), _ID_WIDTH),
                str(delta.identity.get("environment") or "-"),
                detail,
            ]
        )
    return rows


def _change_text(change: AttributeChange) -> str:
    old, new = change.old, change.new
    if isinstance(old, list) and isinstance(new, list):
        gone = [v for v in old if v not in new]
        came = [v for v in new if v not in old]
        if gone or came:
            return f"{change.path}: -{_value(gone)} +{_value(came)}"
    before = "(absent)" if change.kind == "added" else _value(old)
    after = "(absent)" if change.kind == "removed" else _value(new)
    return f"{change.path}: {before} -> {after}"


def _sections(result: DiffResult) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every section's title, headers and rows, in display order."""
    findings = result.findings
    headers = ["severity", "rule", "resource", "env", "detail"]
    sections = [
        ("New findings", headers, _finding_rows(findings.new, "new")),
        ("Resolved findings", headers, _finding_rows(findings.resolved, "resolved")),
        ("Changed findings", headers, _finding_rows(findings.changed, "changed")),
    ]
    if result.resources is not None:
        drift = result.resources
        resource_headers = ["resource", "type", "account", "region"]
        sections += [
            ("Resources added", resource_headers, [_resource_row(r) for r in drift.added]),
            ("Resources removed", resource_headers, [_resource_row(r) for r in drift.removed]),
            (
                "Resources changed",
                ["resource", "type", "change"],
                [
                    [
                        truncate_middle(str(d.resource["id"]), _ID_WIDTH),
                        str(d.resource["type"]),
                        _change_text(c),
                    ]
                    for d in drift.changed
                    for c in d.changes
                ],
            ),
        ]
    return sections


def _resource_row(resource: dict[str, Any]) -> list[str]:
    return [
        truncate_middle(str(resource["id"]), _ID_WIDTH),
        str(resource.get("type")),
        str(resource.get("account") or "-"),
        str(resource.get("region") or "-"),
    ]


def _plural(kind: str) -> str:
    return "inventories" if kind == "inventory" else f"{kind}s"


def _headline(result: DiffResult) -> str:
    counts = summary(result)
    text = (
        f"{counts['new']} new, {counts['resolved']} resolved, {counts['changed']} changed findings"
    )
    if counts["resources"] is not None:
        res = counts["resources"]
        text += (
            f"; {res['added']} resources added, {res['removed']} removed, {res['changed']} changed"
        )
    return text


def render_table(result: DiffResult) -> str:
    """Plain text for a terminal: a headline, then one table per non-empty section."""
    lines = [
        f"archscan diff ({_plural(result.kind)}): {terminal_safe(result.old.path)} -> "
        f"{terminal_safe(result.new.path)}",
        _headline(result),
    ]
    lines += [f"warning: {terminal_safe(w)}" for w in result.warnings]
    for title, headers, rows in _sections(result):
        if rows:
            safe = [[truncate(terminal_safe(cell), _DETAIL_WIDTH) for cell in row] for row in rows]
            lines += ["", f"{title} ({len(rows)})", tabulate(safe, headers=headers)]
    return "\n".join(lines) + "\n"


def render_markdown(result: DiffResult) -> str:
    """GitHub-flavoured Markdown; each section capped at MARKDOWN_ROWS rows."""
    lines = [
        "## archscan diff",
        "",
        f"{markdown_text(result.old.path)} → {markdown_text(result.new.path)} "
        f"({_plural(result.kind)}): **{_headline(result)}**",
    ]
    if result.fail_on_new is not None:
        gate = "FAIL" if result.exit_code else "PASS"
        lines.append(f"\nGate: **{gate}** (new findings at or above {result.fail_on_new.value})")
    lines += [f"\n> warning: {markdown_text(w)}" for w in result.warnings]
    for title, headers, rows in _sections(result):
        if not rows:
            continue
        lines += ["", f"### {title} ({len(rows)})", ""]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "---|" * len(headers))
        for row in rows[:MARKDOWN_ROWS]:
            lines.append("| " + " | ".join(markdown_text(cell) for cell in row) + " |")
        if len(rows) > MARKDOWN_ROWS:
            lines.append(f"\n… and {len(rows) - MARKDOWN_ROWS} more (see the JSON diff)")
    return "\n".join(lines) + "\n"
