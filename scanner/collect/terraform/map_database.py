"""Mappers for Aurora clusters and instances, RDS instances and ElastiCache groups."""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    CACHE_SUBNET_GROUP,
    DB_SUBNET_GROUP,
    KMS_KEY,
    RDS_CLUSTER,
    UNKNOWN,
    MapContext,
    none_if_empty,
    to_int,
    to_number,
)


def map_rds_cluster(ctx: MapContext) -> None:
    """aws_rds_cluster."""
    ctx.copy("cluster_identifier", "cluster_identifier")
    ctx.copy("engine", "engine")
    ctx.set("engine_mode", ctx.defaulted("engine_mode", default="provisioned"))
    ctx.copy("engine_version", "engine_version")
    ctx.set("storage_encrypted", ctx.defaulted("storage_encrypted", default=False))
    ctx.set("kms_key_id_set", ctx.is_set("kms_key_id"))
    ctx.copy("backup_retention_period", "backup_retention_period", convert=to_int)
    ctx.copy("availability_zones", "availability_zones")
    _serverless_v2(ctx)
    ctx.copy("global_cluster_identifier", "global_cluster_identifier", convert=none_if_empty)
    ctx.copy(
        "replication_source_identifier", "replication_source_identifier", convert=none_if_empty
    )
    ctx.set("deletion_protection", ctx.defaulted("deletion_protection", default=False))
    ctx.ref("subnet_group", "db_subnet_group_name", targets=DB_SUBNET_GROUP)
    ctx.ref("kms_key", "kms_key_id", targets=KMS_KEY)
    ctx.name_from(ctx.value("cluster_identifier"))


def _serverless_v2(ctx: MapContext) -> None:
    count = ctx.count("serverlessv2_scaling_configuration")
    if count is UNKNOWN:
        ctx.mark_unknown("serverless_v2")
        return
    if not count:
        return
    scaling: dict[str, Any] = {}
    for field in ("min_capacity", "max_capacity", "seconds_until_auto_pause"):
        value = ctx.get("serverlessv2_scaling_configuration", 0, field)
        if value is UNKNOWN:
            ctx.mark_unknown("serverless_v2")
            value = None
        scaling[field] = None if value is ABSENT else to_number(value)
    ctx.set("serverless_v2", scaling)


def map_rds_cluster_instance(ctx: MapContext) -> None:
    """aws_rds_cluster_instance."""
    ctx.copy("identifier", "identifier")
    ctx.copy("instance_class", "instance_class")
    ctx.copy("engine", "engine")
    ctx.set("publicly_accessible", ctx.defaulted("publicly_accessible", default=False))
    ctx.copy("availability_zone", "availability_zone")
    ctx.copy("promotion_tier", "promotion_tier", convert=to_int)
    ctx.ref("cluster", "cluster_identifier", targets=RDS_CLUSTER)
    ctx.name_from(ctx.value("identifier"))


def map_db_instance(ctx: MapContext) -> None:
    """aws_db_instance."""
    ctx.copy("identifier", "identifier")
    ctx.copy("engine", "engine")
    ctx.copy("instance_class", "instance_class")
    ctx.set("storage_encrypted", _default_if_null(ctx, "storage_encrypted", False))
    ctx.set("kms_key_id_set", ctx.is_set("kms_key_id"))
    ctx.set("multi_az", _default_if_null(ctx, "multi_az", False))
    ctx.set("publicly_accessible", _default_if_null(ctx, "publicly_accessible", False))
    ctx.copy("backup_retention_period", "backup_retention_period", convert=to_int)
    ctx.copy("storage_type", "storage_type")
    ctx.copy("replicate_source_db", "replicate_source_db", convert=none_if_empty)
    ctx.copy("availability_zone", "availability_zone")
    ctx.ref("subnet_group", "db_subnet_group_name", targets=DB_SUBNET_GROUP)
    ctx.ref("kms_key", "kms_key_id", targets=KMS_KEY)
    ctx.name_from(ctx.value("identifier"))


def _default_if_null(ctx: MapContext, field: str, default: Any) -> Any:
    """The value, or the provider's default when the plan shows null for an unset argument."""
    value = ctx.defaulted(field, default=default)
    return default if value is None else value


def map_elasticache_replication_group(ctx: MapContext) -> None:
    """aws_elasticache_replication_group (old and new argument names)."""
    ctx.copy("replication_group_id", "replication_group_id")
    ctx.set("engine", _default_if_null(ctx, "engine", "redis"))
    ctx.copy("node_type", "node_type")
    ctx.set("num_cache_clusters", _first(ctx, ("num_cache_clusters",), ("number_cache_clusters",)))
    groups = _first(ctx, ("num_node_groups",), ("cluster_mode", 0, "num_node_groups"))
    ctx.set("num_node_groups", groups)
    ctx.set(
        "replicas_per_node_group",
        _first(ctx, ("replicas_per_node_group",), ("cluster_mode", 0, "replicas_per_node_group")),
    )
    ctx.set("cluster_mode", _cluster_mode(ctx, groups))
    for field in (
        "automatic_failover_enabled",
        "multi_az_enabled",
        "at_rest_encryption_enabled",
        "transit_encryption_enabled",
    ):
        ctx.set(field, _default_if_null(ctx, field, False))
    ctx.ref("subnet_group", "subnet_group_name", targets=CACHE_SUBNET_GROUP)
    ctx.ref("kms_key", "kms_key_id", targets=KMS_KEY)
    ctx.name_from(ctx.value("replication_group_id"))


def _first(ctx: MapContext, *paths: tuple[Any, ...]) -> Any:
    """The first known integer among ``paths``; ``UNKNOWN`` if one of them is unknown."""
    unknown = False
    for path in paths:
        value = ctx.get(*path)
        if value is UNKNOWN:
            unknown = True
            continue
        number = to_int(value)
        if number is not None:
            return number
    return UNKNOWN if unknown else None


def _cluster_mode(ctx: MapContext, groups: Any) -> Any:
    """Cluster mode on: ``cluster_mode = "enabled"``, a cluster_mode block, or shards > 1."""
    mode = ctx.get("cluster_mode", partial=True)
    if isinstance(mode, str):
        return mode.lower() == "enabled"
    if isinstance(mode, list) and mode:
        return True
    if isinstance(groups, int):
        return groups > 1
    if mode is UNKNOWN or groups is UNKNOWN:
        return UNKNOWN
    return False
