"""AWS Config: configuration recorders, whether they record, and delivery channels (SEC-004).

A region without a recorder yields no recorder (an empty, successful answer): rules decide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """aws_config_configuration_recorder and aws_config_delivery_channel of the region."""
    client = ctx.client("config")
    recorders = ctx.call(client, "describe_configuration_recorders")
    statuses = ctx.call(client, "describe_configuration_recorder_status")
    channels = ctx.call(client, "describe_delivery_channels")
    recording = {
        item.get("name"): bool(item.get("recording", False))
        for item in statuses.get("ConfigurationRecordersStatus") or []
    }
    for item in recorders.get("ConfigurationRecorders") or []:
        yield recorder(ctx, item, recording.get(item.get("name"), False))
    for item in channels.get("DeliveryChannels") or []:
        yield delivery_channel(ctx, item)


def recorder(ctx: CollectContext, item: dict[str, Any], recording: bool) -> Resource:
    """One configuration recorder and what it records."""
    name = item.get("name") or "default"
    group = item.get("recordingGroup") or {}
    return ctx.resource(
        item.get("arn") or local_id(ctx, "configuration-recorder", name),
        "aws_config_configuration_recorder",
        name=name,
        attributes={
            "name": name,
            "recording": recording,
            "all_supported": bool(group.get("allSupported", False)),
            "include_global_resource_types": bool(group.get("includeGlobalResourceTypes", False)),
            "resource_types": list(group.get("resourceTypes") or []),
        },
    )


def delivery_channel(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    """One delivery channel: where Config delivers what it records."""
    name = item.get("name") or "default"
    return ctx.resource(
        local_id(ctx, "delivery-channel", name),
        "aws_config_delivery_channel",
        name=name,
        attributes={
            "name": name,
            "s3_bucket_name": item.get("s3BucketName"),
            "sns_topic_arn_set": bool(item.get("snsTopicARN")),
        },
    )


def local_id(ctx: CollectContext, kind: str, name: str) -> str:
    """A stable id for a Config object that has no ARN: names repeat across regions."""
    return f"config:{ctx.account}:{ctx.region}:{kind}/{name}"


SPEC = ServiceSpec(
    name="config",
    collect=collect,
    permissions=(
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:DescribeDeliveryChannels",
    ),
    scope=Scope.REGIONAL,
    types=("aws_config_configuration_recorder", "aws_config_delivery_channel"),
)
