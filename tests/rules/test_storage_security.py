"""Storage and security controls on plans and on live (moto) accounts.

STO-003, STO-004, STO-006 and SEC-002 to SEC-007: each plan-checkable control has a passing and
a failing plan, each live-checkable one a passing and a failing live account seeded on the moto
server, where moto can seed it (STO-003's DLM is not implemented by moto: see its tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.inventory.model import CoverageStatus
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (live fixtures)
from tests.live.fault_proxy import Fault, FaultKind, fault_proxy, share_botocore_models
from tests.rules.helpers import UNKNOWN, plan_of, scan_inventory, scan_plan, statuses

WEST, EAST = "us-west-2", "us-east-1"
SECRET_ARN = "arn:aws:secretsmanager:us-west-2:555555555555:secret:prod/db-AbCdEf"
KEY_ARN = "arn:aws:kms:us-west-2:555555555555:key/0d1a6c1e-0000-4000-8000-000000000001"


def plan_scope(kind: str) -> str:
    """The id of a plan's scope verdict (a plan without provider account: ``null``)."""
    return f"{kind}:null:{WEST}"


def live_scope(kind: str, region: str = WEST) -> str:
    """The id of a live scope verdict in moto's account."""
    return f"{kind}:{DEFAULT_ACCOUNT}:{region}"


# -- plans ------------------------------------------------------------------------------------


def dlm_policy(retain: dict[str, Any]) -> dict[str, Any]:
    """aws_dlm_lifecycle_policy values: daily snapshots, kept as ``retain`` says."""
    return {
        "description": "daily snapshots",
        "execution_role_arn": "arn:aws:iam::555555555555:role/dlm",
        "state": "ENABLED",
        "policy_details": [
            {
                "policy_type": "EBS_SNAPSHOT_MANAGEMENT",
                "resource_types": ["VOLUME"],
                "target_tags": {"Snapshot": "daily"},
                "schedule": [
                    {
                        "name": "daily",
                        "create_rule": [{"interval": 24, "interval_unit": "HOURS"}],
                        "retain_rule": [retain],
                    }
                ],
            }
        ],
    }


VOLUME = ("aws_ebs_volume.data", {"type": "gp3", "size": 10, "availability_zone": "us-west-2a"})


@pytest.mark.parametrize(
    ("retain", "expected"),
    [({"count": 14}, "PASS"), ({"interval": 90, "interval_unit": "DAYS"}, "FAIL")],
)
def test_sto_003_plan_dlm_policy_retention(tmp_path: Path, retain: dict, expected: str) -> None:
    """STO-003: the plan's DLM policy must retire snapshots within max_age_days (30)."""
    plan = plan_of(VOLUME, ("aws_dlm_lifecycle_policy.snapshots", dlm_policy(retain)))
    findings = scan_plan(plan, tmp_path, {"STO-003"}, env="prod")
    assert statuses(findings, "STO-003") == {plan_scope("dlm"): expected}


def test_sto_003_plan_volumes_without_policy_fail(tmp_path: Path) -> None:
    """STO-003: a plan with volumes and no snapshot policy fails its scope."""
    findings = scan_plan(plan_of(VOLUME), tmp_path, {"STO-003"}, env="prod")
    assert statuses(findings, "STO-003") == {plan_scope("dlm"): "FAIL"}


def bucket_with_lifecycle(transitions: list[dict[str, Any]]) -> list[tuple[str, dict]]:
    """A bucket and its split lifecycle configuration with one enabled rule."""
    return [
        ("aws_s3_bucket.logs", {"bucket": "stg-logs"}),
        (
            "aws_s3_bucket_lifecycle_configuration.logs",
            {
                "bucket": "stg-logs",
                "rule": [{"id": "tiering", "status": "Enabled", "transition": transitions}],
            },
        ),
    ]


@pytest.mark.parametrize(
    ("glacier_days", "expected"), [(90, "PASS"), (180, "FAIL")], ids=["moderate", "late"]
)
def test_sto_004_plan_lifecycle_profile(tmp_path: Path, glacier_days: int, expected: str) -> None:
    """STO-004: staging's moderate profile needs IA by day 30 and Glacier by day 90."""
    transitions = [
        {"days": 30, "storage_class": "STANDARD_IA"},
        {"days": glacier_days, "storage_class": "GLACIER"},
    ]
    plan = plan_of(*bucket_with_lifecycle(transitions))
    findings = scan_plan(plan, tmp_path, {"STO-004"}, env="staging")
    assert statuses(findings, "STO-004") == {"aws_s3_bucket.logs": expected}


