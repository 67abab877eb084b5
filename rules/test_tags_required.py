"""Tests of TAG-002, beside the rule."""

from __future__ import annotations

from typing import Any

from rules.tags_required import tag_002
from scanner.inventory.model import Inventory, Resource

FULL = {"Environment": "prod", "Owner": "platform", "CostCenter": "cc-42"}


def verdicts(resources: list[Resource], baseline: dict[str, Any]) -> dict[str, Any]:
    inventory = Inventory(source={"kind": "plan"}, resources=resources)
    return {v.resource: v for v in tag_002(inventory, baseline)}


def test_required_tags_pass_and_missing_or_empty_fail(reference_baseline: dict) -> None:
    result = verdicts(
        [
            Resource(id="good", type="aws_kms_key", tags=FULL),
            Resource(id="bare", type="aws_kms_key", tags={"Environment": "prod"}),
            Resource(id="empty", type="aws_kms_key", tags={**FULL, "Owner": " "}),
            Resource(id="extra", type="aws_kms_key", tags={**FULL, "costcenter": "x"}),
        ],
        reference_baseline,
    )
    assert result["good"].status == "PASS"
    assert result["bare"].status == "FAIL" and "Owner, CostCenter" in result["bare"].message
    assert result["empty"].status == "FAIL" and "Owner" in result["empty"].message
    assert result["extra"].status == "PASS"


def test_case_mismatch_is_named(reference_baseline: dict) -> None:
    tags = {"Environment": "dev", "owner": "me", "CostCenter": "cc"}
    result = verdicts([Resource(id="r", type="aws_s3_bucket", tags=tags)], reference_baseline)
    assert result["r"].status == "FAIL" and "found 'owner'" in result["r"].message


def test_tags_unknown_until_apply_are_unknown(reference_baseline: dict) -> None:
    later = Resource(id="later", type="aws_vpc", tags={"Environment": "dev"}, unknown=["tags"])
    assert verdicts([later], reference_baseline)["later"].status == "UNKNOWN"


def test_untaggable_default_and_uncollected_tags_are_not_judged(reference_baseline: dict) -> None:
    result = verdicts(
        [
            Resource(id="helm", type="helm_release", mapped=False, attributes={"chart": "x"}),
            Resource(id="rec", type="aws_route53_record", source="live", account="1"),
            Resource(id="dvpc", type="aws_vpc", source="live", attributes={"is_default": True}),
            Resource(id="scp", type="aws_organizations_policy", attributes={"aws_managed": True}),
            Resource(id="budget", type="aws_budgets_budget", source="live", account="1"),
            Resource(id="planned", type="aws_budgets_budget"),
        ],
        reference_baseline,
    )
    assert set(result) == {"planned"} and result["planned"].status == "FAIL"


def test_plan_types_without_tags_are_not_judged(reference_baseline: dict) -> None:
    result = verdicts(
        [
            Resource(id="alias", type="aws_kms_alias", account="1", attributes={"name": "a"}),
            Resource(id="raw", type="aws_iam_role", mapped=False, attributes={"name": "r"}),
            Resource(id="raw_tagged", type="aws_iam_role", mapped=False, attributes={"tags": None}),
        ],
        reference_baseline,
    )
    assert set(result) == {"raw_tagged"} and result["raw_tagged"].status == "FAIL"
