"""WAFv2 collector against a moto server: a CloudFront web ACL with the common rule set.

moto lacks ListResourcesForWebACL, so a region holding a regional web ACL cannot be
collected there; the associations themselves are checked with botocore's Stubber.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import wafv2
from scanner.inventory.model import CoverageStatus

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
ALB = f"arn:aws:elasticloadbalancing:us-west-2:{DEFAULT_ACCOUNT}:loadbalancer/app/prod-alb/1"


def _managed(name: str, priority: int, count: bool = False) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "OverrideAction": {"Count": {}} if count else {"None": {}},
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name}},
        "VisibilityConfig": VISIBILITY,
    }


def create_acl(moto: Seeder, scope: str, region: str, rules: list[dict[str, Any]]) -> Any:
    client = moto.client("wafv2", region)
    return client.create_web_acl(
        Name=f"{scope.lower()}-acl",
        Scope=scope,
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=rules,
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )["Summary"]


def test_cloudfront_web_acl_read_in_us_east_1_only(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    rules = [
        _managed("AWSManagedRulesCommonRuleSet", 1),
        _managed("AWSManagedRulesKnownBadInputsRuleSet", 2, count=True),
    ]
    acl = create_acl(moto, "CLOUDFRONT", "us-east-1", rules)
    inventory = audit(["wafv2"], regions=["us-east-1", "us-west-2"])
    assert [r.id for r in inventory.resources] == [acl["ARN"]]
    found = inventory.resources[0]
    assert (found.type, found.name, found.region) == (
        "aws_wafv2_web_acl",
        "cloudfront-acl",
        "us-east-1",
    )
    assert found.tags == {"Environment": "prod"}
    assert found.attributes == {
        "name": "cloudfront-acl",
        "scope": "CLOUDFRONT",
        "default_action": "allow",
        "rules": [
            {
                "name": "AWSManagedRulesCommonRuleSet",
                "priority": 1,
                "managed_rule_group": {"vendor": "AWS", "name": "AWSManagedRulesCommonRuleSet"},
                "override_action": "none",
            },
            {
                "name": "AWSManagedRulesKnownBadInputsRuleSet",
                "priority": 2,
                "managed_rule_group": {
                    "vendor": "AWS",
                    "name": "AWSManagedRulesKnownBadInputsRuleSet",
                },
                "override_action": "count",
            },
        ],
    }
    assert found.refs == {}  # a CloudFront ACL's attachment is on the distribution
    assert {(e.region, e.status) for e in inventory.coverage} == {
        ("us-east-1", CoverageStatus.OK),
        ("us-west-2", CoverageStatus.OK),
    }


def test_regional_acl_where_moto_lacks_associations_is_unsupported(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    create_acl(moto, "REGIONAL", "us-west-2", [_managed("AWSManagedRulesCommonRuleSet", 1)])
    inventory = audit(["wafv2"], regions=["us-east-1", "us-west-2"])
    ledger = {e.region: e for e in inventory.coverage}
    assert ledger["us-east-1"].status == CoverageStatus.OK
    assert ledger["us-west-2"].status == CoverageStatus.UNSUPPORTED
    assert ledger["us-west-2"].api_call == "wafv2:ListResourcesForWebACL"


def test_regional_acl_lists_alb_and_api_gateway_associations() -> None:
    client = boto3.client(
        "wafv2", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    arn = f"arn:aws:wafv2:us-west-2:{DEFAULT_ACCOUNT}:regional/webacl/app/1"
    summary = {"Name": "app", "Id": "1", "ARN": arn, "LockToken": "t"}
    acl = {
        "Name": "app",
        "Id": "1",
        "ARN": arn,
        "DefaultAction": {"Block": {}},
        "Rules": [],
        "VisibilityConfig": VISIBILITY,
    }
    stage = "arn:aws:apigateway:us-west-2::/restapis/abc/stages/prod"
    with Stubber(client) as stub:
        stub.add_response("list_web_acls", {"WebACLs": [summary]}, {"Scope": "REGIONAL"})
        stub.add_response("get_web_acl", {"WebACL": acl, "LockToken": "t"})
        stub.add_response("list_tags_for_resource", {"TagInfoForResource": {"ResourceARN": arn}})
        for kind, found in (("APPLICATION_LOAD_BALANCER", [ALB]), ("API_GATEWAY", [stage])):
            stub.add_response(
                "list_resources_for_web_acl",
                {"ResourceArns": found},
                {"WebACLArn": arn, "ResourceType": kind},
            )
        ctx = CollectContext(DEFAULT_ACCOUNT, "us-west-2", lambda s, r: client)
        resources = list(wafv2.SPEC.collect(ctx))
        stub.assert_no_pending_responses()
    assert [r.refs for r in resources] == [{"resources": sorted([ALB, stage])}]
    assert resources[0].attributes["default_action"] == "block"
    assert set(ctx.calls) == set(wafv2.SPEC.permissions)
