"""One waiver file accepts the same findings in a plan and in a live account (moto over HTTP)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.aws.moto_server import Seeder
from scanner.collect.terraform import collect_plan
from scanner.findings import Status
from scanner.inventory.model import Inventory
from scanner.pipeline import ScanOptions, run
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (moto server fixtures)
from tests.rules.helpers import plan_of
from tests.waivers.helpers import run_cli, waiver, write_waivers

REGION = "us-west-2"
RULES = ["STO-001", "STO-002"]
TODAY = date(2026, 11, 25)
TAGS = {"Environment": "prod", "Team": "batch", "Name": "prod-scratch"}


def waiver_file(folder: Path) -> Path:
    """Waive STO-002 on batch-team volumes by tag; one expired and one stale waiver beside it."""
    return write_waivers(
        folder,
        waiver(id="W-TAG", rules=["STO-002"], tags={"Team": "batch"}, region=REGION),
        waiver(id="W-OLD", rules=["STO-001"], tags={"Team": "batch"}, expires="2026-11-24"),
        waiver(id="W-NONE", rules=["STO-00?"], tags={"Team": "nobody"}),
    )


def evaluate(inventory: Inventory, waivers: Path) -> tuple[dict[str, str], dict[str, Any], list]:
    """rule -> status of the volume's findings, the run's waiver section, the findings."""
    options = ScanOptions(environment="prod", include=RULES, waivers=waivers, today=TODAY)
    context = run(inventory, options).context
    statuses = {
        f.rule_id: f.status.value for f in context.findings if f.resource_type == "aws_ebs_volume"
    }
    return statuses, context.extra["waivers"], context.findings


def ids(section: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    return {
        state: [(item["id"], item["matched"]) for item in section[state]]
        for state in ("applied", "expired", "stale")
    }


EXPECTED_STATUSES = {"STO-001": "FAIL", "STO-002": "WAIVED"}
EXPECTED_WAIVERS = {
    "applied": [("W-TAG", 1)],
    "expired": [("W-OLD", 1)],
    "stale": [("W-NONE", 0)],
}


def test_plan_findings_are_waived_by_tag(tmp_path: Path) -> None:
    values = {
        "availability_zone": f"{REGION}a",
        "size": 100,
        "type": "gp2",
        "encrypted": False,
        "tags": TAGS,
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_of(("aws_ebs_volume.scratch", values))))
    statuses, section, _ = evaluate(collect_plan(path), waiver_file(tmp_path))
    assert statuses == EXPECTED_STATUSES
    assert ids(section) == EXPECTED_WAIVERS


def test_live_findings_are_waived_the_same_way(
    moto: Seeder,  # noqa: F811
    audit,  # type: ignore[no-untyped-def]  # noqa: F811
    tmp_path: Path,
) -> None:
    volume = seed_volume(moto)
    inventory = audit(["ec2"], regions=[REGION])
    statuses, section, findings = evaluate(inventory, waiver_file(tmp_path))
    assert statuses == EXPECTED_STATUSES
    assert ids(section) == EXPECTED_WAIVERS
    waived = next(f for f in findings if f.status is Status.WAIVED)
    assert volume in waived.resource_id and waived.source == "live"
    assert waived.extra["waiver"]["id"] == "W-TAG" and waived.extra["waived_status"] == "FAIL"


def seed_volume(seeder: Seeder) -> str:
    """An unencrypted gp2 volume tagged for the batch team."""
    return seeder.client("ec2", REGION).create_volume(
        AvailabilityZone=f"{REGION}a",
        Size=100,
        VolumeType="gp2",
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()]}
        ],
    )["VolumeId"]


def test_audit_command_applies_waivers(
    moto: Seeder,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_volume(moto)
    report = tmp_path / "r.json"
    args = ["audit", "--endpoint-url", moto.url, "--region", REGION, "--services", "ec2"]
    args += ["--env", "prod", "--rule", "STO-001", "--rule", "STO-002", "--fail-on", "medium"]
    code, _, err = run_cli([*args, "--waivers", waiver_file(tmp_path), "--json", report], capsys)
    assert code == 1  # STO-001 (medium) is not waived: its only waiver expired on 2026-11-24
    findings = json.loads(report.read_text())["findings"]
    assert {(f["rule_id"], f["status"]) for f in findings} == {
        ("STO-001", "FAIL"),
        ("STO-002", "WAIVED"),
    }
    assert "waiver W-OLD" in err and "expired on 2026-11-24" in err
    assert "waiver W-NONE" in err and "is stale" in err


def test_audit_rejects_a_bad_waiver_file_before_collecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_waivers(tmp_path, waiver(expires="someday"))
    # Nothing listens on port 9: a collection would fail differently (and slowly).
    args = ["audit", "--endpoint-url", "http://127.0.0.1:9", "--region", REGION]
    code, out, err = run_cli([*args, "--waivers", bad, "--max-attempts", "1"], capsys)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"archscan: error: {bad}: waivers.0.expires: 'someday' does not match "
        "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$' (expected the last day the waiver applies, "
        "YYYY-MM-DD) (line 9)"
    )
