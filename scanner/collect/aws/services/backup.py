"""AWS Backup: plans with their rules and cross-region copies, and vaults (DB-005, DR-004).

Refs to vaults are vault ARNs, so a plan's copy destinations join the vaults of other
regions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

Item = dict[str, Any]


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_backup_plan per plan and one aws_backup_vault per vault of the region."""
    backup = ctx.client("backup")
    for summary in ctx.paginate(backup, "list_backup_plans", "BackupPlansList"):
        plan = ctx.call(backup, "get_backup_plan", BackupPlanId=summary["BackupPlanId"])
        tags = ctx.call(backup, "list_tags", ResourceArn=plan["BackupPlanArn"])
        yield plan_resource(ctx, plan, dict(tags.get("Tags") or {}))
    for vault in ctx.paginate(backup, "list_backup_vaults", "BackupVaultList"):
        tags = ctx.call(backup, "list_tags", ResourceArn=vault["BackupVaultArn"])
        yield vault_resource(ctx, vault, dict(tags.get("Tags") or {}))


def plan_resource(ctx: CollectContext, plan: Item, tags: dict[str, str]) -> Resource:
    """aws_backup_plan from GetBackupPlan."""
    arn: str = plan["BackupPlanArn"]
    body = plan.get("BackupPlan") or {}
    rules = [rule_of(arn, rule) for rule in body.get("Rules") or []]
    return ctx.resource(
        arn,
        "aws_backup_plan",
        name=body.get("BackupPlanName"),
        tags=tags,
        attributes={"name": body.get("BackupPlanName"), "rules": rules},
        refs={
            "target_vaults": sorted({rule["target_vault_arn"] for rule in rules}),
            "copy_destinations": sorted(
                {copy["destination_vault_arn"] for rule in rules for copy in rule["copy_actions"]}
            ),
        },
    )


def rule_of(plan_arn: str, rule: Item) -> Item:
    """One plan rule, Terraform's names; the target vault as an ARN of the plan's region."""
    return {
        "rule_name": rule.get("RuleName"),
        "target_vault_name": rule.get("TargetBackupVaultName"),
        "target_vault_arn": vault_arn(plan_arn, rule.get("TargetBackupVaultName", "")),
        "schedule": rule.get("ScheduleExpression"),
        "schedule_expression_timezone": rule.get("ScheduleExpressionTimezone"),
        "start_window": rule.get("StartWindowMinutes"),
        "completion_window": rule.get("CompletionWindowMinutes"),
        "enable_continuous_backup": bool(rule.get("EnableContinuousBackup", False)),
        "lifecycle": lifecycle_of(rule.get("Lifecycle")),
        "copy_actions": [
            {
                "destination_vault_arn": copy["DestinationBackupVaultArn"],
                "destination_region": copy["DestinationBackupVaultArn"].split(":")[3],
                "lifecycle": lifecycle_of(copy.get("Lifecycle")),
            }
            for copy in rule.get("CopyActions") or []
        ],
    }


def lifecycle_of(lifecycle: Item | None) -> Item | None:
    """``{cold_storage_after, delete_after}`` in days, or None when recovery points stay."""
    if not lifecycle:
        return None
    return {
        "cold_storage_after": lifecycle.get("MoveToColdStorageAfterDays"),
        "delete_after": lifecycle.get("DeleteAfterDays"),
    }


def vault_arn(plan_arn: str, name: str) -> str:
    """The ARN of vault ``name`` in the plan's partition, region and account."""
    return ":".join(plan_arn.split(":")[:5]) + f":backup-vault:{name}"


def vault_resource(ctx: CollectContext, vault: Item, tags: dict[str, str]) -> Resource:
    """aws_backup_vault from ListBackupVaults."""
    refs: dict[str, str | list[str]] = {}
    if vault.get("EncryptionKeyArn"):
        refs["kms_key"] = vault["EncryptionKeyArn"]
    return ctx.resource(
        vault["BackupVaultArn"],
        "aws_backup_vault",
        name=vault["BackupVaultName"],
        tags=tags,
        attributes={
            "name": vault["BackupVaultName"],
            "kms_key_arn": vault.get("EncryptionKeyArn"),
            "locked": bool(vault.get("Locked", False)),
            "recovery_points": vault.get("NumberOfRecoveryPoints"),
        },
        refs=refs,
    )


SPEC = ServiceSpec(
    name="backup",
    collect=collect,
    permissions=(
        "backup:ListBackupPlans",
        "backup:GetBackupPlan",
        "backup:ListBackupVaults",
        "backup:ListTags",
    ),
    scope=Scope.REGIONAL,
    types=("aws_backup_plan", "aws_backup_vault"),
)
