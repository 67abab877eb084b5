"""`archscan diff` on the compliant and drifted example plans: reports and inventories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import run


def failing(report: Path) -> dict[str, dict[str, Any]]:
    """FAIL findings of a JSON report by fingerprint."""
    findings = json.loads(report.read_text())["findings"]
    return {f["fingerprint"]: f for f in findings if f["status"] == "FAIL"}


def diff_json(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, dict[str, Any]]:
    code, out, err = run(["diff", *args, "--format", "json"], capsys)
    assert err == "", err
    return code, json.loads(out)


def fingerprints(items: list[dict[str, Any]]) -> set[str]:
    return {item["fingerprint"] for item in items}


def test_reports_new_findings_are_the_drifted_plans_new_failures(example_outputs, capsys) -> None:  # type: ignore[no-untyped-def]
    old, new = example_outputs["compliant.json"], example_outputs["drifted.json"]
    code, diff = diff_json(capsys, old, new)
    expected = set(failing(new)) - set(failing(old))
    assert code == 0 and diff["kind"] == "report"
    assert fingerprints(diff["findings"]["new"]) == expected and expected
    assert diff["findings"]["resolved"] == []
    nat = [d for d in diff["findings"]["new"] if d["resource_id"].endswith("/nat-gateways")]
    assert {d["rule_id"] for d in nat} == {"NET-004", "COST-004"}
    assert all(d["old"]["status"] == "PASS" and d["new"]["status"] == "FAIL" for d in nat)
    assert diff["summary"]["new"] == len(expected)
    assert diff["resources"] is None


def test_reversed_reports_resolve_what_was_new(example_outputs, capsys) -> None:  # type: ignore[no-untyped-def]
    old, new = example_outputs["compliant.json"], example_outputs["drifted.json"]
    _, forward = diff_json(capsys, old, new)
    _, backward = diff_json(capsys, new, old)
    assert fingerprints(backward["findings"]["resolved"]) == fingerprints(
        forward["findings"]["new"]
    )
    assert backward["findings"]["new"] == []
    assert fingerprints(backward["findings"]["changed"]) == fingerprints(
        forward["findings"]["changed"]
    )


def test_changed_findings_keep_their_fingerprint_and_say_what_changed(
    example_outputs, capsys
) -> None:  # type: ignore[no-untyped-def]
    _, diff = diff_json(capsys, example_outputs["compliant.json"], example_outputs["drifted.json"])
    changed = {(d["rule_id"], d["resource_id"]): d for d in diff["findings"]["changed"]}
    total = changed[("COST-001", "cost/prod/total")]
    assert total["fields"] == ["message"]
    assert total["old"]["message"] != total["new"]["message"]
    assert total["old"]["status"] == total["new"]["status"]


def test_a_report_diffed_with_itself_is_empty(example_outputs, capsys) -> None:  # type: ignore[no-untyped-def]
    report = example_outputs["drifted.json"]
    code, diff = diff_json(capsys, report, report, "--fail-on-new", "info")
    assert code == 0
    assert diff["summary"]["new"] == diff["summary"]["resolved"] == diff["summary"]["changed"] == 0
    assert diff["summary"]["unchanged"] == len(json.loads(report.read_text())["findings"])


@pytest.mark.parametrize(("threshold", "expected"), [("critical", 1), ("high", 1), (None, 0)])
def test_fail_on_new_gates_on_new_failures(example_outputs, capsys, threshold, expected) -> None:  # type: ignore[no-untyped-def]
    args = ["diff", example_outputs["compliant.json"], example_outputs["drifted.json"], "-q"]
    code, _, _ = run(args + (["--fail-on-new", threshold] if threshold else []), capsys)
    assert code == expected
    # The other way round nothing is new: the gate passes whatever the threshold.
    code, _, _ = run(["diff", args[2], args[1], "-q", "--fail-on-new", "info"], capsys)
    assert code == 0


def test_inventories_show_drift_and_the_same_findings_diff(example_outputs, capsys) -> None:  # type: ignore[no-untyped-def]
    _, reports = diff_json(
        capsys, example_outputs["compliant.json"], example_outputs["drifted.json"]
    )
    _, inventories = diff_json(
        capsys, example_outputs["compliant.inv.json"], example_outputs["drifted.inv.json"]
    )
    assert inventories["kind"] == "inventory"
    for section in ("new", "resolved"):
        assert fingerprints(inventories["findings"][section]) == fingerprints(
            reports["findings"][section]
        )
    old = json.loads(example_outputs["compliant.inv.json"].read_text())["resources"]
    new = json.loads(example_outputs["drifted.inv.json"].read_text())["resources"]
    resources = inventories["resources"]
    assert {r["id"] for r in resources["added"]} == {r["id"] for r in new} - {r["id"] for r in old}
    assert {r["id"] for r in resources["removed"]} == {r["id"] for r in old} - {
        r["id"] for r in new
    }
    changes = {
        (drift["id"], change["path"]): change
        for drift in resources["changed"]
        for change in drift["changes"]
    }
    listener = changes[("aws_lb_listener.https", "attributes.ssl_policy")]
    assert (listener["kind"], listener["old"], listener["new"]) == (
        "changed",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-2016-08",
    )
    assert (
        changes[("module.db.aws_rds_cluster.this", "attributes.storage_encrypted")]["new"] is False
    )
    # Derived from the baseline, not the estate: never reported as drift.
    assert not [path for _, path in changes if path.startswith(("environment", "env_signals"))]


def test_markdown_and_table_list_every_section(example_outputs, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old, new = example_outputs["compliant.inv.json"], example_outputs["drifted.inv.json"]
    _, diff = diff_json(capsys, old, new)
    summary = diff["summary"]
    target = tmp_path / "diff.md"
    code, out, _ = run(["diff", old, new, "--format", "markdown", "-o", target], capsys)
    text = target.read_text()
    assert code == 0 and out == ""
    assert text.startswith("## archscan diff\n")
    assert f"### New findings ({summary['new']})" in text
    assert f"### Resources added ({summary['resources']['added']})" in text
    assert "| high | NET-004 |" in text
    assert "### Resolved findings" not in text  # empty sections are left out
    code, table, _ = run(["diff", old, new], capsys)
    assert f"New findings ({summary['new']})" in table
    assert (
        "attributes.ssl_policy: ELBSecurityPolicy-TLS13-1-2-2021-06 -> ELBSecurityPolicy-2016-08"
        in table
    )
