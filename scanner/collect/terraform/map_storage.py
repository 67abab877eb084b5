"""Mappers for EBS volumes and S3 buckets, with S3's split configuration resources."""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    KMS_KEY,
    S3_BUCKET,
    UNKNOWN,
    MapContext,
    PathStep,
    to_bool,
    to_int,
)
from scanner.inventory.model import Resource


def map_ebs_volume(ctx: MapContext) -> None:
    """aws_ebs_volume."""
    ctx.copy("type", "type")
    ctx.copy("size", "size", convert=to_int)
    ctx.copy("iops", "iops", convert=to_int)
    ctx.copy("encrypted", "encrypted")
    ctx.copy("availability_zone", "availability_zone")
    snapshot = ctx.defaulted("snapshot_id", default=None)
    ctx.set("snapshot_id", None if snapshot == "" else snapshot)
    ctx.ref("kms_key", "kms_key_id", targets=KMS_KEY)


# -- S3 buckets: inline (AWS provider < 4) blocks -------------------------------------------


def map_s3_bucket(ctx: MapContext) -> None:
    """aws_s3_bucket; the split configuration resources fold in later and win."""
    ctx.copy("bucket", "bucket")
    _inline_versioning(ctx)
    _inline_encryption(ctx)
    _inline_lifecycle(ctx)
    _inline_replication(ctx)
    ctx.name_from(ctx.value("bucket"))


def _computed_unset(ctx: MapContext, field: str) -> bool:
    """A block computed only because nothing configures it inline (AWS provider 4+)."""
    return ctx.count(field) is UNKNOWN and ctx.configured(field) is False


def _inline_versioning(ctx: MapContext) -> None:
    count = ctx.count("versioning")
    if count is UNKNOWN:
        if _computed_unset(ctx, "versioning") and "create" in (ctx.instance.actions or []):
            ctx.set("versioning", {"status": "Disabled", "mfa_delete": False})
        else:
            ctx.mark_unknown("versioning")
        return
    if not count:
        ctx.set("versioning", {"status": "Disabled", "mfa_delete": False})
        return
    enabled = ctx.get("versioning", 0, "enabled")
    mfa = ctx.get("versioning", 0, "mfa_delete")
    if enabled is UNKNOWN:
        ctx.mark_unknown("versioning")
        return
    status = "Enabled" if enabled else "Disabled"
    # An unknown MFA-delete setting leaves the versioning status decidable.
    ctx.set("versioning", {"status": status, "mfa_delete": None if mfa is UNKNOWN else bool(mfa)})
    if mfa is UNKNOWN:
        ctx.mark_unknown("versioning.mfa_delete")


def _inline_encryption(ctx: MapContext) -> None:
    base: tuple[PathStep, ...] = ("server_side_encryption_configuration", 0, "rule", 0)
    count = ctx.count("server_side_encryption_configuration")
    if count is UNKNOWN:
        ctx.mark_unknown("encryption")
        return
    if count:
        _set_encryption(ctx, base)


def _set_encryption(ctx: MapContext, rule: tuple[PathStep, ...]) -> None:
    default = (*rule, "apply_server_side_encryption_by_default", 0)
    algorithm = ctx.get(*default, "sse_algorithm")
    key_set = ctx.is_set(*default, "kms_master_key_id")
    bucket_key = ctx.get(*rule, "bucket_key_enabled")
    if UNKNOWN in (algorithm, key_set, bucket_key):
        ctx.mark_unknown("encryption")
    ctx.set(
        "encryption",
        {
            "sse_algorithm": None if algorithm in (UNKNOWN, ABSENT) else algorithm,
            "kms_master_key_id_set": None if key_set is UNKNOWN else bool(key_set),
            "bucket_key_enabled": bool(to_bool(bucket_key)) if bucket_key is not UNKNOWN else None,
        },
    )


