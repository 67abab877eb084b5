"""Mappers for the compute family's extra plan types: EKS add-ons, Helm releases, schedules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.collect.terraform.mapping import EKS_CLUSTER, UNKNOWN, MapContext, to_int

# What a scheduled action may target: an auto scaling group, or the group EKS makes for a
# node group (``aws_eks_node_group.x.resources[0].autoscaling_groups[0].name``).
SCHEDULE_TARGET = frozenset({"aws_autoscaling_group", "aws_eks_node_group"})


def map_eks_addon(ctx: MapContext) -> None:
    """aws_eks_addon: as the eks-addons collector has it."""
    ctx.copy("addon_name", "addon_name")
    ctx.copy("addon_version", "addon_version")
    ctx.copy("cluster_name", "cluster_name")
    ctx.ref("cluster", "cluster_name", targets=EKS_CLUSTER)
    ctx.name_from(ctx.value("addon_name"))


def map_helm_release(ctx: MapContext) -> None:
    """helm_release (plans only): the release and chart names that show an add-on."""
    for field in ("name", "chart", "namespace", "version", "repository"):
        ctx.copy(field, field)
    ctx.name_from(ctx.value("name"))


def _size(value: Any) -> Any:
    """Terraform keeps -1 for a size the action leaves unchanged: not set."""
    converted = to_int(value)
    return None if converted is not UNKNOWN and (converted is None or converted < 0) else converted


def map_autoscaling_schedule(ctx: MapContext) -> None:
    """aws_autoscaling_schedule: as the autoscaling collector has it."""
    ctx.copy("scheduled_action_name", "scheduled_action_name")
    ctx.copy("autoscaling_group_name", "autoscaling_group_name")
    for field in ("recurrence", "time_zone", "start_time", "end_time"):
        ctx.copy(field, field)
    for field in ("min_size", "max_size", "desired_capacity"):
        ctx.copy(field, field, convert=_size)
    ctx.ref("autoscaling_group", "autoscaling_group_name", targets=SCHEDULE_TARGET)
    ctx.name_from(ctx.value("scheduled_action_name"))


EXTRA_MAPPERS: dict[str, Callable[[MapContext], None]] = {
    "aws_eks_addon": map_eks_addon,
    "helm_release": map_helm_release,
    "aws_autoscaling_schedule": map_autoscaling_schedule,
}
