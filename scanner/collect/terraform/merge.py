"""Fold split resources into their parents, then fill fields that come from a linked resource."""

from __future__ import annotations

from scanner.collect.terraform.mapping import MapContext
from scanner.collect.terraform.references import Resolver
from scanner.collect.terraform.registry import Folder
from scanner.collect.terraform.walk import Instance
from scanner.inventory.model import Resource

_SHOWN = 3


def fold(
    folded: list[tuple[Instance, Folder]], by_id: dict[str, Resource], resolver: Resolver
) -> list[str]:
    """Merge each split resource into the resource its parent argument names.

    Returns warnings for split resources whose parent is not in the plan (a bucket or
    security group managed elsewhere): their settings cannot be attached to anything.
    """
    orphans: dict[tuple[str, str], list[str]] = {}
    for instance, folder in folded:
        ctx = MapContext(instance, resolver)
        result = ctx.resolve(folder.parent_argument, targets=folder.parent_types)
        parent = by_id.get(result.value) if isinstance(result.value, str) else None
        if parent is None:
            key = (instance.type, folder.parent_argument)
            orphans.setdefault(key, []).append(instance.address)
            continue
        folder.apply(ctx, parent)
    warnings = []
    for (rtype, argument), addresses in orphans.items():
        shown = ", ".join(addresses[:_SHOWN]) + (", ..." if len(addresses) > _SHOWN else "")
        noun = "resource" if len(addresses) == 1 else "resources"
        warnings.append(
            f"{len(addresses)} {rtype} {noun} not merged: the resource named by "
            f"`{argument}` is not in the plan ({shown})"
        )
    return warnings


def enrich(resources: list[Resource], by_id: dict[str, Resource]) -> None:
    """Fields a mapper cannot see on its own resource: a NAT's zone, an ASG's types."""
    for resource in resources:
        if resource.type == "aws_nat_gateway":
            _nat_zone(resource, by_id)
        elif resource.type == "aws_autoscaling_group":
            _asg_instance_types(resource, by_id)


def _nat_zone(nat: Resource, by_id: dict[str, Resource]) -> None:
    subnet_id = nat.refs.get("subnet")
    subnet = by_id.get(subnet_id) if isinstance(subnet_id, str) else None
    zone = subnet.attributes.get("availability_zone") if subnet else None
    if isinstance(zone, str):
        nat.attributes["availability_zone"] = zone


def _asg_instance_types(group: Resource, by_id: dict[str, Resource]) -> None:
    if "instance_types" in group.attributes or "instance_types" in group.unknown:
        return
    template_id = group.refs.get("launch_template")
    template = by_id.get(template_id) if isinstance(template_id, str) else None
    if template is None:
        return
    instance_type = template.attributes.get("instance_type")
    if isinstance(instance_type, str):
        group.attributes["instance_types"] = [instance_type]
    elif "instance_type" in template.unknown:
        group.unknown.append("instance_types")
