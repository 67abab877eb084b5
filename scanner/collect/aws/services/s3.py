"""S3: buckets with their versioning, encryption, public access block, lifecycle, replication
and Intelligent-Tiering (STO-004, STO-005, DR-002, DR-007).

Buckets are listed once per account; each bucket's settings are read with a client of the
bucket's own region. Only the documented "not configured" answers count as absent: any other
failure (a denied GetBucketEncryption, say) leaves the account's S3 uncollected, and no bucket
of that account is reported, so a rule cannot pass on a partial list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

NO_ENCRYPTION = ("ServerSideEncryptionConfigurationNotFoundError",)
NO_PUBLIC_ACCESS_BLOCK = ("NoSuchPublicAccessBlockConfiguration",)
NO_LIFECYCLE = ("NoSuchLifecycleConfiguration",)
NO_REPLICATION = ("ReplicationConfigurationNotFoundError",)
NO_TAGS = ("NoSuchTagSet",)

PUBLIC_ACCESS_BLOCK_FIELDS = {
    "BlockPublicAcls": "block_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "IgnorePublicAcls": "ignore_public_acls",
    "RestrictPublicBuckets": "restrict_public_buckets",
}
LEGACY_LOCATIONS = {"EU": "eu-west-1"}  # GetBucketLocation's historical names


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_s3_bucket per bucket of the account, in the bucket's region."""
    home = ctx.client("s3")
    names = [item["Name"] for item in ctx.paginate(home, "list_buckets", "Buckets")]
    # Read every bucket before reporting any: one failure fails the account's S3 entry whole.
    buckets = [_bucket(ctx, home, name) for name in names]
    yield from buckets


def bucket_region(location_constraint: str | None) -> str:
    """The region GetBucketLocation names: null or empty is us-east-1, ``EU`` is eu-west-1."""
    if not location_constraint:
        return "us-east-1"
    return LEGACY_LOCATIONS.get(location_constraint, location_constraint)


def bucket_arn(name: str) -> str:
    """``arn:aws:s3:::name``: a bucket's ARN carries neither region nor account."""
    return f"arn:aws:s3:::{name}"


def _bucket(ctx: CollectContext, home: Any, name: str) -> Resource:
    location = ctx.call(home, "get_bucket_location", Bucket=name).get("LocationConstraint")
    region = bucket_region(location)
    s3 = ctx.client("s3", region)  # the bucket's region, not the home region
    attributes, refs = _settings(ctx, s3, name)
    tagging = ctx.optional(s3, "get_bucket_tagging", NO_TAGS, Bucket=name)
    return ctx.resource(
        bucket_arn(name),
        "aws_s3_bucket",
        region=region,
        name=name,
        tags=tags_of((tagging or {}).get("TagSet")),
        attributes=attributes,
        refs=refs,
    )


def _settings(
    ctx: CollectContext, s3: Any, name: str
) -> tuple[dict[str, Any], dict[str, str | list[str]]]:
    """The bucket's canonical attributes and refs; blocks not configured stay absent."""
    attributes: dict[str, Any] = {
        "bucket": name,
        "versioning": versioning(ctx.call(s3, "get_bucket_versioning", Bucket=name)),
    }
    refs: dict[str, str | list[str]] = {}
    encryption = ctx.optional(s3, "get_bucket_encryption", NO_ENCRYPTION, Bucket=name)
    if encryption is not None:
        attributes["encryption"] = default_encryption(encryption)
    block = ctx.optional(s3, "get_public_access_block", NO_PUBLIC_ACCESS_BLOCK, Bucket=name)
    if block is not None:
        attributes["public_access_block"] = public_access_block(block)
    lifecycle = ctx.optional(s3, "get_bucket_lifecycle_configuration", NO_LIFECYCLE, Bucket=name)
    attributes["lifecycle_rules"] = lifecycle_rules(lifecycle)
    replication = ctx.optional(s3, "get_bucket_replication", NO_REPLICATION, Bucket=name)
    if replication is not None:
        attributes["replication"], destinations = replication_rules(replication)
        if destinations:
            refs["replication_destinations"] = destinations
    attributes["intelligent_tiering"] = [
        intelligent_tiering(item) for item in _tiering_configurations(ctx, s3, name)
    ]
    return attributes, refs


