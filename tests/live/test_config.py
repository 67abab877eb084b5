"""AWS Config collector against a moto server: recorders, recording status, delivery channels."""

from __future__ import annotations

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.inventory.model import CoverageStatus

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/config"


def test_recorders_channels_and_recording_status(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    west = moto.client("config", "us-west-2")
    west.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": ROLE,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    west.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    west.start_configuration_recorder(ConfigurationRecorderName="default")
    east = moto.client("config", "us-east-1")
    east.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "partial",
            "roleARN": ROLE,
            "recordingGroup": {
                "allSupported": False,
                "includeGlobalResourceTypes": False,
                "resourceTypes": ["AWS::S3::Bucket"],
            },
        }
    )

    inventory = audit(["config"], regions=["us-west-2", "us-east-1", "eu-west-1"])
    recorders = {
        r.region: r for r in inventory.resources if r.type == "aws_config_configuration_recorder"
    }
    assert set(recorders) == {"us-west-2", "us-east-1"}
    assert (
        recorders["us-west-2"].id
        == f"config:{DEFAULT_ACCOUNT}:us-west-2:configuration-recorder/default"
    )
    assert recorders["us-west-2"].attributes == {
        "name": "default",
        "recording": True,
        "all_supported": True,
        "include_global_resource_types": True,
        "resource_types": [],
    }
    assert recorders["us-east-1"].attributes == {
        "name": "partial",
        "recording": False,
        "all_supported": False,
        "include_global_resource_types": False,
        "resource_types": ["AWS::S3::Bucket"],
    }
    channels = [r for r in inventory.resources if r.type == "aws_config_delivery_channel"]
    assert [(c.region, c.name, c.attributes) for c in channels] == [
        (
            "us-west-2",
            "default",
            {"name": "default", "s3_bucket_name": "config-logs", "sns_topic_arn_set": False},
        )
    ]
    assert len({r.id for r in inventory.resources}) == len(inventory.resources)
    # A region with no recorder is collected (ok) and empty: the rules judge the absence.
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "config"} == {
        ("us-west-2", CoverageStatus.OK),
        ("us-east-1", CoverageStatus.OK),
        ("eu-west-1", CoverageStatus.OK),
    }
