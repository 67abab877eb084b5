"""Tests of TAG-001, beside the rule."""

from __future__ import annotations

from typing import Any

from rules.tags import tag_001
from scanner.baseline.environment import resolve_environments
from scanner.inventory.model import Inventory, Resource


def verdicts(
    resources: list[Resource], baseline: dict[str, Any], env: str | None = None
) -> dict[str, Any]:
    inventory = Inventory(source={"kind": "plan"}, resources=resources)
    resolve_environments(inventory, baseline, env)
    return {v.resource: v for v in tag_001(inventory, baseline)}


def test_tagged_and_cidr_resolved_resources_pass(reference_baseline: dict) -> None:
    result = verdicts(
        [
            Resource(id="vpc", type="aws_vpc", attributes={"cidr_block": "10.1.0.0/16"}),
            Resource(id="bucket", type="aws_s3_bucket", tags={"Environment": "dev"}),
        ],
        reference_baseline,
    )
    assert result["vpc"].status == "PASS" and result["bucket"].status == "PASS"


def test_missing_unrecognized_and_conflicting_signals_fail(reference_baseline: dict) -> None:
    result = verdicts(
        [
            Resource(id="vpc", type="aws_vpc", attributes={"cidr_block": "10.2.0.0/16"}),
            Resource(
                id="sg",
                type="aws_security_group",
                refs={"vpc": "vpc"},
                tags={"Environment": "staging"},
            ),
            Resource(id="role", type="aws_iam_role"),
            Resource(id="key", type="aws_kms_key", tags={"Environment": "qa"}),
            Resource(
                id="stray", type="aws_kms_key", account="999999999999", tags={"Environment": "dev"}
            ),
        ],
        reference_baseline,
    )
    assert result["vpc"].status == "PASS"
    assert result["sg"].status == "FAIL" and "tag says staging" in result["sg"].message
    assert result["role"].status == "FAIL" and "no environment signal" in result["role"].message
    assert result["key"].status == "FAIL" and "'qa'" in result["key"].message
    assert result["stray"].status == "FAIL" and "999999999999" in result["stray"].message


def test_override_resolves_untagged_resources(reference_baseline: dict) -> None:
    result = verdicts([Resource(id="role", type="aws_iam_role")], reference_baseline, "prod")
    assert result["role"].status == "PASS"


def test_non_aws_and_untaggable_resources_are_not_judged(reference_baseline: dict) -> None:
    result = verdicts(
        [
            Resource(id="helm", type="helm_release", mapped=False, attributes={"chart": "x"}),
            Resource(
                id="attach",
                type="aws_iam_role_policy_attachment",
                mapped=False,
                attributes={"role": "r"},
            ),
            Resource(
                id="role", type="aws_iam_role", mapped=False, attributes={"name": "r", "tags": None}
            ),
        ],
        reference_baseline,
    )
    assert set(result) == {"role"} and result["role"].status == "FAIL"
