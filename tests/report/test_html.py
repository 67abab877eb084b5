"""HTML report: structure and escaping in Python, then the real page in headless Chromium."""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import os
import re
import shutil
import struct
import subprocess
import tomllib
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline import load_baseline
from scanner.cli import main
from scanner.collect.terraform import collect_plan
from scanner.findings import Finding, Status
from scanner.inventory.model import CoverageEntry, CoverageStatus
from scanner.paths import default_baseline
from scanner.pipeline import ScanOptions, run
from scanner.report import html, json_report, registry
from scanner.report.context import ReportContext
from scanner.report.cost_section import cost_rows
from scanner.report.html_base import STATUS_COLOURS
from scanner.report.html_placement import Layout

from .conftest import HOSTILE, REPO, make_context, make_finding, mixed_context

DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
SECRET = "s3cr3t-Pa55w0rd-DO-NOT-LEAK"  # the drifted plan's sensitive master password
VOID = {"meta", "input", "br", "hr", "img", "link", "col", "area", "base", "wbr", "source"}
# Payloads that would change the page if they ever ran or became markup.
IMG_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
TITLE_PAYLOAD = "<script>document.title='PWNED'</script>"
ATTR_PAYLOAD = '" onmouseover="alert(2)" x="'


class Page(HTMLParser):
    """Tags, attributes, text and nesting of a page, checked as they are parsed."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": [], "title": []}
        self.ids: list[str | None] = []  # the id of each open element, parallel to ``stack``
        self.id_text: dict[str, list[str]] = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in VOID:
            self.stack.append(tag)
            self.ids.append(attributes.get("id"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        self.ids.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in self.raw:
            self.raw[self.stack[-1]].append(data)
        self.text.append(data)
        for ident in self.ids:
            if ident:
                self.id_text.setdefault(ident, []).append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def all_text(self) -> str:
        return "".join(self.text)


def reference_baseline() -> dict[str, Any]:
    return load_baseline(default_baseline()).data


def with_baseline(ctx: ReportContext) -> ReportContext:
    ctx.extra["baseline_data"] = reference_baseline()
    return ctx


@pytest.fixture(scope="module")
def drifted() -> ReportContext:
    """The drifted example through the real collector, rules and pipeline."""
    return run(collect_plan(DRIFTED), ScanOptions()).context


def hostile_page_context() -> ReportContext:
    """Script, event-handler and attribute-breaking payloads wherever a resource controls text."""
    payload = f"{HOSTILE} {IMG_PAYLOAD} {TITLE_PAYLOAD} {ATTR_PAYLOAD}"
    findings = [
        make_finding(
            "NET-010",
            Status.FAIL,
            f'aws_security_group.sg["{payload}"]',
            message=f"ingress from {payload}",
            environment=f"prod{payload}",
            account=payload,
            region=payload,
            expected={"<k>": payload},
            actual=[payload],
        ),
        make_finding("DB-004", Status.FAIL, f"aws_rds_cluster.{payload}", message=payload),
        make_finding(
            "NET-003", Status.PASS, f"module.vpc.aws_subnet.private[0]{payload}", message=payload
        ),
        make_finding(
            "COST-001",
            Status.FAIL,
            "cost/prod/total",
            message=payload,
            expected={"budget": 10.0, "limit": 11.0, "currency": payload},
            actual={"estimate": 20.0, "lines": [{"assumption": payload}]},
        ),
        make_finding(
            "TAG-001",
            Status.WAIVED,
            "aws_s3_bucket.logs",
            extra={"waiver": {"reason": payload, "owner": payload}},
        ),
    ]
    ctx = make_context(
        findings,
        warnings=[payload],
        coverage=[
            CoverageEntry(payload, payload, payload, CoverageStatus.DENIED, payload, payload)
        ],
        unmapped_types={payload: 1},
        baseline_path=payload,
        inputs=[payload],
    )
    ctx.extra["waivers"] = {"file": payload, "applied": [{"id": payload}], "stale": [payload]}
    return with_baseline(ctx)


# --- structure -----------------------------------------------------------------------------------


def test_every_context_renders_a_well_formed_self_contained_page(
    any_context: ReportContext,
) -> None:
    text = html.render(with_baseline(any_context))
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n")
    assert page.errors == [] and page.stack == []
    for tag, attributes in page.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}, tag
        for name, value in attributes.items():
            if name in {"src", "href", "action", "xlink:href", "srcset", "poster"}:
                assert value is not None and not re.match(r"\s*(https?:)?//", value), value
            assert not name.startswith("on"), (tag, name)
    assert [s.get("src") for s in page.named("script")] == [None]
    assert len(page.named("style")) == 1
    assert "http://" not in "".join(page.raw["style"]) + "".join(page.raw["script"])
    assert "url(" not in "".join(page.raw["style"]) and "@import" not in text


def test_content_security_policy_allows_exactly_this_style_and_script() -> None:
    page = Page(html.render(mixed_context()))
    metas = [m for m in page.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    policy = str(metas[0]["content"])

    def allowed(source: str) -> str:
        digest = hashlib.sha256(source.encode("utf-8")).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"

    assert policy.startswith("default-src 'none';")
    assert f"style-src {allowed(''.join(page.raw['style']))};" in policy
    assert f"script-src {allowed(''.join(page.raw['script']))};" in policy
    assert "unsafe-inline" not in policy


def test_counts_rows_and_gate_come_from_the_context() -> None:
    ctx = mixed_context()
    page = Page(html.render(ctx))
    counts = ctx.counts()
    for status, count in counts.items():
        assert "".join(page.id_text[f"count-{status}"]).startswith(str(count)), status
    rows = [attrs for attrs in page.named("tr") if attrs.get("data-status")]
    assert Counter(str(r["data-status"]) for r in rows) == Counter(
        f.status.value for f in ctx.findings
    )
    assert "gate: FAIL" in "".join(page.id_text["gate"])
    passing = Page(html.render(mixed_context(exit_code=0)))
    assert "gate: PASS" in "".join(passing.id_text["gate"])


def test_hostile_strings_are_escaped_everywhere() -> None:
    text = html.render(hostile_page_context())
    page = Page(text)
    assert page.errors == []
    assert [s.get("src") for s in page.named("script")] == [None]
    assert not page.named("img")
    assert all("onmouseover" not in attrs for _, attrs in page.tags)
    assert "<script>alert(1)</script>" not in text and TITLE_PAYLOAD not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # Decoded, the text the reader sees still carries the payloads, as text.
    assert "<script>alert(1)</script>" in page.all_text()
    assert IMG_PAYLOAD in page.all_text()
    assert "\x1b" not in text and "\x00" not in text


def test_the_real_pipeline_report_matches_its_json_twin(drifted: ReportContext) -> None:
    text = html.render(drifted)
    page = Page(text)
    summary = json_report.build(drifted)["summary"]
    for status, count in summary["by_status"].items():
        assert "".join(page.id_text[f"count-{status}"]).startswith(str(count))
    rows = [attrs for attrs in page.named("tr") if attrs.get("data-status")]
    assert len(rows) == summary["findings"]
    assert SECRET not in text
    headings = [h for h in page.all_text().split("\n") if h]
    assert any(f"Findings ({summary['findings']})" in h for h in headings)
    # One tooltip per cost row, with the figures the JSON report carries.
    for row in cost_rows(drifted):
        assert f"{row.environment} {row.component}: estimate" in page.all_text()


# --- architecture --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finding", "element"),
    [
        (make_finding("CMP-003", resource_id="aws_eks_node_group.app"), "prod.eks"),
        (make_finding("DB-006", resource_id="aws_rds_cluster_instance.a"), "prod.db"),
        (
            make_finding(
                "NET-005",
                resource_id="module.vpc.aws_subnet.x[0]",
                message="prod subnet 10.2.20.0/24 (database tier): 0.0.0.0/0 -> igw",
            ),
            "prod.tier.database",
        ),
        (
            make_finding("NET-003", resource_id="module.vpc.aws_subnet.private[2]"),
            "prod.tier.private",
        ),
        (make_finding("NET-006", resource_id="aws_subnet.odd", message="10.9.9.0/24"), "prod.vpc"),
        (make_finding("NET-004", resource_id="vpc/nat-gateways"), "prod.nat"),
        (make_finding("SEC-001", resource_id="aws_lb_listener.http"), "prod.lb"),
        (make_finding("STO-002", resource_id="aws_ebs_volume.v"), "prod.ebs"),
        (make_finding("TAG-001", resource_id="aws_s3_bucket.b"), "prod.s3"),
        (make_finding("TAG-002", resource_id="aws_cloudwatch_log_group.g"), "prod.account"),
        (make_finding("COST-001", resource_id="cost/prod/total"), "prod.budget"),
        (make_finding("EDGE-002", resource_id="aws_wafv2_web_acl.w"), "edge.waf"),
        (make_finding("NET-008", resource_id="tgw"), "network.tgw"),
        (make_finding("DR-003", resource_id="aws_rds_cluster.dr"), "dr.db"),
        (make_finding("STO-005", resource_id="aws_s3_bucket.r", region="us-east-1"), "dr.s3"),
        (make_finding("SEC-004", resource_id="cfg", environment="network"), "network.account"),
        (make_finding("NET-001", resource_id="aws_vpc.dev", environment="dev"), "dev.vpc"),
        (make_finding("TAG-001", resource_id="aws_vpc.x", environment=None), None),
    ],
)
def test_findings_are_placed_on_the_element_they_concern(
    finding: Finding, element: str | None
) -> None:
    assert Layout(reference_baseline()).element_key(finding) == element


def element_fill(text: str, key: str) -> tuple[str, str]:
    """(fill, stroke) of the first rectangle drawn for a diagram element."""
    match = re.search(
        rf'<a href="#el={re.escape(key)}"[^>]*><rect [^>]*fill="([^"]+)" stroke="([^"]+)"', text
    )
    assert match, key
    return match.group(1), match.group(2)


def test_each_element_takes_the_colour_of_its_worst_result() -> None:
    findings = [
        make_finding("CMP-003", Status.PASS, "aws_eks_node_group.a"),
        make_finding("CMP-008", Status.FAIL, "aws_eks_cluster.main"),
        make_finding("DB-004", Status.PASS, "aws_rds_cluster.main"),
        make_finding("DB-005", Status.UNKNOWN, "aws_rds_cluster.main"),
        make_finding("CACHE-001", Status.PASS, "aws_elasticache_replication_group.r"),
        make_finding("TAG-001", Status.FAIL, "aws_vpc.y", environment=None),
    ]
    text = html.render(with_baseline(make_context(findings)))
    assert element_fill(text, "prod.eks") == (STATUS_COLOURS["FAIL"][1], STATUS_COLOURS["FAIL"][0])
    assert element_fill(text, "prod.db")[1] == STATUS_COLOURS["UNKNOWN"][0]
    assert element_fill(text, "prod.cache")[1] == STATUS_COLOURS["PASS"][0]
    assert element_fill(text, "dev.eks") == ("#ffffff", STATUS_COLOURS["NO_RESULT"][0])
    assert "1 finding concern no drawn element" in text
    for cidr in ("10.2.0.0/16", "10.2.20.0/24", "10.0.12.0/24", "us-east-1"):
        assert cidr in text


def test_without_the_baseline_the_page_says_the_diagram_is_missing() -> None:
    text = html.render(mixed_context())
    assert "data is not in this report context" in text and 'data-el="prod.eks"' not in text


def test_waivers_are_listed_only_when_the_run_had_them() -> None:
    ctx = mixed_context()
    assert 'id="waivers"' not in html.render(ctx)
    ctx.extra["waivers"] = {
        "file": "waivers.yaml",
        "applied": [{"id": "w1", "rules": ["DB-004"], "owner": "data-team", "matched": 1}],
        "expired": [],
        "stale": [{"id": "w2", "rules": ["NET-*"], "owner": "net", "matched": 0}],
    }
    page = Page(html.render(ctx))
    assert "Applied (1)" in page.all_text() and "Stale (1)" in page.all_text()
    assert "owner: data-team" in page.all_text() and "Expired (0)" in page.all_text()


def test_cli_writes_the_html_report_beside_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    with pytest.raises(SystemExit) as caught:
        main(["plan", str(DRIFTED), "--html", str(out), "--json", str(tmp_path / "r.json"), "-q"])
    capsys.readouterr()
    assert caught.value.code == 1
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert registry.get("html").extension == ".html"


# --- headless Chromium ---------------------------------------------------------------------------


def chromium() -> str:
    """Debian's chromium; skipped when absent outside CI, a failure when absent in CI."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium); required in CI")


