"""`archscan baseline-findings create` and `--new-only`: the gate fails only on new findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.errors import ExitCode
from scanner.findings import Finding, Severity, Status
from scanner.gate import UnknownMode, exit_code
from tests.waivers.helpers import (
    DRIFTED,
    clone_resource,
    drifted_plan,
    run_cli,
    waiver,
    write_plan,
    write_waivers,
)


@pytest.fixture
def baseline_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A findings baseline of the drifted example, created by scanning the plan."""
    path = tmp_path / "findings-baseline.json"
    code, out, err = run_cli(["baseline-findings", "create", "--plan", DRIFTED, "-o", path], capsys)
    assert code == 0 and out == "", err
    assert err.startswith("archscan: recorded ") and str(path) in err
    return path


def test_the_baseline_records_every_finding_that_is_not_a_pass(baseline_file: Path) -> None:
    document = json.loads(baseline_file.read_text())
    assert document["kind"] == "archscan-findings-baseline"
    assert document["schema_version"] == 1
    assert document["tool_version"] and document["created_at"].endswith("Z")
    assert document["source"] == [str(DRIFTED)]
    rows = document["findings"]
    assert {row["status"] for row in rows} == {"FAIL", "UNKNOWN"}
    assert ("STO-002", "aws_ebs_volume.legacy_scratch") in {
        (row["rule_id"], row["resource"]) for row in rows
    }
    assert len({row["fingerprint"] for row in rows}) == len(rows)
    assert rows == sorted(rows, key=lambda r: (r["rule_id"], r["resource"], r["fingerprint"]))


