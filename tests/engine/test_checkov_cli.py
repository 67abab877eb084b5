"""`archscan plan --checkov` end to end, run with the archscan of .venv-checkov.

Runs from any venv as long as .venv-checkov exists (`make test` builds it); skips otherwise.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.engine.checkov_overlap import duplicated_checks
from scanner.engine.checkov_severity import load_severity_map
from scanner.findings import fingerprint

REPO = Path(__file__).resolve().parents[2]
ARCHSCAN = REPO / ".venv-checkov" / "bin" / "archscan"
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
SCHEMA = REPO / "scanner" / "report" / "report-schema.json"
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")

pytestmark = pytest.mark.skipif(
    not ARCHSCAN.exists(), reason=f"{ARCHSCAN} not found (`make checkov-venv` builds it)"
)


def plan_with_checkov(plan: Path, tmp_path: Path, *args: str) -> tuple[dict[str, Any], str]:
    """Run the CLI; return the JSON report and stderr, checking stdout is that report only."""
    report = tmp_path / "out.json"
    command = [str(ARCHSCAN), "plan", str(plan), "--checkov", "--format", "json", "--no-color"]
    done = subprocess.run(
        [*command, "--json", str(report), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode in (0, 1, 3), done.stderr
    assert done.stdout == report.read_text(encoding="utf-8")  # nothing but the report
    return json.loads(done.stdout), done.stderr


def checkov_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if CHECK_ID.match(f["rule_id"])]


def test_drifted_plan_gets_checkov_findings_without_duplicates(tmp_path: Path) -> None:
    report, stderr = plan_with_checkov(DRIFTED, tmp_path)
    found = checkov_findings(report)
    assert found and all(f["status"] == "FAIL" for f in found)
    ours = {rule["id"] for rule in report["rules"] if not CHECK_ID.match(rule["id"])}
    assert not {f["rule_id"] for f in found} & set(duplicated_checks(ours))
    severities = load_severity_map()
    allowed = {severities.default.value} | {s.value for s in severities.categories.values()}
    for finding in found:
        expected = severities.checks.get(finding["rule_id"])
        if expected is not None:
            assert finding["severity"] == expected.value
        else:
            assert finding["severity"] in allowed
        assert finding["fingerprint"] == fingerprint(
            finding["rule_id"],
            finding["environment"],
            finding["account"],
            finding["region"],
            finding["resource_id"],
        )
        assert finding["environment"] == "prod" and finding["address"] == finding["resource_id"]
    rules = {rule["id"]: rule for rule in report["rules"]}
    assert {f["rule_id"] for f in found} <= set(rules)
    assert all(rules[f["rule_id"]]["language"] == "checkov" for f in found)
    assert re.search(r"checkov 3\.\S+: \d+ failed checks, [1-9]\d* already judged", stderr)
    summary = report["checkov"]  # the same counts in the report, valid by its schema
    jsonschema.validate(report, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert summary["reported"] == len(found)
    assert summary["suppressed_duplicates"] == summary["failed"] - summary["reported"] > 0
    # a dropped check is itemised under every control it duplicates (some duplicate two)
    assert summary["suppressed_duplicates"] <= sum(
        n for checks in summary["duplicates"].values() for n in checks.values()
    )


def test_mapped_severity_and_duplicates_on_a_real_fixture(shared: Path, tmp_path: Path) -> None:
    plan = shared / "fixtures" / "plans" / "checkov_for_each_tf19.json"
    report, _ = plan_with_checkov(plan, tmp_path)
    ids = {f["rule_id"] for f in checkov_findings(report)}
    assert "CKV2_AWS_5" in ids and not ids & {"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"}
    unattached = [f for f in checkov_findings(report) if f["rule_id"] == "CKV2_AWS_5"]
    assert {f["severity"] for f in unattached} == {"low"}  # by id in the severity map
    report, _ = plan_with_checkov(plan, tmp_path, "--skip-rule", "NET-010")
    ssh = [f for f in checkov_findings(report) if f["rule_id"] == "CKV_AWS_24"]
    assert len(ssh) == 3 and {f["severity"] for f in ssh} == {"high"}
    assert len({f["fingerprint"] for f in ssh}) == 3
