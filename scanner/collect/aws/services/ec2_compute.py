"""EC2 compute and block storage: instances, EBS volumes and snapshots, launch templates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services.ec2_common import Item, age_days, iso, present, tagged
from scanner.inventory.model import Resource

GONE_INSTANCE_STATES = frozenset({"terminated"})
ATTACHED_STATES = frozenset({"attaching", "attached", "busy"})
# A template or version that no longer exists: its data is absent, not a failed collection.
TEMPLATE_GONE = (
    "InvalidLaunchTemplateId.NotFound",
    "InvalidLaunchTemplateId.Malformed",
    "InvalidLaunchTemplateName.NotFoundException",
    "InvalidLaunchTemplateId.VersionNotFound",
)


def instances(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_instance (terminated ones skipped); ``lifecycle`` is ``spot`` or ``on-demand``."""
    for reservation in ctx.paginate(ec2, "describe_instances", "Reservations"):
        for instance in reservation.get("Instances", []):
            state = instance.get("State", {}).get("Name")
            if state in GONE_INSTANCE_STATES:
                continue
            yield tagged(
                ctx,
                instance["InstanceId"],
                "aws_instance",
                instance,
                {
                    "instance_type": instance.get("InstanceType"),
                    "lifecycle": instance.get("InstanceLifecycle") or "on-demand",
                    "state": state,
                    "availability_zone": instance.get("Placement", {}).get("AvailabilityZone"),
                },
                {"subnet": instance.get("SubnetId")},
            )


def volumes(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_ebs_volume, with ``attached`` (false: an unused volume) and ``state``."""
    for volume in ctx.paginate(ec2, "describe_volumes", "Volumes"):
        attachments = volume.get("Attachments", [])
        yield tagged(
            ctx,
            volume["VolumeId"],
            "aws_ebs_volume",
            volume,
            {
                "type": volume.get("VolumeType"),
                "size": volume.get("Size"),
                **present(iops=volume.get("Iops"), throughput=volume.get("Throughput")),
                "encrypted": bool(volume.get("Encrypted", False)),
                "availability_zone": volume.get("AvailabilityZone"),
                "snapshot_id": volume.get("SnapshotId") or None,
                "attached": any(a.get("State", "attached") in ATTACHED_STATES for a in attachments),
                "state": volume.get("State"),
            },
            {"kms_key": volume.get("KmsKeyId")},
        )


def snapshots(ctx: CollectContext, ec2: Any, now: datetime | None = None) -> Iterator[Resource]:
    """aws_ebs_snapshot owned by the account, with its age in whole days."""
    now = now or datetime.now(UTC)
    for snapshot in ctx.paginate(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        yield tagged(
            ctx,
            snapshot["SnapshotId"],
            "aws_ebs_snapshot",
            snapshot,
            {
                "encrypted": bool(snapshot.get("Encrypted", False)),
                "start_time": iso(snapshot.get("StartTime")),
                "age_days": age_days(snapshot.get("StartTime"), now),
                "volume_size": snapshot.get("VolumeSize"),
                "state": snapshot.get("State"),
                "description": snapshot.get("Description", ""),
            },
            {"volume": snapshot.get("VolumeId"), "kms_key": snapshot.get("KmsKeyId")},
        )


def launch_templates(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_launch_template, described by its latest version."""
    for template in ctx.paginate(ec2, "describe_launch_templates", "LaunchTemplates"):
        template_id = template["LaunchTemplateId"]
        data = template_data(ctx, ec2, "$Latest", LaunchTemplateId=template_id)
        yield tagged(
            ctx,
            template_id,
            "aws_launch_template",
            template,
            {
                "name": template.get("LaunchTemplateName"),
                **(template_attributes(data) if data is not None else {}),
                "latest_version": template.get("LatestVersionNumber"),
                "default_version": template.get("DefaultVersionNumber"),
            },
            name=template.get("LaunchTemplateName"),
        )


def template_data(ctx: CollectContext, ec2: Any, version: str, **template: str) -> Item | None:
    """LaunchTemplateData of one version (``$Latest``, ``$Default`` or a number) of the
    template named by ``LaunchTemplateId`` or ``LaunchTemplateName``; None when gone."""
    answer = ctx.optional(
        ec2, "describe_launch_template_versions", TEMPLATE_GONE, Versions=[version], **template
    )
    found = (answer or {}).get("LaunchTemplateVersions", [])
    return found[0].get("LaunchTemplateData", {}) if found else None


def template_attributes(data: Item) -> dict[str, Any]:
    """``instance_type``, ``market_type`` and ``block_devices`` of a template version."""
    market = (data.get("InstanceMarketOptions") or {}).get("MarketType")
    return {
        **present(instance_type=data.get("InstanceType"), market_type=market),
        "block_devices": [block_device(d) for d in data.get("BlockDeviceMappings", [])],
    }


def block_device(mapping: Item) -> dict[str, Any]:
    """``{device_name, volume_type, volume_size, encrypted}`` (None where not set)."""
    ebs = mapping.get("Ebs") or {}
    return {
        "device_name": mapping.get("DeviceName"),
        "volume_type": ebs.get("VolumeType"),
        "volume_size": ebs.get("VolumeSize"),
        "encrypted": ebs.get("Encrypted"),
    }
