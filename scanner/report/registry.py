"""Report formats by name: the one place the CLI looks a format up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scanner.errors import UsageError
from scanner.report import html, json_report, junit, markdown, sarif, table
from scanner.report.context import ReportContext

Renderer = Callable[..., str]


@dataclass(frozen=True)
class ReportFormat:
    """A format's render function, its file extension and the keyword options it takes."""

    name: str
    render: Renderer
    extension: str
    media_type: str
    options: frozenset[str] = field(default_factory=frozenset)


FORMATS: dict[str, ReportFormat] = {
    spec.name: spec
    for spec in (
        ReportFormat(
            "table", table.render, ".txt", "text/plain", frozenset({"show_passed", "color"})
        ),
        ReportFormat("json", json_report.render, ".json", "application/json"),
        ReportFormat(
            "sarif",
            sarif.render,
            ".sarif",
            "application/sarif+json",
            frozenset({"base_dir", "tf_dir"}),
        ),
        ReportFormat("junit", junit.render, ".xml", "application/xml"),
        ReportFormat("markdown", markdown.render, ".md", "text/markdown"),
        ReportFormat("html", html.render, ".html", "text/html"),
    )
}
ALIASES = {"md": "markdown", "text": "table", "xml": "junit"}


def names() -> list[str]:
    """Format names, for ``--format`` choices and help text."""
    return sorted(FORMATS)


def get(name: str) -> ReportFormat:
    """The format called ``name`` (or one of its aliases); UsageError when there is none."""
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in FORMATS:
        raise UsageError(
            f"unknown report format {name!r}", hint=f"choose one of: {', '.join(names())}"
        )
    return FORMATS[key]


def render(name: str, ctx: ReportContext, **options: Any) -> str:
    """Render ``ctx`` as ``name``; options a format does not take (e.g. ``color``) are ignored."""
    spec = get(name)
    accepted = {key: value for key, value in options.items() if key in spec.options}
    return spec.render(ctx, **accepted)
