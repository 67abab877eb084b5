"""Auto Scaling collector against a moto server: groups with their instance types and spot
mix, scheduled actions linked to their group, regions, and IAM actions declared."""

from __future__ import annotations

import json
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import autoscaling
from scanner.inventory.io import dump_inventory, validate_inventory
from scanner.inventory.model import CoverageStatus, Inventory, Resource

REGION = "us-west-2"
OTHER = "us-east-1"


def of_type(inventory: Inventory, rtype: str) -> dict[str, Resource]:
    """Resources of one type, by name."""
    return {str(r.name): r for r in inventory.resources if r.type == rtype}


def seed(moto: Seeder) -> dict[str, Any]:
    """Subnets in 3 AZs, a two-version template, a launch configuration and four groups."""
    ec2 = moto.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]["SubnetId"]
        for i, zone in enumerate("abc", start=10)
    ]
    template = ec2.create_launch_template(
        LaunchTemplateName="nodes", LaunchTemplateData={"InstanceType": "t3.medium"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(
        LaunchTemplateId=template, LaunchTemplateData={"InstanceType": "m5.xlarge"}
    )
    client = moto.client("autoscaling", REGION)
    client.create_launch_configuration(
        LaunchConfigurationName="legacy-lc", ImageId="ami-12345678", InstanceType="t3.small"
    )
    zones = ",".join(subnets)
    client.create_auto_scaling_group(
        AutoScalingGroupName="apps",
        MinSize=1,
        MaxSize=6,
        DesiredCapacity=3,
        VPCZoneIdentifier=zones,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {
                    "LaunchTemplateId": template,
                    "Version": "$Latest",
                },
                "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m5a.large"}],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 1,
                "OnDemandPercentageAboveBaseCapacity": 25,
                "SpotAllocationStrategy": "capacity-optimized",
            },
        },
        Tags=[{"Key": "Environment", "Value": "dev", "PropagateAtLaunch": True}],
    )
    groups = {
        "latest": {"LaunchTemplate": {"LaunchTemplateName": "nodes", "Version": "$Latest"}},
        "default": {"LaunchTemplate": {"LaunchTemplateId": template}},
        "legacy": {"LaunchConfigurationName": "legacy-lc"},
    }
    for name, launch in groups.items():
        client.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=2, VPCZoneIdentifier=subnets[0], **launch
        )
    for name, hour, size in (("night", 20, 0), ("morning", 8, 3)):
        client.put_scheduled_update_group_action(
            AutoScalingGroupName="apps",
            ScheduledActionName=name,
            Recurrence=f"0 {hour} * * 1-5",
            MinSize=min(size, 1),
            MaxSize=size,
            DesiredCapacity=size,
        )
    return {"subnets": subnets, "template": template}


def test_groups_and_schedules(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    ids = seed(moto)
    elsewhere = moto.client("autoscaling", OTHER)
    elsewhere.create_launch_configuration(
        LaunchConfigurationName="east", ImageId="ami-12345678", InstanceType="c5.large"
    )
    elsewhere.create_auto_scaling_group(
        AutoScalingGroupName="east-group",
        MinSize=0,
        MaxSize=1,
        LaunchConfigurationName="east",
        AvailabilityZones=[f"{OTHER}a"],
    )
    inventory = audit(["autoscaling"], regions=[REGION, OTHER])

    assert {(e.region, e.status) for e in inventory.coverage if e.service == "autoscaling"} == {
        (REGION, CoverageStatus.OK),
        (OTHER, CoverageStatus.OK),
    }
    groups = of_type(inventory, "aws_autoscaling_group")
    assert {name: g.region for name, g in groups.items()} == {
        "apps": REGION,
        "latest": REGION,
        "default": REGION,
        "legacy": REGION,
        "east-group": OTHER,
    }
    apps = groups["apps"]
    assert apps.id.startswith(f"arn:aws:autoscaling:{REGION}:{DEFAULT_ACCOUNT}:autoScalingGroup:")
    assert apps.id.endswith(":autoScalingGroupName/apps")
    assert apps.attributes == {
        "name": "apps",
        "min_size": 1,
        "max_size": 6,
        "desired_capacity": 3,
        "instance_types": ["m5.large", "m5a.large"],
        "mixed_instances": {
            "on_demand_base_capacity": 1,
            "on_demand_percentage_above_base_capacity": 25,
            "spot_allocation_strategy": "capacity-optimized",
        },
    }
    assert apps.refs == {"subnets": ids["subnets"], "launch_template": ids["template"]}
    assert apps.tags == {"Environment": "dev"}

    assert groups["latest"].attributes["instance_types"] == ["m5.xlarge"]  # version 2
    assert groups["default"].attributes["instance_types"] == ["t3.medium"]  # version 1
    assert "mixed_instances" not in groups["default"].attributes
    assert groups["default"].refs == {
        "subnets": [ids["subnets"][0]],
        "launch_template": ids["template"],
    }
    legacy = groups["legacy"]
    assert legacy.attributes["instance_types"] == ["t3.small"]
    assert legacy.refs == {"subnets": [ids["subnets"][0]], "launch_configuration": "legacy-lc"}
    assert groups["east-group"].attributes["instance_types"] == ["c5.large"]

    schedules = of_type(inventory, "aws_autoscaling_schedule")
    assert set(schedules) == {"night", "morning"}
    night = schedules["night"]
    assert night.region == REGION
    assert night.attributes == {
        "scheduled_action_name": "night",
        "autoscaling_group_name": "apps",
        "recurrence": "0 20 * * 1-5",
        "min_size": 0,
        "max_size": 0,
        "desired_capacity": 0,
    }
    assert night.refs == {"autoscaling_group": apps.id}
    assert schedules["morning"].attributes["desired_capacity"] == 3
    validate_inventory(json.loads(dump_inventory(inventory)), "live")


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed(moto)
    ctx = CollectContext(DEFAULT_ACCOUNT, REGION, lambda s, r: moto.client(s, r))
    collected = list(autoscaling.SPEC.collect(ctx))
    assert {r.type for r in collected} == set(autoscaling.SPEC.types)
    assert set(ctx.calls) == set(autoscaling.SPEC.permissions)