@pytest.mark.parametrize(("rotation", "expected"), [(True, "PASS"), (False, "FAIL")])
def test_sec_002_plan_key_rotation(tmp_path: Path, rotation: bool, expected: str) -> None:
    """SEC-002: a planned customer-managed key must enable rotation."""
    plan = plan_of(("aws_kms_key.data", {"enable_key_rotation": rotation}))
    findings = scan_plan(plan, tmp_path, {"SEC-002"}, env="prod")
    assert statuses(findings, "SEC-002") == {"aws_kms_key.data": expected}


def test_sec_003_plan_secret_rotation_resource(tmp_path: Path) -> None:
    """SEC-003: a secret with an aws_secretsmanager_secret_rotation passes, one without fails."""
    plan = plan_of(
        ("aws_secretsmanager_secret.db", {"name": "prod/db", "arn": SECRET_ARN}),
        ("aws_secretsmanager_secret.api", {"name": "prod/api"}),
        (
            "aws_secretsmanager_secret_rotation.db",
            {
                "secret_id": SECRET_ARN,
                "rotation_lambda_arn": "arn:aws:lambda:us-west-2:555555555555:function:rotate",
                "rotation_rules": [{"automatically_after_days": 30}],
            },
        ),
    )
    findings = scan_plan(plan, tmp_path, {"SEC-003"}, env="prod")
    assert statuses(findings, "SEC-003") == {
        "aws_secretsmanager_secret.db": "PASS",
        "aws_secretsmanager_secret.api": "FAIL",
    }


@pytest.mark.parametrize(("enabled", "expected"), [(True, "PASS"), (False, "FAIL")])
def test_sec_004_plan_recorder_status(tmp_path: Path, enabled: bool, expected: str) -> None:
    """SEC-004: a planned recorder records only with an enabled recorder status."""
    plan = plan_of(
        (
            "aws_config_configuration_recorder.main",
            {
                "name": "default",
                "role_arn": "arn:aws:iam::555555555555:role/config",
                "recording_group": [{"all_supported": True, "include_global_resource_types": True}],
            },
        ),
        (
            "aws_config_configuration_recorder_status.main",
            {"name": "default", "is_enabled": enabled},
        ),
    )
    findings = scan_plan(plan, tmp_path, {"SEC-004"}, env="prod")
    assert statuses(findings, "SEC-004") == {plan_scope("config"): expected}


@pytest.mark.parametrize(("enable", "expected"), [(True, "PASS"), (False, "FAIL")])
def test_sec_005_plan_detector(tmp_path: Path, enable: bool, expected: str) -> None:
    """SEC-005: a planned GuardDuty detector must be enabled."""
    plan = plan_of(("aws_guardduty_detector.main", {"enable": enable}))
    findings = scan_plan(plan, tmp_path, {"SEC-005"}, env="prod")
    assert statuses(findings, "SEC-005") == {plan_scope("guardduty"): expected}


@pytest.mark.parametrize(("good", "expected"), [(True, "PASS"), (False, "FAIL")])
def test_sec_006_plan_trail(tmp_path: Path, good: bool, expected: str) -> None:
    """SEC-006: the planned trail must be multi-region, validated and KMS-encrypted."""
    values: dict[str, Any] = {
        "name": "audit",
        "s3_bucket_name": "trail-logs",
        "is_multi_region_trail": good,
        "enable_log_file_validation": good,
        "enable_logging": True,
    }
    if good:
        values["kms_key_id"] = KEY_ARN
    findings = scan_plan(plan_of(("aws_cloudtrail.audit", values)), tmp_path, {"SEC-006"}, "prod")
    assert statuses(findings, "SEC-006") == {"cloudtrail:null": expected}


@pytest.mark.parametrize(
    ("mutability", "scan", "expected"),
    [("IMMUTABLE", True, "PASS"), ("MUTABLE", True, "FAIL"), ("IMMUTABLE", False, "FAIL")],
)
def test_sec_007_plan_repository(
    tmp_path: Path, mutability: str, scan: bool, expected: str
) -> None:
    """SEC-007: a planned ECR repository must scan on push and have immutable tags."""
    values = {
        "name": "app",
        "image_tag_mutability": mutability,
        "image_scanning_configuration": [{"scan_on_push": scan}],
    }
    findings = scan_plan(plan_of(("aws_ecr_repository.app", values)), tmp_path, {"SEC-007"}, "prod")
    assert statuses(findings, "SEC-007") == {"aws_ecr_repository.app": expected}


# -- live accounts (moto server) ----------------------------------------------------------------


def use_region(seeder: Seeder, region: str) -> str:
    """A customer-managed key: a resource that makes a region "used" (cheaper to collect than
    a VPC; any resource that is not a default-VPC object counts)."""
    return seeder.client("kms", region).create_key()["KeyMetadata"]["Arn"]


