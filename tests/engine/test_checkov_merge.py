"""Checkov results -> findings: scope, fingerprints, severities, duplicates of our controls.

These run without Checkov: the results are built as the worker writes them and merged
into the real inventory of the drifted example plan.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.baseline.environment import resolve_environments
from scanner.collect.terraform import collect_plan
from scanner.engine.checkov_adapter import CheckovResult, CheckovRun
from scanner.engine.checkov_merge import merge_results, resource_type, waivable_rule_ids
from scanner.engine.checkov_overlap import OVERLAPS, duplicated_checks, overlapping_check_ids
from scanner.engine.checkov_severity import SeverityMap, load_severity_map
from scanner.engine.ruleset import RuleSet
from scanner.errors import InputError
from scanner.findings import Finding, Severity, Status, fingerprint
from scanner.inventory.model import Inventory

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")


@pytest.fixture(scope="module")
def drifted(reference_baseline: dict) -> Inventory:
    inventory = collect_plan(DRIFTED)
    resolve_environments(inventory, reference_baseline, None)
    return inventory


def failed(check_id: str, address: str, **fields: object) -> CheckovResult:
    return CheckovResult(
        check_id=check_id, check_name=f"name of {check_id}", address=address, passed=False, **fields
    )


def run_of(*results: CheckovResult) -> CheckovRun:
    return CheckovRun(version="3.3.30", results=list(results), seconds=1.5, resources=3)


def test_failure_takes_the_scope_of_its_inventory_resource(drifted: Inventory) -> None:
    volume = drifted.by_id()["aws_ebs_volume.batch_scratch"]
    result = failed("CKV_AWS_338", volume.id, category="LOGGING", file_line_range=(4, 9))
    merged = merge_results(run_of(result), drifted, [], set())
    [finding] = merged.findings
    assert (finding.rule_id, finding.status, finding.source) == ("CKV_AWS_338", Status.FAIL, "plan")
    assert (finding.environment, finding.account, finding.region) == (
        volume.environment,
        volume.account,
        volume.region,
    )
    assert volume.environment == "prod" and volume.account and volume.region
    assert finding.fingerprint == fingerprint(
        "CKV_AWS_338", "prod", volume.account, volume.region, "aws_ebs_volume.batch_scratch"
    )
    assert finding.resource_type == "aws_ebs_volume"
    assert finding.extra == {"engine": "checkov", "file_line_range": [4, 9], "category": "LOGGING"}
    assert finding.severity is Severity.LOW  # LOGGING in the bundled map


def test_failure_outside_the_inventory_keeps_its_address_and_no_scope(drifted: Inventory) -> None:
    address = 'module.logs["eu"].aws_s3_bucket_versioning.this[0]'
    merged = merge_results(run_of(failed("CKV_AWS_21", address)), drifted, [], set())
    [finding] = merged.findings
    assert finding.resource_id == address and finding.address == address
    assert (finding.environment, finding.account, finding.region) == (None, None, None)
    assert finding.resource_type == "aws_s3_bucket_versioning"


def test_rule_metadata_for_each_reported_check(drifted: Inventory) -> None:
    results = [
        failed("CKV2_AWS_11", "aws_vpc.prod", category="LOGGING"),
        failed("CKV2_AWS_11", "aws_vpc.dr", category="LOGGING"),
        failed("CKV_AWS_41", "aws.default", block="provider", category="SECRETS"),
    ]
    merged = merge_results(run_of(*results), drifted, [], set())
    assert sorted(merged.rules) == ["CKV2_AWS_11", "CKV_AWS_41"]
    meta = merged.rules["CKV_AWS_41"]
    assert meta.title == "name of CKV_AWS_41" and meta.inputs == ["plan"]
    assert meta.language == "checkov" and meta.severity is Severity.CRITICAL
    assert "CKV_AWS_41" in meta.remediation and "checkov.io" in meta.remediation
    provider = next(f for f in merged.findings if f.rule_id == "CKV_AWS_41")
    assert provider.resource_type == "provider"


def test_duplicates_of_selected_controls_are_dropped_and_counted(drifted: Inventory) -> None:
    volume = "aws_ebs_volume.batch_scratch"
    ours = Finding("STO-002", "EBS encrypted", "high", "FAIL", "not encrypted", volume)
    results = [
        failed("CKV_AWS_189", "aws_ebs_volume.batch_scratch"),
        failed("CKV_AWS_189", "aws_ebs_volume.legacy_scratch"),
        failed("CKV_AWS_21", "aws_s3_bucket.logs"),  # judged by STO-005 and DR-002
        failed("CKV_AWS_338", "aws_cloudwatch_log_group.dr_cluster"),
        CheckovResult("CKV_AWS_3", "EBS encrypted", "aws_ebs_volume.batch_scratch", passed=True),
    ]
    merged = merge_results(run_of(*results), drifted, [ours], {"STO-002", "STO-005", "DR-002"})
    assert [f.rule_id for f in merged.findings] == ["STO-002", "CKV_AWS_338"]
    summary = merged.extra["checkov"]
    assert summary["failed"] == 4 and summary["passed"] == 1
    assert summary["suppressed_duplicates"] == 3 and summary["reported"] == 1
    assert summary["duplicates"] == {
        "DR-002": {"CKV_AWS_21": 1},
        "STO-002": {"CKV_AWS_189": 2},
        "STO-005": {"CKV_AWS_21": 1},
    }
    assert summary["version"] == "3.3.30" and summary["seconds"] == 1.5


def test_a_check_is_reported_when_its_control_is_not_selected(drifted: Inventory) -> None:
    result = failed("CKV_AWS_189", "aws_ebs_volume.batch_scratch")
    merged = merge_results(run_of(result), drifted, [], {"STO-005", "NET-001"})
    assert [f.rule_id for f in merged.findings] == ["CKV_AWS_189"]
    assert merged.extra["checkov"]["suppressed_duplicates"] == 0


def test_overlaps_name_real_controls_and_checkov_ids() -> None:
    controls = set(RuleSet.load().by_id())
    assert set(OVERLAPS) <= controls
    assert all(CHECK_ID.match(check_id) for check_id in overlapping_check_ids())
    owners = duplicated_checks({"STO-005", "DR-002", "NET-001"})
    assert owners["CKV_AWS_21"] == ["DR-002", "STO-005"]
    assert "CKV_AWS_3" not in owners  # STO-002 not selected


def test_severity_order_check_then_reported_then_category_then_default() -> None:
    severities = SeverityMap(
        default=Severity.MEDIUM,
        categories={"LOGGING": Severity.LOW},
        checks={"CKV_AWS_1": Severity.HIGH},
    )
    assert severities.severity("CKV_AWS_1", "LOGGING", "low") is Severity.HIGH
    assert severities.severity("CKV_AWS_2", "LOGGING", "critical") is Severity.CRITICAL
    assert severities.severity("CKV_AWS_2", "logging", None) is Severity.LOW
    assert severities.severity("CKV_AWS_2", "NETWORKING", None) is Severity.MEDIUM
    assert severities.severity("CKV_AWS_2", None, "bogus") is Severity.MEDIUM


def test_bundled_severity_map_loads_with_a_medium_default() -> None:
    severities = load_severity_map()
    assert severities.default is Severity.MEDIUM
    assert severities.checks["CKV_AWS_24"] is Severity.HIGH
    assert all(CHECK_ID.match(check_id) for check_id in severities.checks)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("default: [unclosed\n", "not valid YAML at line"),
        ("- a list\n", "expected a mapping"),
        ("default: severe\n", "default: 'severe' is not one of"),
        ("checks:\n  CKV_AWS_1: urgent\n", "checks.CKV_AWS_1: 'urgent' is not one of"),
        ("categories: high\n", "categories: expected a mapping"),
        ("levels: {}\n", "expected a mapping with keys"),
    ],
)
def test_bad_severity_map_is_one_line_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "severity.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_severity_map(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


@pytest.mark.parametrize(
    ("address", "block", "expected"),
    [
        ("aws_s3_bucket.logs", "resource", "aws_s3_bucket"),
        ('aws_route53_zone.example["example.com"]', "resource", "aws_route53_zone"),
        ('module.sg["a.b"].aws_security_group.bad', "resource", "aws_security_group"),
        ("module.a.module.b[0].aws_eks_cluster.c", "resource", "aws_eks_cluster"),
        ("data.aws_iam_policy_document.p", "resource", "aws_iam_policy_document"),
        ("aws.default", "provider", "provider"),
    ],
)
def test_resource_type_from_address(address: str, block: str, expected: str) -> None:
    assert resource_type(CheckovResult("CKV_X_1", "n", address, False, block=block)) == expected


def test_waivable_rules_add_checkov_ids_only_when_checkov_runs() -> None:
    assert waivable_rule_ids({"NET-001"}, checkov=False) == {"NET-001"}
    assert "NET-001" in waivable_rule_ids({"NET-001"}, checkov=True)
