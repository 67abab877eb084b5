"""CloudFront: distributions, origins, TLS floor, geo restriction, web ACL (EDGE-001..003)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_cloudfront_distribution per distribution of the account."""
    cloudfront = ctx.client("cloudfront")
    for summary in _distributions(ctx, cloudfront):
        answer = ctx.call(cloudfront, "list_tags_for_resource", Resource=summary["ARN"])
        tags = tags_of((answer.get("Tags") or {}).get("Items"))
        yield _distribution(ctx, summary, tags)


def _distributions(ctx: CollectContext, client: Any) -> Iterator[dict[str, Any]]:
    """Every distribution summary, page by page (the list is nested under DistributionList)."""
    params: dict[str, Any] = {}
    while True:
        page = ctx.call(client, "list_distributions", **params).get("DistributionList") or {}
        yield from page.get("Items") or []
        marker = page.get("NextMarker")
        if not page.get("IsTruncated") or not marker:
            return
        params["Marker"] = marker


def _items(block: dict[str, Any] | None) -> list[Any]:
    """The ``Items`` of a CloudFront ``{Quantity, Items}`` block."""
    return list((block or {}).get("Items") or [])


def _distribution(ctx: CollectContext, item: dict[str, Any], tags: dict[str, str]) -> Resource:
    behavior = item.get("DefaultCacheBehavior") or {}
    certificate = item.get("ViewerCertificate") or {}
    geo = (item.get("Restrictions") or {}).get("GeoRestriction") or {}
    web_acl = item.get("WebACLId") or None
    return ctx.resource(
        item["ARN"],
        "aws_cloudfront_distribution",
        name=item["Id"],
        tags=tags,
        attributes={
            "distribution_id": item["Id"],
            "domain_name": item.get("DomainName"),
            "enabled": bool(item.get("Enabled", False)),
            "status": item.get("Status"),
            "aliases": _items(item.get("Aliases")),
            "origins": [
                {"domain_name": origin.get("DomainName"), "id": origin.get("Id")}
                for origin in _items(item.get("Origins"))
            ],
            "default_cache_behavior": {
                "compress": bool(behavior.get("Compress", False)),
                "viewer_protocol_policy": behavior.get("ViewerProtocolPolicy"),
                "target_origin_id": behavior.get("TargetOriginId"),
            },
            "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
            "cloudfront_default_certificate": bool(
                certificate.get("CloudFrontDefaultCertificate", False)
            ),
            "geo_restriction": {
                "restriction_type": geo.get("RestrictionType", "none"),
                "locations": sorted(_items(geo)),
            },
            "web_acl_id": web_acl,
            "price_class": item.get("PriceClass"),
        },
        refs={"web_acl": web_acl} if web_acl and web_acl.startswith("arn:") else {},
    )


SPEC = ServiceSpec(
    name="cloudfront",
    collect=collect,
    permissions=("cloudfront:ListDistributions", "cloudfront:ListTagsForResource"),
    scope=Scope.GLOBAL,
    types=("aws_cloudfront_distribution",),
)