def test_sto_003_live_without_dlm_is_not_collected(moto: Seeder, audit) -> None:  # noqa: F811
    """STO-003 live: moto does not implement DLM, so the pass and fail cases cannot be seeded;
    the scope (volume and snapshot included) must be NOT_COLLECTED, never PASS or FAIL."""
    ec2 = moto.client("ec2", WEST)
    volume = ec2.create_volume(AvailabilityZone="us-west-2a", Size=8, VolumeType="gp3")
    ec2.create_snapshot(VolumeId=volume["VolumeId"])
    inventory = audit(["ec2", "dlm"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"STO-003"}, env="prod"), "STO-003")
    assert found == {f"dlm:{DEFAULT_ACCOUNT}:{WEST}": "NOT_COLLECTED"}


def test_sto_004_live_lifecycle(moto: Seeder, audit) -> None:  # noqa: F811
    """STO-004 live: a staging bucket with IA at 30 and Glacier at 90 days passes; one with
    no lifecycle fails."""
    s3 = moto.client("s3", WEST)
    for name in ("stg-tiered", "stg-plain"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": WEST})
    s3.put_bucket_lifecycle_configuration(
        Bucket="stg-tiered",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "tiering",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [
                        {"Days": 30, "StorageClass": "STANDARD_IA"},
                        {"Days": 90, "StorageClass": "GLACIER"},
                    ],
                }
            ]
        },
    )
    inventory = audit(["s3"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"STO-004"}, env="staging"), "STO-004")
    assert {k.rsplit(":", 1)[-1]: v for k, v in found.items()} == {
        "stg-tiered": "PASS",
        "stg-plain": "FAIL",
    }


def test_sto_006_live_unused_volume_address_and_idle_balancer(moto: Seeder, audit) -> None:  # noqa: F811
    """STO-006 live: an attached volume and an associated address pass; an unattached volume,
    a free address and a load balancer without targets fail."""
    ec2 = moto.client("ec2", WEST)
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.2.{n}.0/24", AvailabilityZone=f"us-west-2{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    instance = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnets[0]
    )["Instances"][0]["InstanceId"]
    used = ec2.create_volume(AvailabilityZone="us-west-2a", Size=8)["VolumeId"]
    ec2.attach_volume(VolumeId=used, InstanceId=instance, Device="/dev/sdf")
    spare = ec2.create_volume(AvailabilityZone="us-west-2a", Size=8)["VolumeId"]
    bound = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=bound, InstanceId=instance)
    free = ec2.allocate_address(Domain="vpc")["AllocationId"]
    idle = moto.client("elbv2", WEST).create_load_balancer(Name="idle", Subnets=subnets)[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    inventory = audit(["ec2", "elbv2"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"STO-006"}, env="dev"), "STO-006")
    assert found[used] == "PASS" and found[bound] == "PASS"
    assert found[spare] == "FAIL" and found[free] == "FAIL" and found[idle] == "FAIL"


def test_sec_002_live_key_rotation(moto: Seeder, audit) -> None:  # noqa: F811
    """SEC-002 live: a rotating key passes, a key without rotation fails."""
    kms = moto.client("kms", WEST)
    rotating = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    still = kms.create_key()["KeyMetadata"]
    inventory = audit(["kms"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"SEC-002"}, env="prod"), "SEC-002")
    assert found == {rotating["Arn"]: "PASS", still["Arn"]: "FAIL"}


def test_sec_003_live_secret_rotation(moto: Seeder, audit) -> None:  # noqa: F811
    """SEC-003 live: a rotated secret passes, a static one fails."""
    sm = moto.client("secretsmanager", WEST)
    rotating = sm.create_secret(Name="prod/db", SecretString="x")["ARN"]
    sm.rotate_secret(SecretId="prod/db", RotationRules={"AutomaticallyAfterDays": 30})
    static = sm.create_secret(Name="prod/api", SecretString="y")["ARN"]
    inventory = audit(["secretsmanager"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"SEC-003"}, env="prod"), "SEC-003")
    assert found == {rotating: "PASS", static: "FAIL"}


def test_sec_004_live_config_per_used_region(moto: Seeder, audit) -> None:  # noqa: F811
    """SEC-004 live: us-west-2 records (PASS), us-east-1 is used without a recorder (FAIL),
    eu-west-1 holds nothing (not judged)."""
    config = moto.client("config", WEST)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "cfg"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    use_region(moto, WEST)
    use_region(moto, EAST)
    inventory = audit(["kms", "config"], regions=[WEST, EAST, "eu-west-1"])
    found = statuses(scan_inventory(inventory, {"SEC-004"}, env="prod"), "SEC-004")
    assert found == {live_scope("config"): "PASS", live_scope("config", EAST): "FAIL"}