def _inline_lifecycle(ctx: MapContext) -> None:
    count = ctx.count("lifecycle_rule")
    if count is UNKNOWN:
        ctx.set("lifecycle_rules", [])
        if not _computed_unset(ctx, "lifecycle_rule"):
            ctx.mark_unknown("lifecycle_rules")
        return
    rules = []
    for pos in range(count):
        base = ("lifecycle_rule", pos)
        enabled = ctx.get(*base, "enabled")
        rules.append(
            {
                "id": ctx.value(*base, "id"),
                "status": None if enabled is UNKNOWN else ("Enabled" if enabled else "Disabled"),
                "transitions": _transitions(ctx, (*base, "transition"), "days"),
                "expiration_days": to_int(ctx.value(*base, "expiration", 0, "days")),
                "noncurrent_transitions": _transitions(
                    ctx, (*base, "noncurrent_version_transition"), "days"
                ),
            }
        )
        if enabled is UNKNOWN:
            ctx.mark_unknown("lifecycle_rules")
    ctx.set("lifecycle_rules", rules)


def _transitions(ctx: MapContext, base: tuple[PathStep, ...], days_field: str) -> list[Any]:
    count = ctx.count(*base)
    if count is UNKNOWN:
        ctx.mark_unknown("lifecycle_rules")
        return []
    return [
        {
            "days": to_int(ctx.value(*base, pos, days_field)),
            "storage_class": ctx.value(*base, pos, "storage_class"),
        }
        for pos in range(count)
    ]


def _inline_replication(ctx: MapContext) -> None:
    count = ctx.count("replication_configuration")
    if count is UNKNOWN:
        if not _computed_unset(ctx, "replication_configuration"):
            ctx.mark_unknown("replication")
        return
    if count:
        _set_replication(ctx, ("replication_configuration", 0, "rules"), ctx)


def bucket_name(value: Any) -> str | None:
    """The bucket name from a bucket ARN (``arn:aws:s3:::name``) or a plain name."""
    if not isinstance(value, str):
        return None
    return value.split(":::", 1)[1] if value.startswith("arn:") and ":::" in value else value


def _set_replication(ctx: MapContext, rules_path: tuple[PathStep, ...], owner: Any) -> None:
    """Replication rules of ``ctx`` (the bucket or its split resource) onto ``owner``."""
    count = ctx.count(*rules_path)
    if count is UNKNOWN:
        _mark(owner, "replication")
        return
    rules, destinations = [], []
    for pos in range(count):
        destination = ctx.get(*rules_path, pos, "destination", 0, "bucket")
        linked = ctx.resolve(*rules_path, pos, "destination", 0, "bucket", targets=S3_BUCKET)
        if isinstance(linked.value, str):
            destinations.append(linked.value)
        elif linked.unresolved:
            _mark(owner, "refs.replication_destinations")
        rules.append(
            {
                "id": ctx.value(*rules_path, pos, "id"),
                "status": ctx.value(*rules_path, pos, "status"),
                "destination_bucket": bucket_name(destination),
            }
        )
    _assign(owner, "replication", {"rules": rules})
    if destinations:
        _link(owner, "replication_destinations", destinations)


# -- owners: the bucket's MapContext while mapping it, or its Resource when folding ----------


def _mark(owner: Any, name: str) -> None:
    if isinstance(owner, MapContext):
        owner.mark_unknown(name)
    elif name not in owner.unknown:
        owner.unknown.append(name)


def _assign(owner: Any, name: str, value: Any) -> None:
    """Set a bucket attribute; a split resource's value replaces an unknown inline one."""
    if isinstance(owner, MapContext):
        owner.set(name, value)
        return
    owner.attributes[name] = value
    if name in owner.unknown:
        owner.unknown.remove(name)


def _link(owner: Any, name: str, values: list[str]) -> None:
    if isinstance(owner, MapContext):
        owner.refs[name] = values
    else:
        owner.refs[name] = values
        if f"refs.{name}" in owner.unknown:
            owner.unknown.remove(f"refs.{name}")


# -- split resources folded into their bucket -------------------------------------------------


