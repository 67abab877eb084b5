"""Auto Scaling: groups (capacity, instance types, spot mix) and scheduled actions (CMP-007)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services.ec2_common import Item, iso, present, tagged
from scanner.collect.aws.services.ec2_compute import template_data
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

# Values AWS applies when a mixed instances policy leaves them out (as in plans).
DISTRIBUTION_DEFAULTS = (
    ("on_demand_base_capacity", "OnDemandBaseCapacity", 0),
    ("on_demand_percentage_above_base_capacity", "OnDemandPercentageAboveBaseCapacity", 100),
    ("spot_allocation_strategy", "SpotAllocationStrategy", "lowest-price"),
)


class TemplateTypes:
    """Instance types of launch templates and configurations, each read at most once."""

    def __init__(self, ctx: CollectContext) -> None:
        self.ctx = ctx
        self.ec2 = ctx.client("ec2")
        self.templates: dict[tuple[str, str], str | None] = {}
        self.configurations: dict[str, str] | None = None

    def of_template(self, spec: Item) -> str | None:
        """The instance type of the version an ASG's launch template spec names."""
        field = next((k for k in ("LaunchTemplateId", "LaunchTemplateName") if spec.get(k)), None)
        if field is None:
            return None
        key = (str(spec[field]), str(spec.get("Version") or "$Default"))
        if key not in self.templates:  # by id or by name: EC2 refuses both at once
            data = template_data(self.ctx, self.ec2, key[1], **{field: key[0]})
            self.templates[key] = (data or {}).get("InstanceType")
        return self.templates[key]

    def of_configuration(self, name: str) -> str | None:
        """The instance type of a (legacy) launch configuration."""
        if self.configurations is None:
            autoscaling = self.ctx.client("autoscaling")
            self.configurations = {
                item["LaunchConfigurationName"]: item.get("InstanceType")
                for item in self.ctx.paginate(
                    autoscaling, "describe_launch_configurations", "LaunchConfigurations"
                )
            }
        return self.configurations.get(name)


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """Every auto scaling group of the region, then every scheduled action."""
    autoscaling = ctx.client("autoscaling")
    types = TemplateTypes(ctx)
    arns: dict[str, str] = {}  # group name -> ARN, for the scheduled actions' refs
    for group in ctx.paginate(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"):
        resource = group_resource(ctx, group, types)
        arns[group["AutoScalingGroupName"]] = resource.id
        yield resource
    for action in ctx.paginate(
        autoscaling, "describe_scheduled_actions", "ScheduledUpdateGroupActions"
    ):
        yield schedule_resource(ctx, action, arns)


def group_resource(ctx: CollectContext, group: Item, types: TemplateTypes) -> Resource:
    """aws_autoscaling_group."""
    policy = group.get("MixedInstancesPolicy")
    template = launch_template_spec(group)
    attributes: dict[str, Any] = {
        "name": group["AutoScalingGroupName"],
        "min_size": group.get("MinSize"),
        "max_size": group.get("MaxSize"),
        "desired_capacity": group.get("DesiredCapacity"),
        **present(instance_types=instance_types(group, template, types) or None),
    }
    if policy:
        attributes["mixed_instances"] = mixed_instances(policy)
    subnets = [s.strip() for s in str(group.get("VPCZoneIdentifier") or "").split(",")]
    return tagged(
        ctx,
        group.get("AutoScalingGroupARN") or group["AutoScalingGroupName"],
        "aws_autoscaling_group",
        group,
        attributes,
        {
            "subnets": [s for s in subnets if s],
            "launch_template": template.get("LaunchTemplateId"),
            "launch_configuration": group.get("LaunchConfigurationName"),
        },
        name=group["AutoScalingGroupName"],
    )


def launch_template_spec(group: Item) -> Item:
    """The group's launch template specification, direct or in its mixed policy."""
    policy = group.get("MixedInstancesPolicy") or {}
    mixed = (policy.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    return group.get("LaunchTemplate") or mixed or {}


def instance_types(group: Item, template: Item, types: TemplateTypes) -> list[str]:
    """Mixed policy override types, else the launch template's or configuration's type."""
    policy = group.get("MixedInstancesPolicy") or {}
    overrides = (policy.get("LaunchTemplate") or {}).get("Overrides") or []
    listed = [o["InstanceType"] for o in overrides if o.get("InstanceType")]
    if listed:
        return listed
    single = types.of_template(template) if template else None
    if single is None and group.get("LaunchConfigurationName"):
        single = types.of_configuration(group["LaunchConfigurationName"])
    return [single] if single else []


def mixed_instances(policy: Item) -> dict[str, Any]:
    """``{on_demand_base_capacity, on_demand_percentage_above_base_capacity, ...}``."""
    distribution = policy.get("InstancesDistribution") or {}
    return {
        name: default if distribution.get(key) is None else distribution[key]
        for name, key, default in DISTRIBUTION_DEFAULTS
    }


def schedule_resource(ctx: CollectContext, action: Item, arns: dict[str, str]) -> Resource:
    """aws_autoscaling_schedule: when a group's capacity changes, and to what."""
    group = action.get("AutoScalingGroupName", "")
    name = action.get("ScheduledActionName", "")
    return tagged(
        ctx,
        action.get("ScheduledActionARN") or f"{group}/{name}",
        "aws_autoscaling_schedule",
        action,
        {
            "scheduled_action_name": name,
            "autoscaling_group_name": group,
            **present(
                recurrence=action.get("Recurrence"),
                time_zone=action.get("TimeZone"),
                start_time=iso(action.get("StartTime")),
                end_time=iso(action.get("EndTime")),
                min_size=action.get("MinSize"),
                max_size=action.get("MaxSize"),
                desired_capacity=action.get("DesiredCapacity"),
            ),
        },
        {"autoscaling_group": arns.get(group)},
        name=name,
    )


SPEC = ServiceSpec(
    name="autoscaling",
    collect=collect,
    permissions=(
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeScheduledActions",
        "autoscaling:DescribeLaunchConfigurations",
        "ec2:DescribeLaunchTemplateVersions",
    ),
    scope=Scope.REGIONAL,
    types=("aws_autoscaling_group", "aws_autoscaling_schedule"),
)
