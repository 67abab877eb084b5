"""KMS: customer-managed keys and whether they rotate (SEC-002)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

NO_ROTATION_ANSWER = ("UnsupportedOperationException",)  # asymmetric and imported keys


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_kms_key per customer-managed key of the region."""
    kms = ctx.client("kms")
    for item in ctx.paginate(kms, "list_keys", "Keys"):
        key_id = item["KeyId"]
        meta = ctx.call(kms, "describe_key", KeyId=key_id)["KeyMetadata"]
        if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") == "PendingDeletion":
            continue
        rotation = ctx.optional(kms, "get_key_rotation_status", NO_ROTATION_ANSWER, KeyId=key_id)
        tags = ctx.call(kms, "list_resource_tags", KeyId=key_id)
        yield ctx.resource(
            meta["Arn"],
            "aws_kms_key",
            name=meta.get("Description") or key_id,
            tags={item["TagKey"]: item["TagValue"] for item in (tags or {}).get("Tags", [])},
            attributes={
                "description": meta.get("Description", ""),
                "key_usage": meta.get("KeyUsage"),
                "enable_key_rotation": bool((rotation or {}).get("KeyRotationEnabled", False)),
                "multi_region": bool(meta.get("MultiRegion", False)),
                "customer_managed": True,
                "key_state": meta.get("KeyState"),
            },
        )


SPEC = ServiceSpec(
    name="kms",
    collect=collect,
    permissions=(
        "kms:ListKeys",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
    ),
    scope=Scope.REGIONAL,
    types=("aws_kms_key",),
)
