"""Mappers for EKS clusters and node groups, launch templates and auto scaling groups."""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    EKS_CLUSTER,
    LAUNCH_TEMPLATE,
    SECURITY_GROUP,
    SUBNET,
    UNKNOWN,
    MapContext,
    to_bool,
    to_int,
)


def map_eks_cluster(ctx: MapContext) -> None:
    """aws_eks_cluster."""
    ctx.copy("name", "name")
    ctx.copy("version", "version")
    ctx.copy("endpoint_public_access", "vpc_config", 0, "endpoint_public_access")
    ctx.copy("endpoint_private_access", "vpc_config", 0, "endpoint_private_access")
    ctx.set(
        "public_access_cidrs",
        ctx.defaulted("vpc_config", 0, "public_access_cidrs", default=["0.0.0.0/0"]),
    )
    ctx.set("secrets_encrypted", _secrets_encrypted(ctx))
    logs = ctx.get("enabled_cluster_log_types")
    ctx.set("enabled_cluster_log_types", [] if logs is None or logs is ABSENT else logs)
    ctx.ref("subnets", "vpc_config", 0, "subnet_ids", targets=SUBNET, many=True)
    ctx.ref(
        "security_groups", "vpc_config", 0, "security_group_ids", targets=SECURITY_GROUP, many=True
    )
    ctx.name_from(ctx.value("name"))


def _secrets_encrypted(ctx: MapContext) -> Any:
    """True when an ``encryption_config`` covers ``secrets`` with a key."""
    count = ctx.count("encryption_config")
    if count is UNKNOWN:
        return UNKNOWN
    result: Any = False
    for pos in range(count):
        resources = ctx.get("encryption_config", pos, "resources")
        if resources is UNKNOWN:
            result = UNKNOWN
            continue
        if not isinstance(resources, list) or "secrets" not in resources:
            continue
        key_set = ctx.is_set("encryption_config", pos, "provider", 0, "key_arn")
        if key_set is True:
            return True
        if key_set is UNKNOWN:
            result = UNKNOWN
    return result


def map_eks_node_group(ctx: MapContext) -> None:
    """aws_eks_node_group."""
    ctx.copy("node_group_name", "node_group_name")
    ctx.set("capacity_type", ctx.defaulted("capacity_type", default="ON_DEMAND"))
    ctx.set("instance_types", ctx.defaulted("instance_types", default=["t3.medium"]))
    ctx.copy("min_size", "scaling_config", 0, "min_size", convert=to_int)
    ctx.copy("max_size", "scaling_config", 0, "max_size", convert=to_int)
    ctx.copy("desired_size", "scaling_config", 0, "desired_size", convert=to_int)
    labels = ctx.get("labels")
    ctx.set("labels", {} if labels is None or labels is ABSENT else labels)
    ctx.ref("cluster", "cluster_name", targets=EKS_CLUSTER)
    ctx.ref("subnets", "subnet_ids", targets=SUBNET, many=True)
    if ctx.count("launch_template"):
        ctx.ref_first(
            "launch_template",
            [("launch_template", 0, "id"), ("launch_template", 0, "name")],
            LAUNCH_TEMPLATE,
        )
    ctx.name_from(ctx.value("node_group_name"))


def map_launch_template(ctx: MapContext) -> None:
    """aws_launch_template."""
    ctx.copy("name", "name")
    ctx.copy("instance_type", "instance_type")
    market = ctx.count("instance_market_options")
    if market is UNKNOWN:
        ctx.mark_unknown("market_type")
    elif market:
        ctx.copy("market_type", "instance_market_options", 0, "market_type")
    devices = ctx.count("block_device_mappings")
    if devices is UNKNOWN:
        ctx.mark_unknown("block_devices")
    else:
        ctx.set("block_devices", [_block_device(ctx, pos) for pos in range(devices)])
    ctx.name_from(ctx.value("name"))


def _block_device(ctx: MapContext, pos: int) -> dict[str, Any]:
    base = ("block_device_mappings", pos)
    device = {
        "device_name": ctx.value(*base, "device_name"),
        "volume_type": ctx.value(*base, "ebs", 0, "volume_type"),
        "volume_size": to_int(ctx.value(*base, "ebs", 0, "volume_size")),
        "encrypted": to_bool(ctx.value(*base, "ebs", 0, "encrypted")),
    }
    for field in ("volume_type", "volume_size", "encrypted"):
        if ctx.get(*base, "ebs", 0, field) is UNKNOWN:
            ctx.mark_unknown("block_devices")
    return device


def map_autoscaling_group(ctx: MapContext) -> None:
    """aws_autoscaling_group (instance types from its launch template, see merge)."""
    ctx.copy("name", "name")
    ctx.copy("min_size", "min_size", convert=to_int)
    ctx.copy("max_size", "max_size", convert=to_int)
    desired = ctx.get("desired_capacity")
    if desired is UNKNOWN and ctx.configured("desired_capacity") is False:
        desired = ctx.get("min_size")  # AWS starts a group at its minimum size
    ctx.set("desired_capacity", to_int(desired) if desired is not UNKNOWN else UNKNOWN)
    policy = ctx.count("mixed_instances_policy")
    if policy is UNKNOWN:
        ctx.mark_unknown("mixed_instances")
        ctx.mark_unknown("instance_types")
    elif policy:
        _mixed_instances(ctx)
    ctx.ref("subnets", "vpc_zone_identifier", targets=SUBNET, many=True)
    spec = ("mixed_instances_policy", 0, "launch_template", 0, "launch_template_specification", 0)
    ctx.ref_first(
        "launch_template",
        [
            ("launch_template", 0, "id"),
            ("launch_template", 0, "name"),
            (*spec, "launch_template_id"),
            (*spec, "launch_template_name"),
        ],
        LAUNCH_TEMPLATE,
    )
    ctx.tags = _asg_tags(ctx)
    ctx.name_from(ctx.value("name"))


def _mixed_instances(ctx: MapContext) -> None:
    base = ("mixed_instances_policy", 0, "instances_distribution", 0)
    distribution: dict[str, Any] = {}
    for field, default in (
        ("on_demand_base_capacity", 0),
        ("on_demand_percentage_above_base_capacity", 100),
        ("spot_allocation_strategy", "lowest-price"),
    ):
        value = ctx.defaulted(*base, field, default=default)
        if value is UNKNOWN:
            ctx.mark_unknown("mixed_instances")
            value = None
        distribution[field] = None if value is ABSENT else value
    ctx.set("mixed_instances", distribution)
    overrides = ctx.count("mixed_instances_policy", 0, "launch_template", 0, "override")
    if overrides is UNKNOWN:
        ctx.mark_unknown("instance_types")
        return
    types = []
    for pos in range(overrides):
        value = ctx.get(
            "mixed_instances_policy", 0, "launch_template", 0, "override", pos, "instance_type"
        )
        if value is UNKNOWN:
            ctx.mark_unknown("instance_types")
        elif isinstance(value, str) and value:
            types.append(value)
    if types:
        ctx.set("instance_types", types)


def _asg_tags(ctx: MapContext) -> dict[str, str] | None:
    """Tags from ``tag`` blocks and the older ``tags`` list of maps."""
    tags: dict[str, str] = {}
    found = False
    for field in ("tag", "tags"):
        entries = ctx.get(field, partial=True)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                found = True
                value = entry.get("value")
                if isinstance(value, str):
                    tags[entry["key"]] = value
    return tags if found else None
