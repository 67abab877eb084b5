"""Resource-controlled strings render inert in every report, end to end through the CLI.

A failing security group of the drifted example is copied under a ``for_each`` key and
tags that carry HTML, Markdown link and code syntax, table pipes and newlines. The
Markdown report is parsed with markdown-it-py (GFM tables); the HTML report, when the
``html`` format is registered, with the standard library's HTML parser.
"""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from scanner.report.registry import FORMATS
from tests.fuzz.support import run_cli
from tests.report.test_markdown import markdown_parser

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
SCRIPT = "<script>alert(1)</script>"
KEY = f"{SCRIPT}`tick`|pipe](javascript:alert(2))"
TAGS = {
    "Name": f"{SCRIPT} <img src=x onerror=alert(3)>",
    "Owner": "a`b`c | d || e\nnew line\r\n| injected | row |",
    "Link": "[click](javascript:alert(4)) ![img](javascript:alert(5)) <javascript:alert(6)>",
    "Environment": "prod",
}
SOURCE = "aws_security_group.batch_debug"


def hostile_plan() -> dict[str, Any]:
    plan = json.loads(DRIFTED.read_text(encoding="utf-8"))
    original = next(c for c in plan["resource_changes"] if c["address"] == SOURCE)
    change = copy.deepcopy(original)
    change["name"] = "hostile"
    change["index"] = KEY
    change["address"] = f"aws_security_group.hostile[{json.dumps(KEY)}]"
    change["change"]["after"]["tags"] = dict(TAGS)
    change["change"]["after"]["tags_all"] = dict(TAGS)
    change["change"]["after"]["description"] = SCRIPT
    plan["resource_changes"].append(change)
    return plan


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every registered format of one run over the hostile plan."""
    folder = tmp_path_factory.mktemp("hostile")
    plan = folder / "hostile.plan.json"
    plan.write_text(json.dumps(hostile_plan()), encoding="utf-8")
    rendered: dict[str, str] = {}
    for name in sorted(FORMATS):
        args: list[object] = ["plan", plan, "--format", name, "--unknown", "warn"]
        code, out, err = run_cli([*args, "--sarif-force", "--show-passed"])
        assert code == 1, err
        rendered[name] = out
    assert "aws_security_group.hostile" in rendered["json"], "the hostile resource fails"
    return rendered


def test_no_format_carries_a_raw_script_tag(reports: dict[str, str]) -> None:
    for name, text in reports.items():
        if name in ("json", "sarif", "table"):
            continue  # JSON strings are data, the table is plain terminal text
        assert SCRIPT not in text, name
        assert "<img src=x" not in text, name


def test_markdown_renders_inert(reports: dict[str, str]) -> None:
    text = reports["markdown"]
    assert "aws\\_security\\_group.hostile" in text or "aws_security_group.hostile" in text
    parser = markdown_parser()
    tokens = parser.parse(text)
    html = parser.render(text)
    assert "<script" not in html and "<img" not in html
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html))
    assert "javascript:" not in " ".join(re.findall(r'src="([^"]*)"', html))
    inline = [child for t in tokens if t.type == "inline" for child in t.children or []]
    assert not {c.type for c in inline} & {"link_open", "image", "code_inline"}
    widths: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            widths.append(0)
        elif token.type in ("th_open", "td_open"):
            widths[-1] += 1
        elif token.type == "table_close":
            assert len(set(widths)) == 1, widths  # every row keeps the header's cell count
            widths = []


class _Elements(HTMLParser):
    """Start tags and attributes of an HTML document, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_html_renders_inert(reports: dict[str, str]) -> None:
    if "html" not in FORMATS:
        pytest.skip("the html format is not registered")
    text = reports["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "&lt;script" in text
    elements = _Elements()
    elements.feed(text)
    assert not any(tag == "img" for tag, _ in elements.tags)
    for _tag, attrs in elements.tags:
        for attr, value in attrs:
            assert not attr.startswith("on"), (attr, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (attr, value)
    for script in elements.scripts:
        assert "alert(" not in script, "a resource string reached a script body"
