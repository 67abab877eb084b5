"""Waivers through the CLI: the gate's exit code, and WAIVED / waiver sections in every report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from scanner.collect.terraform import collect_plan
from scanner.findings import Status
from scanner.pipeline import ScanOptions, run
from scanner.report.json_report import load_schema
from tests.waivers.helpers import DRIFTED, EXAMPLE_WAIVERS, run_cli, waiver, write_waivers

LEGACY = "aws_ebs_volume.legacy_scratch"  # STO-002 FAIL (high) in the drifted example
BATCH = "aws_ebs_volume.batch_scratch"  # STO-002 UNKNOWN (high): encryption known after apply


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], 1),
        ([waiver(resource=LEGACY)], 3),  # the FAIL is accepted; the UNKNOWN keeps it open
        ([waiver(resource="aws_ebs_volume.*_scratch")], 0),
        ([waiver(resource="aws_ebs_volume.*_scratch", expires="2000-01-01")], 1),  # expired
        ([waiver(resource=BATCH)], 1),
    ],
)
def test_gate_exit_code_with_waivers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entries: list, expected: int
) -> None:
    args = ["plan", DRIFTED, "--rule", "STO-002", "-q"]
    if entries:
        args += ["--waivers", write_waivers(tmp_path, *entries)]
    code, out, _ = run_cli(args, capsys)
    assert code == expected, out


def test_an_expired_waiver_warns_on_stderr_and_stops_suppressing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_waivers(
        tmp_path,
        waiver(id="W-OLD", resource=LEGACY, expires="2000-01-01"),
        waiver(id="W-NONE", resource="aws_ebs_volume.gone"),
    )
    code, out, err = run_cli(["plan", DRIFTED, "--rule", "STO-002", "--waivers", path], capsys)
    assert code == 1
    assert "warning: waiver W-OLD (platform-team, PLAT-42) expired on 2000-01-01" in err
    assert "warning: waiver W-NONE (platform-team, PLAT-42) is stale" in err
    assert "WAIVED" not in [line.split()[0] for line in out.splitlines() if line.strip()]
    code, _, err = run_cli(["plan", DRIFTED, "--rule", "STO-002", "--waivers", path, "-q"], capsys)
    assert code == 1 and err == ""  # --quiet silences the warnings, not the reports


def test_waived_in_table_json_markdown_and_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_waivers(
        tmp_path,
        waiver(id="W-OK", resource=LEGACY, reason="rebuilt <nightly> | by CI"),
        waiver(id="W-OLD", resource=BATCH, expires="2000-01-01"),
        waiver(id="W-NONE", rules=["NET-*"], resource="module.nothing.*"),
    )
    report, junit, markdown = (tmp_path / name for name in ("r.json", "r.xml", "r.md"))
    args = ["plan", DRIFTED, "--waivers", path, "--json", report, "--junit", junit]
    code, table, _ = run_cli([*args, "--markdown", markdown, "--no-color", "-q"], capsys)
    assert code == 1

    # Table: the WAIVED row, the summary count, and the waiver section.
    assert any(
        line.split()[:3] == ["WAIVED", "high", "STO-002"] and LEGACY in line
        for line in table.splitlines()
    )
    assert " 1 WAIVED," in table
    assert f"Waivers ({path}): 1 applied, 1 expired, 1 stale" in table
    section = table[table.index("Waivers (") :]
    assert [line.split()[:2] for line in section.splitlines()[3:6]] == [
        ["EXPIRED", "W-OLD"],
        ["STALE", "W-NONE"],
        ["applied", "W-OK"],
    ]

    # JSON: valid against the schema, the waived finding and the waiver section.
    document = json.loads(report.read_text())
    jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    waived = [f for f in document["findings"] if f["status"] == "WAIVED"]
    assert [(f["rule_id"], f["resource_id"]) for f in waived] == [("STO-002", LEGACY)]
    assert waived[0]["waived_status"] == "FAIL"
    assert waived[0]["waiver"] == {
        "id": "W-OK",
        "owner": "platform-team",
        "reason": "rebuilt <nightly> | by CI",
        "ticket": "PLAT-42",
        "expires": "2099-12-31",
    }
    assert document["summary"]["by_status"]["WAIVED"] == 1
    assert document["waivers"]["file"] == str(path)
    assert [w["id"] for w in document["waivers"]["expired"]] == ["W-OLD"]
    assert [w["matched"] for w in document["waivers"]["expired"]] == [1]
    assert [w["id"] for w in document["waivers"]["stale"]] == ["W-NONE"]
    assert "baseline_state" not in waived[0]

    # Markdown: the waived finding with its justification, and the waiver table (escaped).
    text = markdown.read_text()
    assert "<summary>Waived: 1</summary>" in text
    assert "rebuilt &lt;nightly&gt; \\| by CI" in text
    assert "### Waivers (1 applied, 1 expired, 1 stale)" in text
    assert "| **expired** | W-OLD | STO-002 |" in text
    assert "| **stale** | W-NONE | NET-\\* |" in text

    # JUnit: WAIVED is skipped with the reason; expired waivers fail in the waivers suite.
    root = ET.fromstring(junit.read_text())
    case = next(
        c
        for c in root.iter("testcase")
        if c.get("classname") == "STO-002" and c.get("name") == LEGACY
    )
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith(
        "waived: rebuilt <nightly> | by CI (owner platform-team, expires 2099-12-31)"
    )
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "waivers")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    expired = next(c for c in suite.iter("testcase") if c.get("name", "").startswith("W-OLD"))
    assert expired.find("failure") is not None
    assert expired.find("failure").get("type") == "expired-waiver"  # type: ignore[union-attr]
    total = sum(int(s.get("tests", "0")) for s in root.iter("testsuite"))
    assert int(root.get("tests", "0")) == total


def test_the_example_waiver_file_on_the_drifted_example() -> None:
    options = ScanOptions(waivers=EXAMPLE_WAIVERS, today=date(2026, 12, 1))
    context = run(collect_plan(DRIFTED), options).context
    waived = sorted(
        (f.rule_id, f.resource_id, f.extra["waived_status"])
        for f in context.findings
        if f.status is Status.WAIVED
    )
    assert waived == [
        ("DB-004", "module.db.aws_rds_cluster.this", "FAIL"),
        ("SEC-001", "aws_lb_listener.http", "FAIL"),
        ("STO-001", LEGACY, "FAIL"),
        ("STO-002", BATCH, "UNKNOWN"),
        ("STO-002", LEGACY, "FAIL"),
    ]
    section = context.extra["waivers"]
    assert [w["id"] for w in section["applied"]] == ["W-001", "W-002", "W-003"]
    assert section["expired"] == section["stale"] == []
    assert context.exit_code == 1  # other drifts still fail the gate
    later = run(collect_plan(DRIFTED), ScanOptions(waivers=EXAMPLE_WAIVERS, today=date(2027, 4, 1)))
    assert [w["id"] for w in later.context.extra["waivers"]["expired"]] == [
        "W-001",
        "W-002",
        "W-003",
    ]
    assert not any(f.status is Status.WAIVED for f in later.context.findings)