def browse(page: Path, tmp_path: Path, *mode: str, fragment: str = "") -> str:
    """Run headless Chromium on a local file with no network features; its stdout."""
    profile = tmp_path / "chromium-profile"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *mode,
        page.resolve().as_uri() + fragment,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_chromium_renders_the_drifted_report(drifted: ReportContext, tmp_path: Path) -> None:
    page_file = tmp_path / "drifted.html"
    page_file.write_text(html.render(drifted), encoding="utf-8")
    dom = Page(browse(page_file, tmp_path, "--dump-dom", fragment="#status=FAIL"))
    summary = json_report.build(drifted)["summary"]
    failing, total = summary["by_status"]["FAIL"], summary["findings"]
    # The inline script ran under the page's CSP: it marked the page and filtered the table.
    root = dom.named("html")[0]
    assert "js" in str(root.get("class")).split()
    rows = [attrs for attrs in dom.named("tr") if attrs.get("data-status")]
    shown = [r for r in rows if "hidden" not in r]
    assert len(rows) == total and len(shown) == failing
    assert {r["data-status"] for r in shown} == {"FAIL"}
    assert "".join(dom.id_text["filter-shown"]) == f"{failing} of {total} shown"
    assert "".join(dom.id_text["count-FAIL"]).startswith(str(failing))
    text = dom.all_text()
    for heading in ("Overview", "Architecture (from the baseline)", f"Findings ({total})"):
        assert heading in text
    assert len(dom.named("svg")) >= 5


