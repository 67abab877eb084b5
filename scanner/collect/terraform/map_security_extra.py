"""Plan mappers for the storage and security controls' types (STO-003, SEC-003..SEC-007).

Each produces the attribute names of the live collector of the same type
(scanner/collect/aws/services/: secretsmanager, cloudtrail, config, guardduty, ecr, dlm).
Split resources that AWS reports on their parent (a secret's rotation, a recorder's
status) are mapped as resources of their own and joined by the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    KMS_KEY,
    UNKNOWN,
    MapContext,
    PathStep,
    to_bool,
    to_int,
)

SECRET = frozenset({"aws_secretsmanager_secret"})


def _flag(ctx: MapContext, name: str, *path: PathStep, default: bool) -> None:
    """A boolean attribute from ``path``; ``default`` when a new resource leaves it out."""
    found = ctx.defaulted(*path, default=default)
    if found is ABSENT or found is None:
        found = default
    ctx.set(name, found if found is UNKNOWN else bool(to_bool(found)))


def map_secretsmanager_secret(ctx: MapContext) -> None:
    """aws_secretsmanager_secret; rotation comes from aws_secretsmanager_secret_rotation.

    AWS provider 4 still reports ``rotation_enabled`` on the secret: it is kept when known.
    """
    ctx.copy("name", "name")
    rotation = ctx.get("rotation_enabled")
    if isinstance(rotation, bool):
        ctx.set("rotation_enabled", rotation)
    ctx.set("kms_key_id_set", ctx.is_set("kms_key_id"))
    ctx.ref("kms_key", "kms_key_id", targets=KMS_KEY)
    ctx.name_from(ctx.value("name"))


def map_secretsmanager_secret_rotation(ctx: MapContext) -> None:
    """aws_secretsmanager_secret_rotation: its schedule and the secret it rotates."""
    ctx.copy("rotation_days", "rotation_rules", 0, "automatically_after_days", convert=to_int)
    ctx.copy("rotation_schedule", "rotation_rules", 0, "schedule_expression")
    ctx.ref("secret", "secret_id", targets=SECRET)


def map_cloudtrail(ctx: MapContext) -> None:
    """aws_cloudtrail."""
    ctx.copy("name", "name")
    _flag(ctx, "is_multi_region_trail", "is_multi_region_trail", default=False)
    _flag(ctx, "is_organization_trail", "is_organization_trail", default=False)
    _flag(ctx, "log_file_validation_enabled", "enable_log_file_validation", default=False)
    _flag(ctx, "is_logging", "enable_logging", default=True)
    ctx.set("kms_key_id_set", ctx.is_set("kms_key_id"))
    ctx.copy("s3_bucket_name", "s3_bucket_name")
    ctx.name_from(ctx.value("name"))


def map_config_recorder(ctx: MapContext) -> None:
    """aws_config_configuration_recorder; ``recording`` comes from the recorder status type."""
    name = ctx.defaulted("name", default="default")
    ctx.set("name", "default" if name is ABSENT else name)
    group: tuple[PathStep, ...] = ("recording_group", 0)
    if ctx.count("recording_group") == 0:
        # AWS's default recording group: every supported type, global ones included.
        ctx.set("all_supported", True)
        ctx.set("include_global_resource_types", True)
        ctx.set("resource_types", [])
    else:
        _flag(ctx, "all_supported", *group, "all_supported", default=True)
        _flag(
            ctx,
            "include_global_resource_types",
            *group,
            "include_global_resource_types",
            default=False,
        )
        types = ctx.get(*group, "resource_types")
        ctx.set("resource_types", types if types is UNKNOWN else list(types or []))
    ctx.name_from(ctx.value("name"))


def map_config_recorder_status(ctx: MapContext) -> None:
    """aws_config_configuration_recorder_status: whether the named recorder records."""
    ctx.copy("name", "name")
    _flag(ctx, "recording", "is_enabled", default=False)
    ctx.name_from(ctx.value("name"))


def map_guardduty_detector(ctx: MapContext) -> None:
    """aws_guardduty_detector: ``status`` as GetDetector reports it."""
    enable = ctx.defaulted("enable", default=True)
    if enable is UNKNOWN:
        ctx.mark_unknown("status")
    else:
        ctx.set("status", "ENABLED" if to_bool(enable) in (True, None) else "DISABLED")
    ctx.copy("finding_publishing_frequency", "finding_publishing_frequency")


def map_ecr_repository(ctx: MapContext) -> None:
    """aws_ecr_repository."""
    ctx.copy("name", "name")
    _flag(ctx, "scan_on_push", "image_scanning_configuration", 0, "scan_on_push", default=False)
    mutability = ctx.defaulted("image_tag_mutability", default="MUTABLE")
    ctx.set("image_tag_mutability", "MUTABLE" if mutability is ABSENT else mutability)
    encryption = ctx.get("encryption_configuration", 0, "encryption_type")
    ctx.set("encryption_type", "AES256" if encryption in (ABSENT, None) else encryption)
    ctx.ref("kms_key", "encryption_configuration", 0, "kms_key", targets=KMS_KEY)
    ctx.name_from(ctx.value("name"))


def retain_days(create: dict[str, Any], retain: dict[str, Any] | None) -> float | None:
    """The live DLM collector's ``retain_days``, imported on first use: that module pulls
    in botocore, which a plan run otherwise never loads."""
    from scanner.collect.aws.services.dlm import retain_days as live_retain_days

    return live_retain_days(create, retain)


def map_dlm_lifecycle_policy(ctx: MapContext) -> None:
    """aws_dlm_lifecycle_policy: schedules with ``retain_days`` as the live collector has them."""
    ctx.copy("description", "description")
    state = ctx.defaulted("state", default="ENABLED")
    ctx.set("state", "ENABLED" if state is ABSENT else state)
    details: tuple[PathStep, ...] = ("policy_details", 0)
    kind = ctx.get(*details, "policy_type")
    ctx.set("policy_type", "EBS_SNAPSHOT_MANAGEMENT" if kind in (ABSENT, None) else kind)
    ctx.set("default_policy", ctx.value("default_policy") is not None)
    ctx.copy("resource_types", *details, "resource_types")
    ctx.set("target_tags", ctx.value(*details, "target_tags") or {})
    count = ctx.count(*details, "schedule")
    if count is UNKNOWN:
        ctx.mark_unknown("schedules")
        return
    schedules = [_schedule(ctx, (*details, "schedule", pos)) for pos in range(count)]
    if not schedules and ctx.value("default_policy") is not None:
        schedules = [_default_schedule(ctx, details)]
    ctx.set("schedules", schedules)


def _default_schedule(ctx: MapContext, details: tuple[PathStep, ...]) -> dict[str, Any]:
    """The one schedule a default policy implies: its create and retain intervals, in days."""
    create = {"interval": to_int(ctx.value(*details, "create_interval")), "interval_unit": "DAYS"}
    retain = {
        "count": None,
        "interval": to_int(ctx.value(*details, "retain_interval")),
        "interval_unit": "DAYS",
    }
    return {
        "name": "default",
        "create_rule": create,
        "retain_rule": retain,
        "retain_days": retain_days(create, retain),
        "cross_region_copy_rules": [],
    }


def _schedule(ctx: MapContext, base: tuple[PathStep, ...]) -> dict[str, Any]:
    """One schedule with Terraform's names and the days it keeps a snapshot."""
    value = ctx.value
    if UNKNOWN in (ctx.get(*base, "retain_rule"), ctx.get(*base, "create_rule")):
        ctx.mark_unknown("schedules")
    create = {
        "interval": to_int(value(*base, "create_rule", 0, "interval")),
        "interval_unit": value(*base, "create_rule", 0, "interval_unit") or "HOURS",
        "cron_expression": value(*base, "create_rule", 0, "cron_expression"),
        "location": value(*base, "create_rule", 0, "location"),
    }
    retain = None
    if ctx.count(*base, "retain_rule"):
        retain = {
            "count": to_int(value(*base, "retain_rule", 0, "count")),
            "interval": to_int(value(*base, "retain_rule", 0, "interval")),
            "interval_unit": value(*base, "retain_rule", 0, "interval_unit"),
        }
    return {
        "name": value(*base, "name"),
        "create_rule": create,
        "retain_rule": retain,
        "retain_days": retain_days(create, retain),
        "cross_region_copy_rules": [],
    }


EXTRA_MAPPERS: dict[str, Callable[[MapContext], None]] = {
    "aws_secretsmanager_secret": map_secretsmanager_secret,
    "aws_secretsmanager_secret_rotation": map_secretsmanager_secret_rotation,
    "aws_cloudtrail": map_cloudtrail,
    "aws_config_configuration_recorder": map_config_recorder,
    "aws_config_configuration_recorder_status": map_config_recorder_status,
    "aws_guardduty_detector": map_guardduty_detector,
    "aws_ecr_repository": map_ecr_repository,
    "aws_dlm_lifecycle_policy": map_dlm_lifecycle_policy,
}
