"""The first twelve controls on plans, resource by resource.

The compliant and drifted example plans (examples/generate_plans.py: modules, count,
for_each, unknowns) are the passing and failing plan fixtures; each case names the control,
the resource address and the verdict expected in each plan. NET-001 and TAG-001 get small
hand-written plans as well, because the drifted example keeps the VPC's CIDR and tags most
resources; NET-002 has its own module (test_net002.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from scanner.collect.terraform import collect_plan
from scanner.findings import Finding
from tests.rules.helpers import FOUNDATION_RULES, plan_of, scan_inventory, scan_plan, statuses

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FOUNDATION = FOUNDATION_RULES - {"NET-002"}  # NET-002 has test_net002.py

# (control, resource, verdict in prod-compliant, verdict in prod-drifted)
CASES = [
    ("NET-001", "module.vpc.aws_vpc.this", "PASS", "PASS"),
    ("NET-003", "module.vpc.aws_subnet.private[2]", "PASS", "FAIL"),
    ("NET-003", "module.vpc.aws_vpc.this/subnet-tier/private", "PASS", "FAIL"),
    ("NET-003", "module.vpc.aws_subnet.public[0]", "PASS", "PASS"),
    ("NET-004", "module.vpc.aws_vpc.this/nat-gateways", "PASS", "FAIL"),
    ("NET-005", "module.vpc.aws_subnet.database[0]", "PASS", "FAIL"),
    ("NET-005", "module.vpc.aws_subnet.private[0]", "PASS", "PASS"),
    ("DB-003", "module.db.aws_rds_cluster.this", "PASS", "FAIL"),
    ("DB-004", "module.db.aws_rds_cluster.this", "PASS", "FAIL"),
    ("DB-004", "aws_rds_cluster.dr_replica", "PASS", "FAIL"),
    ("STO-001", 'aws_ebs_volume.data["ledger"]', "PASS", "PASS"),
    ("STO-001", "aws_ebs_volume.legacy_scratch", None, "FAIL"),
    ("STO-002", "aws_ebs_volume.legacy_scratch", None, "FAIL"),
    ("STO-002", "aws_ebs_volume.batch_scratch", None, "UNKNOWN"),
    ("STO-005", 'aws_s3_bucket.this["velero"]', "PASS", "FAIL"),
    ("STO-005", 'aws_s3_bucket.this["app-assets"]', "PASS", "PASS"),
    ("SEC-001", "aws_lb_listener.https", "PASS", "FAIL"),
    ("SEC-001", "aws_lb_listener.http", "PASS", "FAIL"),
    ("TAG-001", "aws_security_group.batch_debug", None, "FAIL"),
]


@cache
def example_findings(name: str) -> tuple[Finding, ...]:
    """Findings of the twelve controls on ``examples/<name>.plan.json``."""
    return tuple(scan_inventory(collect_plan(EXAMPLES / f"{name}.plan.json"), FOUNDATION))


@pytest.mark.parametrize(("rule", "resource", "compliant", "drifted"), CASES)
def test_example_plans(rule: str, resource: str, compliant: str | None, drifted: str) -> None:
    """``compliant`` None: the resource exists only in the drifted plan."""
    found = {
        name: statuses(list(example_findings(name)), rule)
        for name in ("prod-compliant", "prod-drifted")
    }
    assert found["prod-drifted"].get(resource) == drifted
    if compliant is None:
        assert resource not in found["prod-compliant"]
    else:
        assert found["prod-compliant"].get(resource) == compliant


def test_net_001_plan_documented_cidr_passes_other_cidr_fails(tmp_path: Path) -> None:
    plan = plan_of(
        ("aws_vpc.prod", {"cidr_block": "10.2.0.0/16", "tags": {"Environment": "prod"}}),
        ("aws_vpc.wrong", {"cidr_block": "10.9.0.0/16", "tags": {"Environment": "prod"}}),
    )
    found = statuses(scan_plan(plan, tmp_path, {"NET-001"}), "NET-001")
    assert found == {"aws_vpc.prod": "PASS", "aws_vpc.wrong": "FAIL"}


def test_tag_001_plan_tagged_passes_untagged_and_unknown_tag_fail(tmp_path: Path) -> None:
    plan = plan_of(
        ("aws_ebs_volume.tagged", {"type": "gp3", "tags": {"Environment": "prod"}}),
        ("aws_ebs_volume.untagged", {"type": "gp3", "tags": {}}),
        ("aws_ebs_volume.typo", {"type": "gp3", "tags": {"Environment": "prdo"}}),
    )
    found = statuses(scan_plan(plan, tmp_path, {"TAG-001"}), "TAG-001")
    assert found == {
        "aws_ebs_volume.tagged": "PASS",
        "aws_ebs_volume.untagged": "FAIL",
        "aws_ebs_volume.typo": "FAIL",
    }
