"""GuardDuty collector against a moto server: enabled, disabled and absent detectors."""

from __future__ import annotations

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.inventory.model import CoverageStatus


def test_detectors_per_region_and_none_is_a_valid_answer(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    enabled = moto.client("guardduty", "us-west-2").create_detector(
        Enable=True, Tags={"Environment": "prod"}
    )["DetectorId"]
    disabled = moto.client("guardduty", "us-east-1").create_detector(Enable=False)["DetectorId"]

    inventory = audit(["guardduty"], regions=["us-west-2", "us-east-1", "eu-west-1"])
    detectors = {r.region: r for r in inventory.resources if r.type == "aws_guardduty_detector"}
    assert set(detectors) == {"us-west-2", "us-east-1"}
    west = detectors["us-west-2"]
    assert west.id == f"arn:aws:guardduty:us-west-2:{DEFAULT_ACCOUNT}:detector/{enabled}"
    assert west.tags == {"Environment": "prod"}
    assert west.attributes["detector_id"] == enabled
    assert west.attributes["status"] == "ENABLED"
    assert detectors["us-east-1"].attributes["detector_id"] == disabled
    assert detectors["us-east-1"].attributes["status"] == "DISABLED"
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "guardduty"} == {
        ("us-west-2", CoverageStatus.OK),
        ("us-east-1", CoverageStatus.OK),
        ("eu-west-1", CoverageStatus.OK),
    }
