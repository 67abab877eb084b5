"""Markdown pull-request comment."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

import pytest

from scanner.findings import Status
from scanner.report import markdown
from scanner.report.context import ReportContext
from scanner.report.escaping import WORD_JOINER, one_line

if TYPE_CHECKING:
    from .conftest import Factory

OUR_HTML = {"<details>", "</details>", "<sub>", "</sub>"}
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_blocks(text: str) -> list[list[str]]:
    """Consecutive lines that start with a pipe."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def markdown_parser() -> Any:
    """A CommonMark parser with GFM tables (markdown-it-py): required in CI."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        message = "markdown-it-py is not installed (test extra)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return MarkdownIt("commonmark").enable("table")


def test_badge_line(factory: type[Factory]) -> None:
    lines = markdown.render(factory.mixed()).splitlines()
    assert lines[0] == "## archscan report"
    assert (
        "**archscan: 6 failing (1 critical, 2 high, 1 medium, 1 low, 1 info) — gate: FAIL**"
        in lines
    )


@pytest.mark.parametrize(
    ("exit_code", "gate"), [(0, "PASS"), (1, "FAIL"), (2, "ERROR"), (3, "INCOMPLETE")]
)
def test_gate_follows_the_exit_code(factory: type[Factory], exit_code: int, gate: str) -> None:
    text = markdown.render(factory.mixed(exit_code=exit_code))
    assert f"— gate: {gate}**" in text


def test_counts_table(factory: type[Factory]) -> None:
    text = markdown.render(factory.mixed())
    counts = table_blocks(text)[0]
    assert counts[0] == "| Status | Count |"
    assert counts[2:] == [
        "| FAIL | 6 |",
        "| PASS | 2 |",
        "| UNKNOWN | 1 |",
        "| NOT_COLLECTED | 1 |",
        "| WAIVED | 1 |",
        "| ERROR | 1 |",
    ]


def test_failures_grouped_by_environment_critical_first(factory: type[Factory]) -> None:
    text = markdown.render(factory.mixed())
    failing = text.split("### Failing checks", 1)[1].split("<details>", 1)[0]
    headings = re.findall(r"^#### (.+)$", failing, flags=re.MULTILINE)
    assert headings == ["dev (1)", "prod (4)", "\\(unresolved\\) (1)"]
    prod = failing.split("#### prod (4)", 1)[1].split("####", 1)[0]
    severities = [row.split("|")[1].strip() for row in table_blocks(prod)[0][2:]]
    assert severities == ["critical", "high", "medium", "low"]
    for status in ("UNKNOWN", "NOT_COLLECTED", "WAIVED", "ERROR", "PASS"):
        assert f"| {status} |" not in failing


def test_not_evaluated_findings_are_collapsed(factory: type[Factory]) -> None:
    text = markdown.render(factory.mixed())
    block = text.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "<summary>Not evaluated: 1 UNKNOWN, 1 NOT_COLLECTED, 1 ERROR</summary>" in block
    rows = table_blocks(block)[0][2:]
    assert sorted(row.split("|")[1].strip() for row in rows) == [
        "ERROR",
        "NOT_COLLECTED",
        "UNKNOWN",
    ]
    assert "<details open" not in text


def test_coverage_unmapped_warnings_and_footer(factory: type[Factory]) -> None:
    text = markdown.render(factory.mixed())
    assert "### Coverage problems (1 of 2 collections)" in text
    assert "| 111111111111 | us-west-2 | config | denied | AccessDenied |" in text
    assert "Unmapped: 3 resources of 2 types not checked" in text
    assert "- plan has 2 resources with unknown provider" in text
    footer = text.rstrip("\n").splitlines()[-1]
    assert "sha256:0123abcd" in footer and "archscan 0.1.0" in footer


def test_empty_run(factory: type[Factory]) -> None:
    text = markdown.render(factory.context())
    assert "**archscan: 0 failing — gate: PASS**" in text
    assert "### Failing checks\n\nNone." in text
    assert "<details>" not in text and "Coverage problems" not in text


def test_tables_are_capped(factory: type[Factory], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "MAX_ROWS", 3)
    findings = [factory.finding(resource_id=f"aws_vpc.v{i}") for i in range(5)]
    text = markdown.render(factory.context(findings))
    assert len(table_blocks(text)[1]) == 2 + 3
    assert "… and 2 more" in text


def test_every_table_row_has_the_header_cell_count(any_context: ReportContext) -> None:
    for block in table_blocks(markdown.render(any_context)):
        widths = {len(UNESCAPED_PIPE.findall(line)) for line in block}
        assert len(widths) == 1, block


def test_hostile_strings_cannot_inject_html_or_break_lines(factory: type[Factory]) -> None:
    ctx = factory.hostile()
    text = markdown.render(ctx)
    assert "<script" not in text
    assert set(re.findall(r"</?[A-Za-z][^>]*>", text)) <= OUR_HTML | {"<summary>", "</summary>"}
    assert not re.search(r"(?<!\\)`", text)  # no code span can open
    assert f"@{WORD_JOINER}octo/team" in text and "@octo" not in text
    assert "\x1b" not in text and "\x00" not in text


def test_hostile_strings_render_literally(factory: type[Factory]) -> None:
    parser = markdown_parser()
    ctx = factory.hostile()
    tokens = parser.parse(markdown.render(ctx))
    html = [t.content.strip() for t in tokens if t.type in ("html_block", "html_inline")]
    inline_html = [
        child.content
        for t in tokens
        if t.type == "inline"
        for child in t.children or []
        if child.type == "html_inline"
    ]
    assert {part for block in html for part in block.splitlines()} <= OUR_HTML | {
        "<summary>Not evaluated: 1 UNKNOWN</summary>",
        "<summary>Waived: 1</summary>",
    }
    assert set(inline_html) <= OUR_HTML
    kinds = {child.type for t in table_inlines(tokens) for child in t.children or []}
    assert kinds == {"text"}  # no code span, link, emphasis, image or HTML inside any cell
    everywhere = {child.type for t in tokens if t.type == "inline" for child in t.children or []}
    assert not everywhere & {"code_inline", "link_open", "em_open", "image", "s_open"}
    strong = [t.content for t in tokens if t.type == "inline" and "**" in t.content]
    assert len(strong) == 1 and strong[0].startswith("**archscan: 1 failing")

    rendered = parser.render(markdown.render(ctx))
    assert "<script" not in rendered

    # the failing row: four cells, the resource cell reads back as the original address
    failing = next(f for f in ctx.findings if f.status is Status.FAIL)
    cells = cell_texts(tokens)
    row = next(r for r in cells if len(r) == 4 and r[0] == "high" and r[1] == "NET-010")
    assert row[2].replace(WORD_JOINER, "") == one_line(failing.address)


def table_inlines(tokens: list[Any]) -> list[Any]:
    """Inline tokens inside tables."""
    inside = False
    found = []
    for token in tokens:
        if token.type in ("table_open", "table_close"):
            inside = token.type == "table_open"
        elif inside and token.type == "inline":
            found.append(token)
    return found


def cell_texts(tokens: list[Any]) -> list[list[str]]:
    """Plain text of every table body row, cell by cell."""
    rows: list[list[str]] = []
    current: list[str] | None = None
    for token in tokens:
        if token.type == "tr_open":
            current = []
        elif token.type == "tr_close" and current is not None:
            rows.append(current)
            current = None
        elif token.type == "inline" and current is not None:
            current.append("".join(child.content for child in token.children or []))
    return rows


def test_deterministic(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    shuffled = factory.mixed(findings=list(reversed(ctx.findings)))
    assert markdown.render(ctx) == markdown.render(shuffled)