def test_sec_004_live_uncollected_region_is_not_collected(
    moto: Seeder,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SEC-004 live: config denied in us-east-1 gives NOT_COLLECTED there (never FAIL), while
    us-west-2, collected and without a recorder, fails."""
    from scanner.collect.aws.collector import collect_live
    from scanner.collect.aws.options import AwsOptions

    share_botocore_models(monkeypatch)
    use_region(moto, WEST)
    use_region(moto, EAST)
    with fault_proxy(moto.url) as proxy:
        proxy.add(Fault("config", FaultKind.DENY, region=EAST))
        options = AwsOptions(
            endpoint_url=proxy.url,
            regions=[WEST, EAST],
            services=["kms", "config"],
            max_attempts=1,
            read_timeout=10,
        )
        inventory = collect_live(options)
    ledger = {(e.region, e.status) for e in inventory.coverage if e.service == "config"}
    assert (EAST, CoverageStatus.DENIED) in ledger
    found = statuses(scan_inventory(inventory, {"SEC-004"}, env="prod"), "SEC-004")
    assert found[live_scope("config")] == "FAIL"
    assert found[f"config:{DEFAULT_ACCOUNT}:{EAST}"] == "NOT_COLLECTED"


def test_sec_004_live_config_not_audited_is_not_collected(moto: Seeder, audit) -> None:  # noqa: F811
    """SEC-004 live: a used region where config was not asked for at all is NOT_COLLECTED."""
    use_region(moto, WEST)
    inventory = audit(["kms"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"SEC-004"}, env="prod"), "SEC-004")
    assert found == {live_scope("config"): "NOT_COLLECTED"}


def test_sec_005_live_guardduty_per_used_region(moto: Seeder, audit) -> None:  # noqa: F811
    """SEC-005 live: an enabled detector in us-west-2 passes; us-east-1, used, has none."""
    moto.client("guardduty", WEST).create_detector(Enable=True)
    use_region(moto, WEST)
    use_region(moto, EAST)
    inventory = audit(["kms", "guardduty"], regions=[WEST, EAST])
    found = statuses(scan_inventory(inventory, {"SEC-005"}, env="prod"), "SEC-005")
    assert found == {live_scope("guardduty"): "PASS", live_scope("guardduty", EAST): "FAIL"}


@pytest.mark.parametrize("good", [True, False], ids=["compliant", "single-region"])
def test_sec_006_live_trail(moto: Seeder, audit, good: bool) -> None:  # noqa: F811
    """SEC-006 live: a logging multi-region trail with validation and KMS passes; a
    single-region trail without them fails."""
    moto.client("s3", EAST).create_bucket(Bucket="trail-logs")
    trail = moto.client("cloudtrail", EAST)
    extra: dict[str, Any] = {}
    if good:
        key = moto.client("kms", EAST).create_key()["KeyMetadata"]["Arn"]
        extra = {"IsMultiRegionTrail": True, "EnableLogFileValidation": True, "KmsKeyId": key}
    trail.create_trail(Name="audit", S3BucketName="trail-logs", **extra)
    trail.start_logging(Name="audit")
    inventory = audit(["cloudtrail"], regions=[EAST])
    found = statuses(scan_inventory(inventory, {"SEC-006"}, env="prod"), "SEC-006")
    assert found == {f"cloudtrail:{DEFAULT_ACCOUNT}": "PASS" if good else "FAIL"}


def test_sec_007_live_repositories(moto: Seeder, audit) -> None:  # noqa: F811
    """SEC-007 live: a scanned immutable repository passes; a default (mutable) one fails."""
    ecr = moto.client("ecr", WEST)
    good = ecr.create_repository(
        repositoryName="app",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
    )["repository"]["repositoryArn"]
    bad = ecr.create_repository(repositoryName="legacy")["repository"]["repositoryArn"]
    inventory = audit(["ecr"], regions=[WEST])
    found = statuses(scan_inventory(inventory, {"SEC-007"}, env="prod"), "SEC-007")
    assert found == {good: "PASS", bad: "FAIL"}


def test_sec_003_and_sec_007_plan_unknown_values_are_unknown(tmp_path: Path) -> None:
    """SEC-003 / SEC-007: a rotation whose secret is known only after apply, and a tag
    mutability known only after apply, give UNKNOWN (never PASS)."""
    plan = plan_of(
        ("aws_secretsmanager_secret.db", {"name": "prod/db"}),
        ("aws_secretsmanager_secret_rotation.db", {"secret_id": UNKNOWN}),
        (
            "aws_ecr_repository.app",
            {
                "name": "app",
                "image_tag_mutability": UNKNOWN,
                "image_scanning_configuration": [{"scan_on_push": True}],
            },
        ),
    )
    findings = scan_plan(plan, tmp_path, {"SEC-003", "SEC-007"}, env="prod")
    assert statuses(findings, "SEC-003") == {"aws_secretsmanager_secret.db": "UNKNOWN"}
    assert statuses(findings, "SEC-007") == {"aws_ecr_repository.app": "UNKNOWN"}
