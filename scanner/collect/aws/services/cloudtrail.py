"""CloudTrail: trails, their validation, encryption and logging status (SEC-006).

Collected per region, each trail reported once: by the region that is its home. DescribeTrails
is asked for shadow trails too, because an organization trail reaches a member account only as
a shadow; keeping the entries whose HomeRegion is this region drops the replicas of
multi-region trails without losing it. The status is read in that home region, by ARN (what
a member account must use for an organization trail).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_cloudtrail per trail whose home region is this region."""
    client = ctx.client("cloudtrail")
    answer = ctx.call(client, "describe_trails", includeShadowTrails=True)
    for trail in answer.get("trailList") or []:
        if trail.get("HomeRegion", ctx.region) != ctx.region:
            continue  # a replica of a trail homed elsewhere: reported by its home region
        yield _trail(ctx, client, trail)


def _trail(ctx: CollectContext, client: Any, trail: dict[str, Any]) -> Resource:
    arn = trail["TrailARN"]
    status = ctx.call(client, "get_trail_status", Name=arn)
    owner = owner_account(arn)
    tags: dict[str, str] = {}
    if owner == ctx.account:  # another account's (organization) trail: its tags are not ours
        listed = ctx.call(client, "list_tags", ResourceIdList=[arn])
        for item in listed.get("ResourceTagList") or []:
            tags.update(tags_of(item.get("TagsList")))
    return ctx.resource(
        arn,
        "aws_cloudtrail",
        name=trail.get("Name"),
        tags=tags,
        attributes={
            "name": trail.get("Name"),
            "is_multi_region_trail": bool(trail.get("IsMultiRegionTrail", False)),
            "is_organization_trail": bool(trail.get("IsOrganizationTrail", False)),
            "log_file_validation_enabled": bool(trail.get("LogFileValidationEnabled", False)),
            "kms_key_id_set": bool(trail.get("KmsKeyId")),
            "is_logging": bool(status.get("IsLogging", False)),
            "home_region": trail.get("HomeRegion", ctx.region),
            "s3_bucket_name": trail.get("S3BucketName"),
            "owner_account": owner,
        },
    )


def owner_account(arn: str) -> str | None:
    """The account field of an ARN (``arn:aws:cloudtrail:region:account:trail/name``)."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


SPEC = ServiceSpec(
    name="cloudtrail",
    collect=collect,
    permissions=(
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags",
    ),
    scope=Scope.REGIONAL,
    types=("aws_cloudtrail",),
)