def test_chromium_keeps_hostile_strings_inert(tmp_path: Path) -> None:
    page_file = tmp_path / "hostile.html"
    page_file.write_text(html.render(hostile_page_context()), encoding="utf-8")
    raw = browse(page_file, tmp_path, "--dump-dom")
    dom = Page(raw)
    assert [s.get("src") for s in dom.named("script")] == [None]
    assert not dom.named("img")
    assert all("data-pwned" not in attrs for _, attrs in dom.tags)
    assert all("onmouseover" not in attrs for _, attrs in dom.tags)
    assert dom.raw["title"][0] == "archscan report: 3 failing, gate FAIL"  # document.title kept
    assert "<script>document.title" not in raw and "&lt;script&gt;document.title" in raw
    assert "<script>alert(1)</script>" in dom.all_text()


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, pixels) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, header = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * size
    previous = bytearray(stride)
    pixels: list[bytes] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                dist = (abs(guess - left), abs(guess - up), abs(guess - corner))
                line[i] = (line[i] + (left, up, corner)[dist.index(min(dist))]) & 0xFF
        pixels += [bytes(line[i : i + 3]) for i in range(0, stride, size * 4)]
        previous = line
    return width, height, pixels


def test_chromium_screenshot_shows_a_varied_page(drifted: ReportContext, tmp_path: Path) -> None:
    page_file = tmp_path / "drifted.html"
    page_file.write_text(html.render(drifted), encoding="utf-8")
    shot = tmp_path / "drifted.png"
    browse(page_file, tmp_path, f"--screenshot={shot}", "--window-size=1400,900")
    data = shot.read_bytes()
    assert len(data) > 50_000
    width, height, pixels = png_pixels(data)
    assert (width, height) == (1400, 900)
    colours = Counter(pixels)
    assert len(colours) > 100
    assert colours.most_common(1)[0][1] < 0.9 * len(pixels)
    for status in ("FAIL", "PASS"):  # the bars and the diagram use the status colours
        strong = bytes.fromhex(STATUS_COLOURS[status][0][1:])
        assert colours[strong] > 200, status


def test_the_stylesheet_and_script_ship_in_the_wheel() -> None:
    """The page reads html.css and html.js as package data: pyproject must list them."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["scanner.report"]
    for name in ("html.css", "html.js"):
        assert (REPO / "scanner" / "report" / name).is_file()
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
