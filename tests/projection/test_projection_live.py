"""`archscan plan PLAN --against SNAPSHOT` on a live account seeded on the moto server.

The account has a prod VPC with one NAT gateway in each of three AZs and a compliant
multi-region CloudTrail trail; small plans delete, replace, update or add to it, and the
projected verdicts must be those of the account after apply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.demo.command import demo_baseline
from scanner.inventory.io import dump_inventory, load_inventory
from tests.projection.plans import change, plan
from tests.test_cli import run

REGION = "us-west-2"
ZONES = ("a", "b", "c")
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{DEFAULT_ACCOUNT}:trail/audit"
PROD_TAGS = [{"Key": "Environment", "Value": "prod"}]
NAT_SCOPE_SUFFIX = "/nat-gateways"
TAGS = {"Environment": "prod", "Owner": "platform", "CostCenter": "cc-1"}


def seed_account(moto: Seeder) -> dict[str, Any]:
    """A prod VPC (public subnets 10.2.1-3.0/24 in a, b, c), a NAT per AZ, a good trail."""
    ec2 = moto.client("ec2", REGION)
    vpc = ec2.create_vpc(
        CidrBlock="10.2.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": PROD_TAGS}]
    )["Vpc"]["VpcId"]
    ids: dict[str, Any] = {"account": DEFAULT_ACCOUNT, "vpc": vpc, "subnets": {}, "nats": {}}
    for index, zone in enumerate(ZONES, start=1):
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.2.{index}.0/24",
            AvailabilityZone=f"{REGION}{zone}",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": PROD_TAGS}],
        )["Subnet"]["SubnetId"]
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(
            SubnetId=subnet,
            AllocationId=allocation,
            TagSpecifications=[{"ResourceType": "natgateway", "Tags": PROD_TAGS}],
        )["NatGateway"]["NatGatewayId"]
        ids["subnets"][zone], ids["nats"][zone] = subnet, nat
    moto.client("s3", REGION).create_bucket(
        Bucket="trail-logs", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    key = moto.client("kms", REGION).create_key()["KeyMetadata"]["Arn"]
    trails = moto.client("cloudtrail", REGION)
    trails.create_trail(
        Name="audit",
        S3BucketName="trail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
    )
    trails.start_logging(Name="audit")
    return ids


@pytest.fixture
def account(moto: Seeder, audit, tmp_path: Path) -> tuple[dict[str, Any], Path]:  # type: ignore[no-untyped-def]
    """The seeded account's ids and its snapshot file (ec2 and cloudtrail, one region)."""
    ids = seed_account(moto)
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(dump_inventory(audit(["ec2", "cloudtrail"], regions=[REGION])))
    return ids, snapshot


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def verdicts(report: Path) -> dict[str, dict[str, Any]]:
    """Findings of a JSON report by fingerprint."""
    return {f["fingerprint"]: f for f in json.loads(report.read_text())["findings"]}


def rule_findings(report: Path, rule: str) -> list[dict[str, Any]]:
    return [f for f in verdicts(report).values() if f["rule_id"] == rule]


def nat_scope(report: Path) -> dict[str, Any]:
    found = [
        f for f in rule_findings(report, "NET-004") if f["resource_id"].endswith(NAT_SCOPE_SUFFIX)
    ]
    assert len(found) == 1, found
    return found[0]


def nat_before(ids: dict[str, Any], zone: str) -> dict[str, Any]:
    nat = ids["nats"][zone]
    return {"id": nat, "subnet_id": ids["subnets"][zone], "connectivity_type": "public"}


def project(
    folder: Path,
    snapshot: Path,
    small: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    *extra: object,
) -> tuple[int, Path, str]:
    plan_file = write(folder, "small.json", small)
    report = folder / "projected.json"
    code, _, err = run(
        ["plan", plan_file, "--against", snapshot, "--json", report, "--format", "json", *extra],
        capsys,
    )
    return code, report, err


RULES = ["--rule", "NET-004", "--rule", "SEC-006"]


