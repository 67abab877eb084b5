"""Building blocks of the HTML report: escaping, colours, status ranking and SVG primitives.

Everything a resource, a plan or an AWS account controls passes through :func:`esc`
before it reaches the page, in element text, attribute values and SVG text alike.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from scanner.findings import Finding, Status
from scanner.report.escaping import truncate, xml_safe

# Worst first: the colour of anything that several results concern is its worst result's.
STATUS_RANK: tuple[str, ...] = (
    Status.FAIL.value,
    Status.ERROR.value,
    Status.UNKNOWN.value,
    Status.NOT_COLLECTED.value,
    Status.WAIVED.value,
    Status.PASS.value,
)
NO_RESULT = "NO_RESULT"  # nothing was evaluated for it (no resource in scope, rule not run)

# (strong colour for bars and strokes, light tint for filled boxes)
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    Status.FAIL.value: ("#cf222e", "#ffebe9"),
    Status.ERROR.value: ("#8250df", "#fbefff"),
    Status.UNKNOWN.value: ("#bf8700", "#fff8c5"),
    Status.NOT_COLLECTED.value: ("#6e7781", "#eaeef2"),
    Status.WAIVED.value: ("#0969da", "#ddf4ff"),
    Status.PASS.value: ("#1a7f37", "#dafbe1"),
    NO_RESULT: ("#afb8c1", "#f6f8fa"),
}
STATUS_LABELS = {
    Status.FAIL.value: "fail",
    Status.ERROR.value: "error",
    Status.UNKNOWN.value: "unknown",
    Status.NOT_COLLECTED.value: "not collected",
    Status.WAIVED.value: "waived",
    Status.PASS.value: "pass",
    NO_RESULT: "no result",
}
SEVERITY_COLOURS = {
    "critical": "#82071e",
    "high": "#cf222e",
    "medium": "#e16f24",
    "low": "#d4a72c",
    "info": "#8c959f",
}
FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"


def esc(text: object) -> str:
    """Text safe in HTML element content, quoted attributes and SVG text.

    Characters XML cannot carry become U+FFFD; ``& < > " '`` become entities.
    """
    return html.escape(xml_safe("" if text is None else text), quote=True)


def short(text: object, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters (escape after cutting)."""
    return truncate(" ".join(str(text).split()), limit) if text is not None else ""


def worst(statuses: Iterable[str]) -> str:
    """The worst of ``statuses`` by :data:`STATUS_RANK`; NO_RESULT when there are none."""
    ranks = [STATUS_RANK.index(s) for s in statuses if s in STATUS_RANK]
    return STATUS_RANK[min(ranks)] if ranks else NO_RESULT


def status_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts by status in rank order, only the statuses present."""
    counts = {status: 0 for status in STATUS_RANK}
    for finding in findings:
        counts[finding.status.value] += 1
    return {status: count for status, count in counts.items() if count}


def count_text(counts: dict[str, int]) -> str:
    """``"2 FAIL, 10 PASS"`` or ``"no results"``."""
    return ", ".join(f"{n} {s}" for s, n in counts.items()) or "no results"


def family_of(rule_id: str) -> str:
    """A rule's control family: its id without the number (``NET-003`` -> ``NET``)."""
    head, sep, _ = rule_id.rpartition("-")
    return head if sep else rule_id


def num(value: float) -> str:
    """A coordinate with at most one decimal (stable text for identical input)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def rect(
    x: float,
    y: float,
    width: float,
    height: float,
    fill: str,
    *,
    stroke: str = "none",
    radius: float = 0,
    title: str = "",
    extra: str = "",
) -> str:
    """An SVG rectangle with an optional tooltip (``title`` is escaped here)."""
    tip = f"<title>{esc(title)}</title>" if title else ""
    attrs = (
        f'x="{num(x)}" y="{num(y)}" width="{num(max(width, 0))}" height="{num(max(height, 0))}" '
        f'fill="{fill}" stroke="{stroke}"'
    )
    if radius:
        attrs += f' rx="{num(radius)}"'
    if extra:
        attrs += f" {extra}"
    return f"<rect {attrs}>{tip}</rect>" if tip else f"<rect {attrs}/>"


def text(
    x: float,
    y: float,
    content: object,
    *,
    size: float = 12,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#1f2328",
    title: str = "",
    extra: str = "",
) -> str:
    """SVG text with an optional tooltip; ``content`` and ``title`` are escaped here."""
    attrs = f'x="{num(x)}" y="{num(y)}" font-size="{num(size)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    if extra:
        attrs += f" {extra}"
    tip = f"<title>{esc(title)}</title>" if title else ""
    return f"<text {attrs}>{tip}{esc(content)}</text>"


def svg(width: float, height: float, body: Iterable[str], label: str) -> str:
    """A standalone inline SVG with an accessible name."""
    return (
        f'<svg role="img" aria-label="{esc(label)}" '
        f'width="{num(width)}" height="{num(height)}" viewBox="0 0 {num(width)} {num(height)}" '
        f'font-family="{esc(FONT)}">' + "".join(body) + "</svg>"
    )


def legend(x: float, y: float, items: Iterable[tuple[str, str]], *, step: float = 110) -> list[str]:
    """A row of colour swatches with labels: ``items`` is (colour, label)."""
    parts: list[str] = []
    for index, (colour, label) in enumerate(items):
        left = x + index * step
        parts.append(rect(left, y - 10, 12, 12, colour, radius=2))
        parts.append(text(left + 17, y, label, size=12, fill="#57606a"))
    return parts
