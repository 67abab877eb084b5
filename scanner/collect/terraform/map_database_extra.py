"""Plan mappers the database and cache controls need beyond map_database (DB-005, DB-006).

Subnet groups, cross-region automated backup replication, AWS Backup plans and vaults, in the
shapes the live collectors (``services/rds.py``, ``elasticache.py``, ``backup.py``) give them.
Regions of plan resources come from their provider configuration, as the collector's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.collect.terraform.mapping import ABSENT, SUBNET, UNKNOWN, VPC, MapContext, to_int
from scanner.collect.terraform.providers import Providers

Mapper = Callable[[MapContext], None]

DB_INSTANCE = frozenset({"aws_db_instance"})
BACKUP_VAULT = frozenset({"aws_backup_vault"})


def region_of_arn(value: Any) -> str | None:
    """The region field of a known ARN string."""
    if isinstance(value, str) and value.startswith("arn:") and value.count(":") >= 5:
        return value.split(":")[3] or None
    return None


def _providers(ctx: MapContext) -> Providers:
    """One Providers per plan, kept in the resolver's memo."""
    found = ctx.resolver.memo.get("database_extra.providers")
    if found is None:
        found = Providers(ctx.resolver.config)
        ctx.resolver.memo["database_extra.providers"] = found
    return found


def region_of_address(ctx: MapContext, address: str | None) -> str | None:
    """The region of a resource of the plan (its provider's), or None."""
    instance = ctx.resolver.index.by_address.get(address or "")
    return _providers(ctx).for_instance(instance).region if instance is not None else None


def _subnet_group(ctx: MapContext) -> None:
    ctx.copy("name", "name")
    ctx.copy("description", "description")
    result = ctx.resolve("subnet_ids", targets=SUBNET, many=True)
    ctx.store_ref("subnets", result)
    if result.value:
        ctx.set("subnets", list(result.value) if isinstance(result.value, list) else [result.value])
    elif result.unresolved:
        ctx.mark_unknown("subnets")
    else:
        ctx.set("subnets", [])
    if isinstance(ctx.value("vpc_id"), str):
        ctx.ref("vpc", "vpc_id", targets=VPC)
    ctx.name_from(ctx.value("name"))


def map_db_subnet_group(ctx: MapContext) -> None:
    """aws_db_subnet_group: ``name``, ``description``, ``subnets``; refs ``subnets``, ``vpc``."""
    _subnet_group(ctx)


def map_elasticache_subnet_group(ctx: MapContext) -> None:
    """aws_elasticache_subnet_group, the same shape as a DB subnet group."""
    _subnet_group(ctx)


def map_automated_backups_replication(ctx: MapContext) -> None:
    """aws_db_instance_automated_backups_replication, declared in its destination region."""
    source = ctx.get("source_db_instance_arn")
    ctx.set("source_db_instance_arn", source if source is not ABSENT else None)
    result = ctx.resolve("source_db_instance_arn", targets=DB_INSTANCE)
    ctx.store_ref("source_db_instance", result)
    source_region = region_of_arn(source)
    if source_region is None and isinstance(result.value, str):
        source_region = region_of_address(ctx, result.value)
    ctx.set("source_region", source_region)
    ctx.set("destination_region", region_of_address(ctx, ctx.instance.address))
    ctx.set("retention_period", to_int(ctx.value("retention_period")))


def map_backup_vault(ctx: MapContext) -> None:
    """aws_backup_vault: ``name``, ``kms_key_arn``; ``locked`` is live-only."""
    ctx.copy("name", "name")
    ctx.copy("kms_key_arn", "kms_key_arn")
    ctx.name_from(ctx.value("name"))


def map_backup_plan(ctx: MapContext) -> None:
    """aws_backup_plan: ``name`` and ``rules`` with ``copy_actions`` and their regions."""
    ctx.copy("name", "name")
    count = ctx.count("rule")
    if count is UNKNOWN:
        ctx.mark_unknown("rules")
        return
    rules: list[dict[str, Any]] = []
    targets: set[str] = set()
    copies: set[str] = set()
    for pos in range(count):
        rules.append(_rule(ctx, pos, targets, copies))
    ctx.set("rules", rules)
    if targets:
        ctx.refs["target_vaults"] = sorted(targets)
    if copies:
        ctx.refs["copy_destinations"] = sorted(copies)
    ctx.name_from(ctx.value("name"))


def _rule(ctx: MapContext, pos: int, targets: set[str], copies: set[str]) -> dict[str, Any]:
    base = ("rule", pos)
    target = ctx.resolve(*base, "target_vault_name", targets=BACKUP_VAULT)
    if isinstance(target.value, str):
        targets.add(target.value)
    actions = []
    count = ctx.count(*base, "copy_action")
    if count is UNKNOWN:
        ctx.mark_unknown("rules")
        count = 0
    for index in range(count):
        path = (*base, "copy_action", index)
        arn = ctx.get(*path, "destination_vault_arn")
        vault = ctx.resolve(*path, "destination_vault_arn", targets=BACKUP_VAULT)
        region = region_of_arn(arn)
        if isinstance(vault.value, str):
            copies.add(vault.value)
            region = region or region_of_address(ctx, vault.value)
        if region is None:
            ctx.mark_unknown("rules")
        actions.append(
            {
                "destination_vault_arn": arn if isinstance(arn, str) else None,
                "destination_region": region,
                "lifecycle": _lifecycle(ctx, (*path, "lifecycle", 0)),
            }
        )
    return {
        "rule_name": ctx.value(*base, "rule_name"),
        "target_vault_name": ctx.value(*base, "target_vault_name"),
        "schedule": ctx.value(*base, "schedule"),
        "lifecycle": _lifecycle(ctx, (*base, "lifecycle", 0)),
        "copy_actions": actions,
    }


def _lifecycle(ctx: MapContext, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """``{cold_storage_after, delete_after}`` in days, or None without a lifecycle block."""
    if not isinstance(ctx.get(*path, partial=True), dict):
        return None
    return {
        "cold_storage_after": to_int(ctx.value(*path, "cold_storage_after")) or None,
        "delete_after": to_int(ctx.value(*path, "delete_after")) or None,
    }


EXTRA_MAPPERS: dict[str, Mapper] = {
    "aws_db_subnet_group": map_db_subnet_group,
    "aws_elasticache_subnet_group": map_elasticache_subnet_group,
    "aws_db_instance_automated_backups_replication": map_automated_backups_replication,
    "aws_backup_plan": map_backup_plan,
    "aws_backup_vault": map_backup_vault,
}
