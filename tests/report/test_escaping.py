"""Escaping helpers: each medium gets strings it cannot misread."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from scanner.report.escaping import (
    WORD_JOINER,
    markdown_text,
    one_line,
    terminal_safe,
    truncate,
    truncate_middle,
    xml_safe,
)


def test_one_line_collapses_newlines_and_tabs() -> None:
    assert one_line(" a\nb\r\n\tc  d ") == "a b c d"


def test_truncate_keeps_short_text_and_marks_cuts() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc…"
    assert len(truncate("x" * 500, 90)) == 90


def test_truncate_middle_keeps_both_ends() -> None:
    arn = "arn:aws:ec2:us-west-2:111111111111:subnet/subnet-0123456789abcdef0"
    cut = truncate_middle(arn, 30)
    assert len(cut) == 30
    assert cut.startswith("arn:aws:ec2:")
    assert cut.endswith("9abcdef0")
    assert "…" in cut


@pytest.mark.parametrize("limit", [0, -1])
def test_truncate_rejects_nonsense_limits(limit: int) -> None:
    with pytest.raises(ValueError):
        truncate("abc", limit)


def test_terminal_safe_drops_escape_sequences_and_controls() -> None:
    text = terminal_safe("a\x1b[2J\x1b]0;pwned\x07b\x00c\x9bd\nz")
    assert "\x1b" not in text
    assert "\x07" not in text and "\x00" not in text and "\x9b" not in text
    assert "\n" not in text
    assert text.startswith("a") and text.endswith("z")


def test_xml_safe_output_parses_and_keeps_legal_text() -> None:
    raw = "ok <tag> & \x00\x1b\x0b\ud800 é 😀"
    node = ET.Element("x", {"a": xml_safe(raw)})
    node.text = xml_safe(raw)
    parsed = ET.fromstring(ET.tostring(node, encoding="unicode"))
    assert parsed.text is not None
    assert parsed.text.startswith("ok <tag> & ")
    assert "é 😀" in parsed.text
    assert parsed.text.count("\ufffd") == 4


def test_markdown_text_neutralises_html_and_table_syntax() -> None:
    text = markdown_text("<script>alert(1)</script> | `x` & **b** [l](u)\nnext")
    assert "<" not in text and ">" not in text
    assert "&lt;script&gt;" in text
    assert "&amp;" in text
    assert "\n" not in text
    # every pipe and backtick is escaped with a backslash
    assert text.count("|") == text.count("\\|") == 1
    assert text.count("`") == text.count("\\`") == 2
    assert "\\*\\*b\\*\\*" in text and "\\[l\\]\\(u\\)" in text


def test_markdown_text_does_not_double_escape_entities_into_html() -> None:
    # an entity written by a resource owner must show literally, not decode to '<'
    assert markdown_text("&lt;b&gt;") == "&amp;lt;b&amp;gt;"


def test_markdown_text_breaks_mentions_but_not_emails() -> None:
    text = markdown_text("ping @octo/team and ops@example.com")
    assert f"@{WORD_JOINER}octo/team" in text
    assert "ops@example.com" in text
