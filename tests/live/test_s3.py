"""S3 collector: buckets in two regions against a moto server, per-bucket regional clients,
and fail-closed classification (the one unit that uses botocore's Stubber, see below)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.errors import CollectionFailure
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import s3 as s3_service
from scanner.inventory.model import CoverageStatus

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/replication"
LIFECYCLE_RULE = {
    "ID": "tiering",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "Transitions": [
        {"Days": 30, "StorageClass": "STANDARD_IA"},
        {"Days": 90, "StorageClass": "GLACIER"},
    ],
    "Expiration": {"Days": 365},
    "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}],
}


def _create(moto: Seeder, name: str, region: str) -> Any:
    client = moto.client("s3", region)
    if region == "us-east-1":
        client.create_bucket(Bucket=name)
    else:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return client


def _seed_primary(moto: Seeder) -> None:
    """prod-data (us-west-2): everything configured, replicating to prod-data-dr (us-east-1)."""
    west = _create(moto, "prod-data", "us-west-2")
    east = _create(moto, "prod-data-dr", "us-east-1")
    for client, name in ((west, "prod-data"), (east, "prod-data-dr")):
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    west.put_bucket_encryption(
        Bucket="prod-data",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/prod-data",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    west.put_public_access_block(
        Bucket="prod-data",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    west.put_bucket_lifecycle_configuration(
        Bucket="prod-data", LifecycleConfiguration={"Rules": [LIFECYCLE_RULE]}
    )
    west.put_bucket_replication(
        Bucket="prod-data",
        ReplicationConfiguration={
            "Role": ROLE,
            "Rules": [
                {
                    "ID": "to-dr",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": "arn:aws:s3:::prod-data-dr"},
                }
            ],
        },
    )
    west.put_bucket_tagging(
        Bucket="prod-data",
        Tagging={"TagSet": [{"Key": "Environment", "Value": "prod"}]},
    )


def _seed_bare(moto: Seeder) -> None:
    """scratch (us-east-1): nothing configured; half-open (us-west-2): suspended, partial block."""
    _create(moto, "scratch", "us-east-1")
    west = _create(moto, "half-open", "us-west-2")
    west.put_bucket_versioning(Bucket="half-open", VersioningConfiguration={"Status": "Enabled"})
    west.put_bucket_versioning(Bucket="half-open", VersioningConfiguration={"Status": "Suspended"})
    west.put_public_access_block(
        Bucket="half-open",
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": False},
    )
    west.put_bucket_encryption(
        Bucket="half-open",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def test_buckets_in_their_regions_with_and_without_each_setting(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    _seed_primary(moto)
    _seed_bare(moto)
    inventory = audit(["s3"], regions=["us-west-2", "us-east-1"])
    buckets = {r.name: r for r in inventory.resources if r.type == "aws_s3_bucket"}
    assert set(buckets) == {"prod-data", "prod-data-dr", "scratch", "half-open"}
    assert {name: r.region for name, r in buckets.items()} == {
        "prod-data": "us-west-2",
        "prod-data-dr": "us-east-1",
        "scratch": "us-east-1",
        "half-open": "us-west-2",
    }
    assert {r.id for r in buckets.values()} == {f"arn:aws:s3:::{name}" for name in buckets}
    assert {r.account for r in buckets.values()} == {DEFAULT_ACCOUNT}

    prod = buckets["prod-data"]
    assert prod.tags == {"Environment": "prod"}
    assert prod.attributes == {
        "bucket": "prod-data",
        "versioning": {"status": "Enabled", "mfa_delete": False},
        "encryption": {
            "sse_algorithm": "aws:kms",
            "kms_master_key_id_set": True,
            "bucket_key_enabled": True,
        },
        "public_access_block": {
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
        "lifecycle_rules": [
            {
                "id": "tiering",
                "status": "Enabled",
                "transitions": [
                    {"days": 30, "storage_class": "STANDARD_IA"},
                    {"days": 90, "storage_class": "GLACIER"},
                ],
                "expiration_days": 365,
                "noncurrent_transitions": [{"days": 30, "storage_class": "GLACIER"}],
            }
        ],
        "replication": {
            "rules": [{"id": "to-dr", "status": "Enabled", "destination_bucket": "prod-data-dr"}]
        },
        "intelligent_tiering": [],
    }
    assert prod.refs == {"replication_destinations": ["arn:aws:s3:::prod-data-dr"]}
    assert prod.refs["replication_destinations"][0] == buckets["prod-data-dr"].id

    # Nothing configured: optional blocks absent, lists empty, versioning "Disabled".
    scratch = buckets["scratch"]
    assert scratch.attributes == {
        "bucket": "scratch",
        "versioning": {"status": "Disabled", "mfa_delete": False},
        "lifecycle_rules": [],
        "intelligent_tiering": [],
    }
    assert scratch.tags == {} and scratch.refs == {}

    half = buckets["half-open"].attributes
    assert half["versioning"] == {"status": "Suspended", "mfa_delete": False}
    assert half["encryption"] == {
        "sse_algorithm": "AES256",
        "kms_master_key_id_set": False,
        "bucket_key_enabled": False,
    }
    assert half["public_access_block"] == {
        "block_public_acls": True,
        "block_public_policy": False,
        "ignore_public_acls": False,
        "restrict_public_buckets": False,
    }
    assert "replication" not in half

    s3_entries = [e for e in inventory.coverage if e.service == "s3"]
    assert [(e.account, e.region, e.status) for e in s3_entries] == [
        (DEFAULT_ACCOUNT, "global", CoverageStatus.OK)
    ]


def test_intelligent_tiering_is_whatever_the_list_call_returns(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    # moto 5.2.5 accepts the PUT (as a CreateBucket of a us-east-1 bucket) and stores nothing,
    # so the collector is held to the list call's own answer, whatever moto makes of it.
    client = _create(moto, "tiered", "us-east-1")
    client.put_bucket_intelligent_tiering_configuration(
        Bucket="tiered",
        Id="archive",
        IntelligentTieringConfiguration={
            "Id": "archive",
            "Status": "Enabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}],
        },
    )
    listed = client.list_bucket_intelligent_tiering_configurations(Bucket="tiered")
    inventory = audit(["s3"])
    (bucket,) = [r for r in inventory.resources if r.type == "aws_s3_bucket"]
    assert bucket.attributes["intelligent_tiering"] == [
        s3_service.intelligent_tiering(item)
        for item in listed.get("IntelligentTieringConfigurationList", [])
    ]


def test_intelligent_tiering_shape_matches_the_plan_mapper() -> None:
    item = {
        "Id": "archive",
        "Filter": {"Prefix": "logs/"},
        "Status": "Enabled",
        "Tierings": [
            {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
            {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"},
        ],
    }
    assert s3_service.intelligent_tiering(item) == {
        "name": "archive",
        "status": "Enabled",
        "tierings": [
            {"access_tier": "ARCHIVE_ACCESS", "days": 90},
            {"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180},
        ],
    }


@pytest.mark.parametrize(
    ("constraint", "region"),
    [(None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1"), ("us-west-2", "us-west-2")],
)
def test_bucket_region_from_the_location_constraint(constraint: str | None, region: str) -> None:
    assert s3_service.bucket_region(constraint) == region


def test_per_bucket_calls_use_a_client_of_the_bucket_region(moto: Seeder) -> None:
    _create(moto, "west-bucket", "us-west-2")
    _create(moto, "east-bucket", "us-east-1")
    seen: list[tuple[str, str, str]] = []  # (bucket, operation, region of the client)

    def factory(service: str, region: str) -> Any:
        client = moto.client(service, region)

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            if params.get("Bucket"):
                seen.append((params["Bucket"], model.name, region))

        client.meta.events.register("provide-client-params.s3.*", record)
        return client

    ctx = CollectContext(account=DEFAULT_ACCOUNT, region="us-east-1", client_factory=factory)
    resources = list(s3_service.collect(ctx))
    assert {r.name: r.region for r in resources} == {
        "west-bucket": "us-west-2",
        "east-bucket": "us-east-1",
    }
    per_bucket = [(b, op, r) for b, op, r in seen if op != "GetBucketLocation"]
    assert {op for _, op, _ in per_bucket} >= {
        "GetBucketVersioning",
        "GetBucketEncryption",
        "GetPublicAccessBlock",
        "GetBucketLifecycleConfiguration",
        "GetBucketReplication",
        "ListBucketIntelligentTieringConfigurations",
        "GetBucketTagging",
    }
    assert {(b, r) for b, _, r in per_bucket} == {
        ("west-bucket", "us-west-2"),
        ("east-bucket", "us-east-1"),
    }


# -- Fail-closed classification: the only tests that use botocore's Stubber. A moto server
# does not enforce bucket policies, so a denied GetBucketEncryption cannot be produced there.


def _stubbed_context() -> tuple[CollectContext, Stubber]:
    client = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("s3")
    stubber = Stubber(client)
    ctx = CollectContext(
        account=DEFAULT_ACCOUNT, region="us-east-1", client_factory=lambda _s, _r: client
    )
    return ctx, stubber


def _stub_complete_bucket(stubber: Stubber, name: str) -> None:
    """Every per-bucket answer for a us-east-1 bucket with nothing configured."""
    bucket = {"Bucket": name}
    stubber.add_response("get_bucket_location", {}, bucket)
    stubber.add_response("get_bucket_versioning", {}, bucket)
    for operation, code in (
        ("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError"),
        ("get_public_access_block", "NoSuchPublicAccessBlockConfiguration"),
        ("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration"),
        ("get_bucket_replication", "ReplicationConfigurationNotFoundError"),
    ):
        stubber.add_client_error(operation, code, http_status_code=404, expected_params=bucket)
    stubber.add_response(
        "list_bucket_intelligent_tiering_configurations", {"IsTruncated": False}, bucket
    )
    stubber.add_client_error(
        "get_bucket_tagging", "NoSuchTagSet", http_status_code=404, expected_params=bucket
    )


def _stub_listing(stubber: Stubber, *names: str) -> None:
    stubber.add_response("list_buckets", {"Buckets": [{"Name": name} for name in names]})


def test_documented_not_configured_answers_are_absent() -> None:
    ctx, stubber = _stubbed_context()
    _stub_listing(stubber, "quiet")
    _stub_complete_bucket(stubber, "quiet")
    with stubber:
        (bucket,) = list(s3_service.collect(ctx))
    stubber.assert_no_pending_responses()
    assert bucket.attributes == {
        "bucket": "quiet",
        "versioning": {"status": "Disabled", "mfa_delete": False},
        "lifecycle_rules": [],
        "intelligent_tiering": [],
    }


def test_a_denied_encryption_read_fails_the_account_closed() -> None:
    ctx, stubber = _stubbed_context()
    _stub_listing(stubber, "fine", "locked")
    _stub_complete_bucket(stubber, "fine")
    stubber.add_response("get_bucket_location", {}, {"Bucket": "locked"})
    stubber.add_response("get_bucket_versioning", {"Status": "Enabled"}, {"Bucket": "locked"})
    stubber.add_client_error(
        "get_bucket_encryption",
        "AccessDenied",
        "Access Denied",
        http_status_code=403,
        expected_params={"Bucket": "locked"},
    )
    reported = []
    with stubber, pytest.raises(CollectionFailure) as failure:
        reported.extend(s3_service.collect(ctx))
    assert failure.value.status == CoverageStatus.DENIED
    assert failure.value.api_call == "s3:GetBucketEncryption"
    assert reported == []  # the readable bucket is not reported alone: no partial list


def test_an_undocumented_error_is_not_taken_for_absence() -> None:
    ctx, stubber = _stubbed_context()
    _stub_listing(stubber, "odd")
    stubber.add_response("get_bucket_location", {}, {"Bucket": "odd"})
    stubber.add_response("get_bucket_versioning", {}, {"Bucket": "odd"})
    stubber.add_client_error("get_bucket_encryption", "InternalError", http_status_code=500)
    with stubber, pytest.raises(CollectionFailure) as failure:
        list(s3_service.collect(ctx))
    assert failure.value.status == CoverageStatus.ERROR
    assert failure.value.api_call == "s3:GetBucketEncryption"


def test_permissions_are_the_iam_actions_of_the_calls() -> None:
    assert set(s3_service.SPEC.permissions) == {
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetIntelligentTieringConfiguration",
        "s3:GetBucketTagging",
    }