def test_snapshot_alone_passes_nat_and_trail(account, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, snapshot = account
    code, _, err = run(["scan", snapshot, *RULES, "--json", tmp_path / "r.json"], capsys)
    assert code == 0, err
    assert nat_scope(tmp_path / "r.json")["status"] == "PASS"
    assert [f["status"] for f in rule_findings(tmp_path / "r.json", "SEC-006")] == ["PASS"]


def test_deleting_the_last_nat_of_an_az_fails_the_gate(account, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ids, snapshot = account
    small = plan(change("aws_nat_gateway.c", ["delete"], before=nat_before(ids, "c")))
    code, report, err = project(tmp_path, snapshot, small, capsys, *RULES)
    scope = nat_scope(report)
    assert code == 1, err
    assert scope["status"] == "FAIL"
    assert scope["actual"] == {"count": 2, "azs": [f"{REGION}a", f"{REGION}b"]}
    document = json.loads(report.read_text())
    assert document["inputs"] == [str(tmp_path / "small.json"), str(snapshot)]
    # The trail is untouched by this plan.
    assert [f["status"] for f in rule_findings(report, "SEC-006")] == ["PASS"]


def test_deleting_the_cloudtrail_fails_the_trail_rule(account, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, snapshot = account
    before = {"id": TRAIL_ARN, "arn": TRAIL_ARN, "name": "audit", "is_multi_region_trail": True}
    small = plan(change("aws_cloudtrail.audit", ["delete"], before=before))
    code, report, err = project(tmp_path, snapshot, small, capsys, *RULES)
    trail = rule_findings(report, "SEC-006")
    assert code == 1, err
    assert [(f["status"], f["account"]) for f in trail] == [("FAIL", DEFAULT_ACCOUNT)]
    assert "no trail" in trail[0]["message"]
    assert nat_scope(report)["status"] == "PASS"


def test_updating_the_trail_to_one_region_fails_it(account, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, snapshot = account
    values = {
        "id": TRAIL_ARN,
        "arn": TRAIL_ARN,
        "name": "audit",
        "s3_bucket_name": "trail-logs",
        "enable_log_file_validation": True,
        "kms_key_id": "arn:aws:kms:us-west-2:123456789012:key/k",
        "enable_logging": True,
    }
    small = plan(
        change(
            "aws_cloudtrail.audit",
            ["update"],
            before={**values, "is_multi_region_trail": True},
            after={**values, "is_multi_region_trail": False},
        )
    )
    code, report, err = project(tmp_path, snapshot, small, capsys, *RULES)
    trail = rule_findings(report, "SEC-006")
    assert code == 1, err
    assert [f["status"] for f in trail] == ["FAIL"]
    # Updated in place: the live trail's id, its live-only attributes kept.
    [actual] = trail[0]["actual"]
    assert actual["is_multi_region_trail"] is False and actual["owner_account"] == DEFAULT_ACCOUNT


def test_replacing_a_nat_in_the_same_az_keeps_the_layout(account, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A new NAT in an unchanged subnet: the plan's subnet address is joined to the live id."""
    ids, snapshot = account
    subnet = {
        "id": ids["subnets"]["c"],
        "vpc_id": ids["vpc"],
        "cidr_block": "10.2.3.0/24",
        "availability_zone": f"{REGION}c",
        "map_public_ip_on_launch": False,
        "tags": {"Environment": "prod"},
    }
    small = plan(
        change("aws_subnet.public_c", ["no-op"], before=subnet, after=subnet),
        change("aws_nat_gateway.c", ["delete"], before=nat_before(ids, "c")),
        change(
            "aws_nat_gateway.c_new",
            ["create"],
            after={
                "subnet_id": ids["subnets"]["c"],
                "connectivity_type": "public",
                "tags": {"Environment": "prod"},
            },
        ),
    )
    code, report, err = project(tmp_path, snapshot, small, capsys, *RULES)
    assert code == 0, err
    scope = nat_scope(report)
    assert scope["status"] == "PASS"
    assert scope["actual"] == {"count": 3, "azs": [f"{REGION}{z}" for z in ZONES]}
    per_nat = {f["resource_id"]: f["status"] for f in rule_findings(report, "NET-004")}
    assert per_nat["aws_nat_gateway.c_new"] == "PASS"


def test_harmless_additions_keep_the_snapshot_verdicts(account, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, snapshot = account
    # moto's account is prod's in this baseline, so TAG-001 judges the new resources too.
    baseline = demo_baseline({"prod": DEFAULT_ACCOUNT}, tmp_path)
    alone = tmp_path / "alone.json"
    code_alone = run(["scan", snapshot, "--baseline", baseline, "--json", alone, "-q"], capsys)[0]
    small = plan(
        change(
            "aws_cloudwatch_log_group.app",
            ["create"],
            after={"name": "/app/prod", "retention_in_days": 30, "tags": TAGS},
        ),
        change(
            "aws_ecr_repository.app",
            ["create"],
            after={
                "name": "app",
                "image_tag_mutability": "IMMUTABLE",
                "image_scanning_configuration": [{"scan_on_push": True}],
                "tags": TAGS,
            },
        ),
    )
    code, report, err = project(tmp_path, snapshot, small, capsys, "--baseline", baseline, "-q")
    before, after = verdicts(alone), verdicts(report)
    assert code == code_alone, err
    assert {fp: f["status"] for fp, f in before.items()} == {
        fp: after[fp]["status"] for fp in before
    }
    added = {
        (f["rule_id"], f["resource_id"]): f["status"]
        for f in after.values()
        if f["fingerprint"] not in before
    }
    assert added[("SEC-007", "aws_ecr_repository.app")] == "PASS"
    failed = [
        f["message"]
        for f in after.values()
        if f["fingerprint"] not in before and f["status"] == "FAIL"
    ]
    assert not failed, failed
    inventory_out = tmp_path / "projected.inv.json"
    run(
        [
            "plan",
            tmp_path / "small.json",
            "--against",
            snapshot,
            "--snapshot-out",
            inventory_out,
            "-q",
        ],
        capsys,
    )
    projected = load_inventory(inventory_out)
    assert projected.kind == "live"
    assert projected.source["projection"]["created"] == [
        "aws_cloudwatch_log_group.app",
        "aws_ecr_repository.app",
    ]
    assert {r.account for r in projected.resources} == {DEFAULT_ACCOUNT}
    live = load_inventory(snapshot)
    assert [e.to_dict() for e in projected.coverage] == [e.to_dict() for e in live.coverage]


def test_a_delete_that_matches_nothing_leaves_the_run_incomplete(
    account, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    _, snapshot = account
    ghost = {
        "id": "nat-0123456789abcdef0",
        "subnet_id": "subnet-0000",
        "connectivity_type": "public",
    }
    small = plan(change("aws_nat_gateway.ghost", ["delete"], before=ghost))
    code, report, err = project(tmp_path, snapshot, small, capsys, *RULES)
    assert code == 3
    assert "aws_nat_gateway.ghost" in err and "incomplete" in err
    document = json.loads(report.read_text())
    assert document["summary"]["exit_code"] == 3
    assert any("aws_nat_gateway.ghost" in w for w in document["warnings"])
    # Under --unknown warn the same run exits with the findings' verdict (clean here).
    code, _, _ = project(tmp_path, snapshot, small, capsys, *RULES, "--unknown", "warn")
    assert code == 0


def test_a_plan_inventory_is_not_a_snapshot(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    compliant = Path(__file__).resolve().parents[2] / "examples" / "prod-compliant.plan.json"
    inventory = tmp_path / "plan.inv.json"
    run(["plan", compliant, "--snapshot-out", inventory, "-q"], capsys)
    code, out, err = run(["plan", compliant, "--against", inventory, "-q"], capsys)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"archscan: error: {inventory}: is a plan inventory, not a live snapshot "
        "(hint: write one with `archscan snapshot -o FILE`)"
    )
