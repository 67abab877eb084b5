"""KMS collector against a moto server: rotation, AWS-managed keys skipped, denial fails closed."""

from __future__ import annotations

from scanner.collect.aws.moto_server import Seeder
from scanner.inventory.model import CoverageStatus


def test_customer_keys_with_their_rotation(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    kms = moto.client("kms", "us-west-2")
    rotating = kms.create_key(
        Description="rotating", Tags=[{"TagKey": "Environment", "TagValue": "prod"}]
    )
    kms.enable_key_rotation(KeyId=rotating["KeyMetadata"]["KeyId"])
    still = kms.create_key(Description="static")
    inventory = audit(["kms"], regions=["us-west-2", "us-east-1"])
    keys = {r.id: r for r in inventory.resources if r.type == "aws_kms_key"}
    assert keys[rotating["KeyMetadata"]["Arn"]].attributes["enable_key_rotation"] is True
    assert keys[rotating["KeyMetadata"]["Arn"]].tags == {"Environment": "prod"}
    assert keys[still["KeyMetadata"]["Arn"]].attributes["enable_key_rotation"] is False
    assert {r.region for r in keys.values()} == {"us-west-2"}
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "kms"} == {
        ("us-west-2", CoverageStatus.OK),
        ("us-east-1", CoverageStatus.OK),
    }
