"""WAFv2: web ACLs, their managed rule groups and what they protect (EDGE-002).

Regional web ACLs are read in every region; CloudFront web ACLs exist only in us-east-1
and are read there, with the region's regional ones. A CloudFront ACL's attachment is
recorded on the distribution (``web_acl_id``), not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

CLOUDFRONT_REGION = "us-east-1"
# Resource types whose associations are listed (the API answers one type per call).
ASSOCIATED_TYPES = ("APPLICATION_LOAD_BALANCER", "API_GATEWAY")


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_wafv2_web_acl per web ACL: REGIONAL ones, plus CLOUDFRONT ones from the home task."""
    waf = ctx.client("wafv2")
    for summary in _web_acls(ctx, waf, "REGIONAL"):
        yield _web_acl(ctx, waf, summary, "REGIONAL")
    if ctx.home:  # CloudFront web ACLs live in us-east-1, read once per account
        edge = ctx.client("wafv2", CLOUDFRONT_REGION)
        for summary in _web_acls(ctx, edge, "CLOUDFRONT"):
            yield _web_acl(ctx, edge, summary, "CLOUDFRONT")


def _web_acls(ctx: CollectContext, client: Any, scope: str) -> Iterator[dict[str, Any]]:
    """Every web ACL summary of a scope (ListWebACLs has no botocore paginator)."""
    params: dict[str, Any] = {"Scope": scope}
    while True:
        page = ctx.call(client, "list_web_acls", **params)
        yield from page.get("WebACLs") or []
        marker = page.get("NextMarker")
        if not marker or not page.get("WebACLs"):
            return
        params["NextMarker"] = marker


def _web_acl(ctx: CollectContext, client: Any, summary: dict[str, Any], scope: str) -> Resource:
    acl = ctx.call(client, "get_web_acl", Name=summary["Name"], Scope=scope, Id=summary["Id"])
    web_acl = acl["WebACL"]
    arn = web_acl["ARN"]
    tag_answer = ctx.call(client, "list_tags_for_resource", ResourceARN=arn)
    refs: dict[str, str | list[str]] = {}
    if scope == "REGIONAL":
        refs["resources"] = _associated(ctx, client, arn)
    return ctx.resource(
        arn,
        "aws_wafv2_web_acl",
        region=CLOUDFRONT_REGION if scope == "CLOUDFRONT" else ctx.region,
        name=web_acl.get("Name"),
        tags=tags_of((tag_answer.get("TagInfoForResource") or {}).get("TagList")),
        attributes={
            "name": web_acl.get("Name"),
            "scope": scope,
            "default_action": _default_action(web_acl.get("DefaultAction")),
            "rules": [_rule(rule) for rule in web_acl.get("Rules") or []],
        },
        refs=refs,
    )


def _associated(ctx: CollectContext, client: Any, arn: str) -> list[str]:
    """ARNs of the regional resources the web ACL is associated with."""
    found: list[str] = []
    for kind in ASSOCIATED_TYPES:
        answer = ctx.call(client, "list_resources_for_web_acl", WebACLArn=arn, ResourceType=kind)
        found.extend(answer.get("ResourceArns") or [])
    return sorted(found)


def _default_action(action: dict[str, Any] | None) -> str | None:
    """``allow`` or ``block``."""
    for key in ("Allow", "Block"):
        if action and key in action:
            return key.lower()
    return None


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule: name, priority, managed rule group (when it is one) and override/action."""
    statement = rule.get("Statement") or {}
    shaped: dict[str, Any] = {"name": rule.get("Name"), "priority": rule.get("Priority")}
    managed = statement.get("ManagedRuleGroupStatement")
    if managed:
        shaped["managed_rule_group"] = {
            "vendor": managed.get("VendorName"),
            "name": managed.get("Name"),
        }
    reference = statement.get("RuleGroupReferenceStatement")
    if reference:
        shaped["rule_group_arn"] = reference.get("ARN")
    override = rule.get("OverrideAction")
    if override:
        shaped["override_action"] = "count" if "Count" in override else "none"
    action = rule.get("Action")
    if action:
        shaped["action"] = next(iter(action)).lower()
    return shaped


SPEC = ServiceSpec(
    name="wafv2",
    collect=collect,
    permissions=(
        "wafv2:ListWebACLs",
        "wafv2:GetWebACL",
        "wafv2:ListTagsForResource",
        "wafv2:ListResourcesForWebACL",
    ),
    scope=Scope.REGIONAL,
    types=("aws_wafv2_web_acl",),
)