def versioning(answer: dict[str, Any]) -> dict[str, Any]:
    """GetBucketVersioning: a bucket never versioned has no Status (``Disabled`` here)."""
    return {
        "status": answer.get("Status") or "Disabled",
        "mfa_delete": answer.get("MFADelete") == "Enabled",
    }


def default_encryption(answer: dict[str, Any]) -> dict[str, Any]:
    """GetBucketEncryption: the default rule's algorithm, whether a KMS key is named, bucket key."""
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules") or [{}]
    rule = rules[0]
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    return {
        "sse_algorithm": default.get("SSEAlgorithm"),
        "kms_master_key_id_set": bool(default.get("KMSMasterKeyID")),
        "bucket_key_enabled": bool(rule.get("BucketKeyEnabled", False)),
    }


def public_access_block(answer: dict[str, Any]) -> dict[str, bool]:
    """GetPublicAccessBlock: the bucket's four settings (unset ones are false)."""
    config = answer.get("PublicAccessBlockConfiguration") or {}
    return {
        field: bool(config.get(key, False)) for key, field in PUBLIC_ACCESS_BLOCK_FIELDS.items()
    }


def lifecycle_rules(answer: dict[str, Any] | None) -> list[dict[str, Any]]:
    """GetBucketLifecycleConfiguration rules (none configured: an empty list)."""
    rules = []
    for rule in (answer or {}).get("Rules") or []:
        rules.append(
            {
                "id": rule.get("ID"),
                "status": rule.get("Status"),
                "transitions": [
                    {"days": item.get("Days"), "storage_class": item.get("StorageClass")}
                    for item in rule.get("Transitions") or []
                ],
                "expiration_days": (rule.get("Expiration") or {}).get("Days"),
                "noncurrent_transitions": [
                    {"days": item.get("NoncurrentDays"), "storage_class": item.get("StorageClass")}
                    for item in rule.get("NoncurrentVersionTransitions") or []
                ],
            }
        )
    return rules


def replication_rules(answer: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """GetBucketReplication: ``{rules: [...]}`` and the destination buckets' ARNs."""
    rules, destinations = [], []
    for rule in answer.get("ReplicationConfiguration", {}).get("Rules") or []:
        arn = (rule.get("Destination") or {}).get("Bucket") or ""
        name = arn.split(":::", 1)[1] if arn.startswith("arn:") and ":::" in arn else arn
        rules.append(
            {"id": rule.get("ID"), "status": rule.get("Status"), "destination_bucket": name}
        )
        if name and bucket_arn(name) not in destinations:
            destinations.append(bucket_arn(name))
    return {"rules": rules}, destinations


def intelligent_tiering(item: dict[str, Any]) -> dict[str, Any]:
    """One Intelligent-Tiering configuration, shaped as the plan mapper shapes it."""
    return {
        "name": item.get("Id"),
        "status": item.get("Status"),
        "tierings": [
            {"access_tier": tier.get("AccessTier"), "days": tier.get("Days")}
            for tier in item.get("Tierings") or []
        ],
    }


def _tiering_configurations(ctx: CollectContext, s3: Any, name: str) -> Iterator[dict[str, Any]]:
    """Every page of ListBucketIntelligentTieringConfigurations (botocore has no paginator)."""
    params: dict[str, Any] = {"Bucket": name}
    while True:
        page = ctx.call(s3, "list_bucket_intelligent_tiering_configurations", **params)
        yield from page.get("IntelligentTieringConfigurationList") or []
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return
        params["ContinuationToken"] = token


SPEC = ServiceSpec(
    name="s3",
    collect=collect,
    permissions=(
        "s3:ListAllMyBuckets",  # ListBuckets
        "s3:GetBucketLocation",  # GetBucketLocation
        "s3:GetBucketVersioning",  # GetBucketVersioning
        "s3:GetEncryptionConfiguration",  # GetBucketEncryption
        "s3:GetBucketPublicAccessBlock",  # GetPublicAccessBlock
        "s3:GetLifecycleConfiguration",  # GetBucketLifecycleConfiguration
        "s3:GetReplicationConfiguration",  # GetBucketReplication
        "s3:GetIntelligentTieringConfiguration",  # ListBucketIntelligentTieringConfigurations
        "s3:GetBucketTagging",  # GetBucketTagging
    ),
    scope=Scope.GLOBAL,
    types=("aws_s3_bucket",),
)
