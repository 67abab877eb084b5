"""NET-002 on plans: VPC CIDRs of different environments must not overlap."""

from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import plan_of, scan_plan, statuses


def vpc(name: str, cidr: str, env: str) -> tuple[str, dict]:
    return (f"aws_vpc.{name}", {"cidr_block": cidr, "tags": {"Environment": env}})


def test_net_002_disjoint_environments_pass(tmp_path: Path) -> None:
    plan = plan_of(vpc("dev", "10.0.0.0/16", "dev"), vpc("prod", "10.2.0.0/16", "prod"))
    assert statuses(scan_plan(plan, tmp_path, {"NET-002"}), "NET-002") == {
        "aws_vpc.dev": "PASS",
        "aws_vpc.prod": "PASS",
    }


def test_net_002_overlapping_environments_fail(tmp_path: Path) -> None:
    plan = plan_of(vpc("dev", "10.2.0.0/17", "dev"), vpc("prod", "10.2.0.0/16", "prod"))
    assert statuses(scan_plan(plan, tmp_path, {"NET-002"}), "NET-002") == {
        "aws_vpc.dev": "FAIL",
        "aws_vpc.prod": "FAIL",
    }
