"""CloudFront collector against a moto server: origins, TLS floor, geo restriction, web ACL."""

from __future__ import annotations

from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import cloudfront
from scanner.inventory.model import CoverageStatus

ALB_DNS = "prod-alb-1.us-west-2.elb.amazonaws.com"
WEB_ACL = f"arn:aws:wafv2:us-east-1:{DEFAULT_ACCOUNT}:global/webacl/edge/0d1e2f"


def _config(reference: str, enabled: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": enabled,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "alb",
                    "DomainName": ALB_DNS,
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "alb",
            "ViewerProtocolPolicy": "redirect-to-https",
            "Compress": enabled,
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
        **extra,
    }


def seed_distributions(moto: Seeder) -> dict[str, Any]:
    """prod: alias, TLSv1.2_2021, US/CA allow-list, WAF; legacy: disabled, bare."""
    client = moto.client("cloudfront")
    prod = client.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": _config(
                "prod",
                Aliases={"Quantity": 1, "Items": ["www.example.com"]},
                ViewerCertificate={
                    "ACMCertificateArn": f"arn:aws:acm:us-east-1:{DEFAULT_ACCOUNT}:certificate/c",
                    "SSLSupportMethod": "sni-only",
                    "MinimumProtocolVersion": "TLSv1.2_2021",
                },
                Restrictions={
                    "GeoRestriction": {
                        "RestrictionType": "whitelist",
                        "Quantity": 2,
                        "Items": ["US", "CA"],
                    }
                },
                WebACLId=WEB_ACL,
            ),
            "Tags": {"Items": [{"Key": "Environment", "Value": "prod"}]},
        }
    )["Distribution"]
    legacy = client.create_distribution(DistributionConfig=_config("legacy", enabled=False))
    return {"prod": prod, "legacy": legacy["Distribution"]}


def test_distribution_edge_settings(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed_distributions(moto)
    inventory = audit(["cloudfront"], regions=["us-west-2"])
    found = inventory.by_id()
    prod = found[seeded["prod"]["ARN"]]
    assert (prod.type, prod.name) == ("aws_cloudfront_distribution", seeded["prod"]["Id"])
    assert prod.tags == {"Environment": "prod"}
    attributes = prod.attributes
    assert attributes["domain_name"] == seeded["prod"]["DomainName"]
    assert attributes["enabled"] is True
    assert attributes["aliases"] == ["www.example.com"]
    assert attributes["origins"] == [{"domain_name": ALB_DNS, "id": "alb"}]
    assert attributes["default_cache_behavior"] == {
        "compress": True,
        "viewer_protocol_policy": "redirect-to-https",
        "target_origin_id": "alb",
    }
    assert attributes["minimum_protocol_version"] == "TLSv1.2_2021"
    assert attributes["geo_restriction"] == {
        "restriction_type": "whitelist",
        "locations": ["CA", "US"],
    }
    assert attributes["web_acl_id"] == WEB_ACL
    assert prod.refs == {"web_acl": WEB_ACL}

    legacy = found[seeded["legacy"]["ARN"]]
    assert legacy.attributes["enabled"] is False
    assert legacy.attributes["default_cache_behavior"]["compress"] is False
    assert legacy.attributes["geo_restriction"] == {"restriction_type": "none", "locations": []}
    assert legacy.attributes["web_acl_id"] is None
    assert legacy.refs == {}
    assert legacy.tags == {}

    # global: collected once per account even when only another region is selected
    assert [(e.region, e.service, e.status) for e in inventory.coverage] == [
        ("global", "cloudfront", CoverageStatus.OK)
    ]


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed_distributions(moto)
    ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: moto.client(s, r))
    assert len(list(cloudfront.SPEC.collect(ctx))) == 2
    assert set(ctx.calls) == set(cloudfront.SPEC.permissions)
