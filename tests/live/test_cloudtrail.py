"""CloudTrail collector against a moto server: each trail once, in its home region."""

from __future__ import annotations

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.inventory.model import CoverageStatus

ORG_ARN = f"arn:aws:cloudtrail:us-east-1:{DEFAULT_ACCOUNT}:trail/audit"
LOCAL_ARN = f"arn:aws:cloudtrail:us-west-2:{DEFAULT_ACCOUNT}:trail/local"


def _seed(moto: Seeder) -> str:
    moto.client("s3", "us-east-1").create_bucket(Bucket="trail-logs")
    key = moto.client("kms", "us-east-1").create_key()["KeyMetadata"]["Arn"]
    east = moto.client("cloudtrail", "us-east-1")
    east.create_trail(
        Name="audit",
        S3BucketName="trail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
        TagsList=[{"Key": "Environment", "Value": "shared"}],
    )
    east.start_logging(Name="audit")
    moto.client("cloudtrail", "us-west-2").create_trail(Name="local", S3BucketName="trail-logs")
    return key


def test_each_trail_once_in_its_home_region(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    _seed(moto)
    inventory = audit(["cloudtrail"], regions=["us-west-2", "us-east-1"])
    trails = [r for r in inventory.resources if r.type == "aws_cloudtrail"]
    # The multi-region trail shows up in us-west-2 as a shadow too; it is reported once.
    assert sorted(r.id for r in trails) == [ORG_ARN, LOCAL_ARN]
    by_id = {r.id: r for r in trails}
    audit_trail = by_id[ORG_ARN]
    assert (audit_trail.region, audit_trail.account) == ("us-east-1", DEFAULT_ACCOUNT)
    assert audit_trail.tags == {"Environment": "shared"}
    assert audit_trail.attributes == {
        "name": "audit",
        "is_multi_region_trail": True,
        "is_organization_trail": False,
        "log_file_validation_enabled": True,
        "kms_key_id_set": True,
        "is_logging": True,
        "home_region": "us-east-1",
        "s3_bucket_name": "trail-logs",
        "owner_account": DEFAULT_ACCOUNT,
    }
    local = by_id[LOCAL_ARN]
    assert local.region == "us-west-2"
    assert local.tags == {}
    assert local.attributes == {
        "name": "local",
        "is_multi_region_trail": False,
        "is_organization_trail": False,
        "log_file_validation_enabled": False,
        "kms_key_id_set": False,
        "is_logging": False,
        "home_region": "us-west-2",
        "s3_bucket_name": "trail-logs",
        "owner_account": DEFAULT_ACCOUNT,
    }
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "cloudtrail"} == {
        ("us-west-2", CoverageStatus.OK),
        ("us-east-1", CoverageStatus.OK),
    }


def test_a_region_without_trails_is_collected_and_empty(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    inventory = audit(["cloudtrail"], regions=["eu-west-1"])
    assert [r for r in inventory.resources if r.type == "aws_cloudtrail"] == []
    assert [(e.region, e.status) for e in inventory.coverage if e.service == "cloudtrail"] == [
        ("eu-west-1", CoverageStatus.OK)
    ]
