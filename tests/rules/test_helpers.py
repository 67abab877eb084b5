"""The rule-test helpers drive the real pipeline (an example every family test follows)."""

from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import UNKNOWN, plan_of, scan_plan, statuses


def test_plan_of_goes_through_collector_and_rules(tmp_path: Path) -> None:
    plan = plan_of(
        (
            "aws_ebs_volume.good",
            {"type": "gp3", "encrypted": True, "availability_zone": "us-west-2a", "size": 10},
        ),
        (
            "aws_ebs_volume.bad",
            {"type": "gp2", "encrypted": False, "availability_zone": "us-west-2a", "size": 10},
        ),
        (
            "aws_ebs_volume.later",
            {"type": "gp3", "encrypted": UNKNOWN, "availability_zone": "us-west-2a", "size": 10},
        ),
    )
    findings = scan_plan(plan, tmp_path, {"STO-001", "STO-002"}, env="prod")
    assert statuses(findings, "STO-001") == {
        "aws_ebs_volume.good": "PASS",
        "aws_ebs_volume.bad": "FAIL",
        "aws_ebs_volume.later": "PASS",
    }
    assert statuses(findings, "STO-002") == {
        "aws_ebs_volume.good": "PASS",
        "aws_ebs_volume.bad": "FAIL",
        "aws_ebs_volume.later": "UNKNOWN",
    }