def test_from_report_records_the_same_fingerprints(
    baseline_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, second = tmp_path / "report.json", tmp_path / "from-report.json"
    assert run_cli(["plan", DRIFTED, "--json", report, "-q"], capsys)[0] == 1
    code, _, _ = run_cli(
        ["baseline-findings", "create", "--from-report", report, "-o", second, "-q"], capsys
    )
    assert code == 0
    ours = json.loads(second.read_text())
    assert ours["findings"] == json.loads(baseline_file.read_text())["findings"]
    assert ours["source"] == [str(report)]


def test_the_same_plan_again_passes_the_gate(
    baseline_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    code, out, _ = run_cli(
        ["plan", DRIFTED, "--new-only", baseline_file, "--json", report, "--no-color"], capsys
    )
    assert code == 0, out
    document = json.loads(report.read_text())
    assert document["summary"]["exit_code"] == 0
    failing = [f for f in document["findings"] if f["status"] == "FAIL"]
    assert failing and {f["baseline_state"] for f in failing} == {"unchanged"}
    assert document["new_only"]["new"] == 0
    assert document["new_only"]["unchanged"] == len(
        json.loads(baseline_file.read_text())["findings"]
    )
    assert document["new_only"]["absent"] == 0
    assert f"New-only ({baseline_file}): 0 new," in out


def test_a_new_failing_resource_fails_the_gate_naming_only_it(
    baseline_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = drifted_plan()
    added = clone_resource(plan, "aws_ebs_volume.legacy_scratch", "fresh_scratch")
    path = write_plan(plan, tmp_path / "plan.json")
    report, markdown = tmp_path / "r.json", tmp_path / "r.md"
    code, out, _ = run_cli(
        [
            "plan",
            path,
            "--new-only",
            baseline_file,
            "--json",
            report,
            "--markdown",
            markdown,
            "--no-color",
        ],
        capsys,
    )
    assert code == 1
    document = json.loads(report.read_text())
    new = [
        f for f in document["findings"] if f["baseline_state"] == "new" and f["status"] != "PASS"
    ]
    assert {(f["rule_id"], f["resource_id"]) for f in new} == {
        ("STO-001", added),
        ("STO-002", added),
    }
    assert document["new_only"]["new"] == 2
    listed = [line for line in out.splitlines() if line.startswith("  new: ")]
    assert listed and all(added in line for line in listed)
    assert "aws_ebs_volume.legacy_scratch" not in "\n".join(listed)
    section = markdown.read_text().split("### New since the findings baseline")[1]
    escaped = added.replace("_", "\\_")  # Markdown escapes underscores
    assert escaped in section and "legacy\\_scratch" not in section.split("###")[0]


def test_a_new_unknown_result_keeps_the_gate_incomplete(
    baseline_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = drifted_plan()
    clone_resource(plan, "aws_ebs_volume.batch_scratch", "another_batch")
    path = write_plan(plan, tmp_path / "plan.json")
    code, _, _ = run_cli(["plan", path, "--new-only", baseline_file, "-q"], capsys)
    assert code == 3
    code, _, _ = run_cli(
        ["plan", path, "--new-only", baseline_file, "--unknown", "warn", "-q"], capsys
    )
    assert code == 0


def test_fixed_findings_are_counted_absent(
    baseline_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    code, _, _ = run_cli(
        ["plan", DRIFTED, "--rule", "STO-002", "--new-only", baseline_file, "--json", report],
        capsys,
    )
    assert code == 0
    section = json.loads(report.read_text())["new_only"]
    recorded = len(json.loads(baseline_file.read_text())["findings"])
    assert (section["new"], section["unchanged"]) == (0, 2)
    assert section["absent"] == recorded - 2


def test_waivers_and_new_only_together(
    baseline_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = drifted_plan()
    added = clone_resource(plan, "aws_ebs_volume.legacy_scratch", "fresh_scratch")
    path = write_plan(plan, tmp_path / "plan.json")
    waivers = write_waivers(tmp_path, waiver(rules=["STO-00*"], resource=added))
    report = tmp_path / "r.json"
    code, _, _ = run_cli(
        ["plan", path, "--new-only", baseline_file, "--waivers", waivers, "--json", report, "-q"],
        capsys,
    )
    assert code == 0
    findings = json.loads(report.read_text())["findings"]
    fresh = [f for f in findings if f["resource_id"] == added and f["status"] != "PASS"]
    assert {(f["status"], f["baseline_state"]) for f in fresh} == {("WAIVED", "new")}


def finding(status: Status, state: str | None) -> Finding:
    item = Finding("NET-001", "t", Severity.HIGH, status, "m", "aws_vpc.main")
    if state:
        item.extra["baseline_state"] = state
    return item


@pytest.mark.parametrize(
    ("status", "state", "expected"),
    [
        (Status.FAIL, "unchanged", ExitCode.CLEAN),
        (Status.FAIL, "new", ExitCode.FINDINGS),
        (Status.FAIL, None, ExitCode.FINDINGS),
        (Status.UNKNOWN, "unchanged", ExitCode.CLEAN),
        (Status.UNKNOWN, "new", ExitCode.INCOMPLETE),
        (Status.ERROR, "unchanged", ExitCode.CLEAN),
        (Status.ERROR, "new", ExitCode.INCOMPLETE),
    ],
)
def test_gate_counts_only_new_findings(status: Status, state: str | None, expected: int) -> None:
    assert exit_code([finding(status, state)], Severity.HIGH, UnknownMode.FAIL) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        ("{not json", "malformed JSON at line 1 column 2"),
        ("[]", "not a findings baseline"),
        ('{"report_version": "1.0"}', "a JSON report, not a findings baseline"),
        (
            '{"kind": "archscan-findings-baseline", "schema_version": 9}',
            "unsupported schema_version 9 (this archscan reads 1)",
        ),
        (
            '{"kind": "archscan-findings-baseline", "schema_version": 1, "tool_version": "x",'
            ' "created_at": "t", "findings": [{"fingerprint": "XYZ", "rule_id": "a",'
            ' "resource": "b"}]}',
            "$.findings[0].fingerprint: 'XYZ' does not match",
        ),
    ],
)
def test_a_bad_findings_baseline_is_exit_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    path = tmp_path / "fb.json"
    path.write_text(content)
    output = tmp_path / "r.json"
    code, out, err = run_cli(["plan", DRIFTED, "--new-only", path, "--json", output], capsys)
    assert code == 2 and out == "" and not output.exists()
    assert err.count("\n") == 1 and err.startswith(f"archscan: error: {path}: ")
    assert expected in err, err


def test_create_needs_exactly_one_source_and_a_writable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "fb.json"
    code, _, err = run_cli(["baseline-findings", "create", "-o", output], capsys)
    assert code == 2 and "exactly one of --from-report, --plan or --inventory" in err
    code, _, err = run_cli(
        ["baseline-findings", "create", "--plan", DRIFTED, "-o", tmp_path / "no" / "fb.json"],
        capsys,
    )
    assert code == 2 and "the folder does not exist" in err
    code, _, err = run_cli(
        ["baseline-findings", "create", "--from-report", DRIFTED, "-o", output], capsys
    )
    assert code == 2 and str(DRIFTED) in err and not output.exists()


def test_create_from_an_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory, output = tmp_path / "inventory.json", tmp_path / "fb.json"
    assert run_cli(["plan", DRIFTED, "--snapshot-out", inventory, "-q"], capsys)[0] == 1
    code, _, _ = run_cli(
        ["baseline-findings", "create", "--inventory", inventory, "-o", output, "-q"], capsys
    )
    assert code == 0
    code, _, _ = run_cli(["scan", inventory, "--new-only", output, "-q"], capsys)
    assert code == 0
