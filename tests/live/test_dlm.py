"""DLM collector: moto has no DLM, so its ledger says unsupported; the resource shape is checked
on documented answers, stubbed on a real client."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import dlm
from scanner.inventory.model import CoverageStatus

ARN = f"arn:aws:dlm:us-west-2:{DEFAULT_ACCOUNT}:policy/policy-0123456789abcdef0"
CUSTOM = {
    "PolicyId": "policy-0123456789abcdef0",
    "PolicyArn": ARN,
    "Description": "daily EBS snapshots",
    "State": "ENABLED",
    "Tags": {"Environment": "prod"},
    "PolicyDetails": {
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
        "ResourceTypes": ["VOLUME"],
        "TargetTags": [{"Key": "Backup", "Value": "daily"}],
        "Schedules": [
            {
                "Name": "daily",
                "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]},
                "RetainRule": {"Count": 14},
                "CrossRegionCopyRules": [
                    {
                        "TargetRegion": "us-east-1",
                        "Encrypted": True,
                        "RetainRule": {"Interval": 1, "IntervalUnit": "MONTHS"},
                    }
                ],
            }
        ],
    },
}
DEFAULT = {
    "PolicyId": "policy-0fedcba9876543210",
    "PolicyArn": ARN.replace("0123456789abcdef0", "0fedcba9876543210"),
    "State": "ENABLED",
    "DefaultPolicy": True,
    "PolicyDetails": {
        "PolicyLanguage": "SIMPLIFIED",
        "ResourceType": "VOLUME",
        "CreateInterval": 1,
        "RetainInterval": 7,
        "CrossRegionCopyTargets": [{"TargetRegion": "us-east-1"}],
    },
}


def collect(policies: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Run the collector on a real DLM client whose answers are stubbed (and so checked
    against the DLM service model)."""
    client = boto3.client(
        "dlm", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        summaries = [{"PolicyId": policy["PolicyId"]} for policy in policies]
        stub.add_response("get_lifecycle_policies", {"Policies": summaries}, {})
        for policy in policies:
            stub.add_response(
                "get_lifecycle_policy", {"Policy": policy}, {"PolicyId": policy["PolicyId"]}
            )
        ctx = CollectContext(DEFAULT_ACCOUNT, "us-west-2", lambda service, region: client)
        found = {r.id: r for r in dlm.SPEC.collect(ctx)}
        stub.assert_no_pending_responses()
    return found, ctx.calls


def test_custom_policy_schedules_and_retention() -> None:
    found, calls = collect([CUSTOM])
    policy = found[ARN]
    assert (policy.type, policy.region, policy.name) == (
        "aws_dlm_lifecycle_policy",
        "us-west-2",
        "daily EBS snapshots",
    )
    assert policy.tags == {"Environment": "prod"}
    [schedule] = policy.attributes.pop("schedules")
    assert policy.attributes == {
        "description": "daily EBS snapshots",
        "state": "ENABLED",
        "policy_type": "EBS_SNAPSHOT_MANAGEMENT",
        "default_policy": False,
        "resource_types": ["VOLUME"],
        "target_tags": {"Backup": "daily"},
    }
    assert schedule["retain_rule"] == {"count": 14, "interval": None, "interval_unit": None}
    assert schedule["retain_days"] == 14
    assert schedule["create_rule"]["interval_unit"] == "HOURS"
    assert schedule["cross_region_copy_rules"] == [
        {
            "target_region": "us-east-1",
            "encrypted": True,
            "retain_rule": {"count": None, "interval": 1, "interval_unit": "MONTHS"},
        }
    ]
    assert {iam_action(call) for call in calls} == set(dlm.SPEC.permissions)


def test_default_policy_becomes_one_schedule() -> None:
    found, _ = collect([DEFAULT])
    policy = found[DEFAULT["PolicyArn"]]
    assert policy.attributes["default_policy"] is True
    assert policy.attributes["resource_types"] == ["VOLUME"]
    [schedule] = policy.attributes["schedules"]
    assert schedule["retain_days"] == 7
    assert [c["target_region"] for c in schedule["cross_region_copy_rules"]] == ["us-east-1"]


def test_moto_without_dlm_is_unsupported_not_empty(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    inventory = audit(["dlm"], regions=["us-west-2", "us-east-1"])
    assert [r for r in inventory.resources if r.type == "aws_dlm_lifecycle_policy"] == []
    ledger = {e.region: e for e in inventory.coverage if e.service == "dlm"}
    assert set(ledger) == {"us-west-2", "us-east-1"}
    assert {e.api_call for e in ledger.values()} == {"dlm:GetLifecyclePolicies"}
    assert {e.status for e in ledger.values()} == {CoverageStatus.UNSUPPORTED}