def fold_s3_versioning(ctx: MapContext, bucket: Resource) -> None:
    """aws_s3_bucket_versioning -> ``versioning``."""
    status = ctx.get("versioning_configuration", 0, "status")
    mfa = ctx.get("versioning_configuration", 0, "mfa_delete")
    if status is UNKNOWN:
        _mark(bucket, "versioning")
        return
    mfa_delete = None if mfa is UNKNOWN else str(mfa).lower() == "enabled"
    _assign(bucket, "versioning", {"status": status or "Disabled", "mfa_delete": mfa_delete})
    if mfa is UNKNOWN:
        _mark(bucket, "versioning.mfa_delete")


def fold_s3_encryption(ctx: MapContext, bucket: Resource) -> None:
    """aws_s3_bucket_server_side_encryption_configuration -> ``encryption``."""
    rule: tuple[PathStep, ...] = ("rule", 0)
    default = (*rule, "apply_server_side_encryption_by_default", 0)
    algorithm = ctx.get(*default, "sse_algorithm")
    key_set = ctx.is_set(*default, "kms_master_key_id")
    bucket_key = ctx.get(*rule, "bucket_key_enabled")
    _assign(
        bucket,
        "encryption",
        {
            "sse_algorithm": None if algorithm in (UNKNOWN, ABSENT) else algorithm,
            "kms_master_key_id_set": None if key_set is UNKNOWN else bool(key_set),
            "bucket_key_enabled": bool(to_bool(bucket_key)) if bucket_key is not UNKNOWN else None,
        },
    )
    if UNKNOWN in (algorithm, key_set, bucket_key):
        _mark(bucket, "encryption")


def fold_s3_public_access_block(ctx: MapContext, bucket: Resource) -> None:
    """aws_s3_bucket_public_access_block -> ``public_access_block``."""
    block: dict[str, Any] = {}
    unknown = False
    for field in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        value = ctx.get(field)
        unknown = unknown or value is UNKNOWN
        block[field] = bool(value) if value not in (UNKNOWN, ABSENT, None) else False
    _assign(bucket, "public_access_block", block)
    if unknown:
        _mark(bucket, "public_access_block")


def fold_s3_lifecycle(ctx: MapContext, bucket: Resource) -> None:
    """aws_s3_bucket_lifecycle_configuration -> ``lifecycle_rules``."""
    count = ctx.count("rule")
    if count is UNKNOWN:
        _mark(bucket, "lifecycle_rules")
        return
    rules = []
    for pos in range(count):
        base = ("rule", pos)
        rules.append(
            {
                "id": ctx.value(*base, "id"),
                "status": ctx.value(*base, "status"),
                "transitions": _transitions(ctx, (*base, "transition"), "days"),
                "expiration_days": to_int(ctx.value(*base, "expiration", 0, "days")),
                "noncurrent_transitions": _transitions(
                    ctx, (*base, "noncurrent_version_transition"), "noncurrent_days"
                ),
            }
        )
    _assign(bucket, "lifecycle_rules", rules)
    if "lifecycle_rules" in ctx.unknown:
        _mark(bucket, "lifecycle_rules")


def fold_s3_replication(ctx: MapContext, bucket: Resource) -> None:
    """aws_s3_bucket_replication_configuration -> ``replication``."""
    _set_replication(ctx, ("rule",), bucket)


def fold_s3_intelligent_tiering(ctx: MapContext, bucket: Resource) -> None:
    """aws_s3_bucket_intelligent_tiering_configuration -> one more ``intelligent_tiering``."""
    tierings = []
    count = ctx.count("tiering")
    for pos in range(count if isinstance(count, int) else 0):
        tierings.append(
            {
                "access_tier": ctx.value("tiering", pos, "access_tier"),
                "days": to_int(ctx.value("tiering", pos, "days")),
            }
        )
    configurations = bucket.attributes.setdefault("intelligent_tiering", [])
    if isinstance(configurations, list):
        configurations.append(
            {
                "name": ctx.value("name"),
                "status": ctx.value("status") or "Enabled",
                "tierings": tierings,
            }
        )
    if count is UNKNOWN:
        _mark(bucket, "intelligent_tiering")
