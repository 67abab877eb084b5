"""The first twelve controls on a seeded moto server: a passing and a failing live case each.

NET-001..005, DB-003, DB-004, STO-001, STO-002, STO-005, SEC-001 and TAG-001 are checked on
plans in policies/*_test.rego and tests/rules/*; here each is judged on resources that boto3
created over HTTP on moto and that the live collectors read back. One estate is seeded per
module (prod as documented, staging drifted) and audited once; every test names the control
and the resource whose verdict it expects.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from scanner.baseline.environment import resolve_environments
from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder, reset
from scanner.collect.aws.options import AwsOptions
from scanner.engine.evaluate import evaluate
from scanner.findings import Finding
from scanner.inventory.model import Inventory
from tests.live.conftest import moto_url  # noqa: F401  (session fixture)
from tests.rules.helpers import FOUNDATION_RULES, baseline, ruleset, scan_inventory, statuses

REGION = "us-west-2"
ZONES = ("us-west-2a", "us-west-2b", "us-west-2c")
TIERS = {"public": 1, "private": 10, "database": 20}
TLS13 = "ELBSecurityPolicy-TLS13-1-2-2021-06"
TLS12 = "ELBSecurityPolicy-2016-08"
PASSWORD = {"MasterUsername": "admin", "MasterUserPassword": "correct-horse-battery"}
FOUNDATION = FOUNDATION_RULES


def tag_spec(kind: str, env: str | None, name: str = "") -> list[dict[str, Any]]:
    """EC2 TagSpecifications with the baseline's environment tag (and a Name)."""
    tags = [{"Key": "Environment", "Value": env}] if env else []
    if name:
        tags.append({"Key": "Name", "Value": name})
    return [{"ResourceType": kind, "Tags": tags}] if tags else []


@dataclass
class Estate:
    """What was seeded, by role, and the findings of the twelve controls on its audit."""

    inventory: Inventory
    ids: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def verdicts(self, rule: str) -> dict[str, str]:
        """``resource id -> status`` for ``rule``."""
        return statuses(self.findings, rule)

    def finding(self, rule: str, resource: str) -> Finding:
        """The one finding of ``rule`` on ``resource``."""
        return next(f for f in self.findings if f.rule_id == rule and f.resource_id == resource)


def seed_network(ec2: Any, env: str, cidr: str, octet: str, tiers: dict[str, int]) -> dict:
    """A VPC with an internet gateway and ``tiers[tier]`` subnets per tier (one per AZ)."""
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tag_spec("vpc", env, env))["Vpc"][
        "VpcId"
    ]
    igw = ec2.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", env))[
        "InternetGateway"
    ]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnets: dict[str, str] = {}
    for tier, count in tiers.items():
        for n in range(count):
            subnets[f"{tier}_{n}"] = ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"{octet}.{TIERS[tier] + n}.0/24",
                AvailabilityZone=ZONES[n],
                TagSpecifications=tag_spec("subnet", env, f"{env}-{tier}-{n}"),
            )["Subnet"]["SubnetId"]
    return {"vpc": vpc, "igw": igw, "subnets": subnets}


def seed_nat(ec2: Any, env: str, subnet: str) -> str:
    """A NAT gateway (with its Elastic IP) in ``subnet``."""
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(
        SubnetId=subnet,
        AllocationId=allocation,
        TagSpecifications=tag_spec("natgateway", env),
    )["NatGateway"]["NatGatewayId"]


def seed_route_table(ec2: Any, env: str, vpc: str, subnet: str, **target: str) -> str:
    """A route table for ``subnet`` with a default route to ``target`` (GatewayId/NatGatewayId)."""
    table = ec2.create_route_table(VpcId=vpc, TagSpecifications=tag_spec("route-table", env))[
        "RouteTable"
    ]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return table


def seed_ec2(seeder: Seeder) -> dict[str, str]:
    """prod network as documented; staging drifted; dev on an undocumented CIDR; volumes."""
    ec2 = seeder.client("ec2", REGION)
    ids: dict[str, str] = {}
    prod = seed_network(ec2, "prod", "10.2.0.0/16", "10.2", {t: 3 for t in TIERS})
    ids["prod_vpc"] = prod["vpc"]
    ids.update({f"prod_{k}": v for k, v in prod["subnets"].items()})
    # NET-004 PASS: three NATs, one per AZ, each in a public subnet.
    nats = [seed_nat(ec2, "prod", prod["subnets"][f"public_{n}"]) for n in range(3)]
    # NET-005 PASS: private subnets route 0.0.0.0/0 to their AZ's NAT; public ones to the IGW.
    for n in range(3):
        private, public = prod["subnets"][f"private_{n}"], prod["subnets"][f"public_{n}"]
        seed_route_table(ec2, "prod", prod["vpc"], private, NatGatewayId=nats[n])
        seed_route_table(ec2, "prod", prod["vpc"], public, GatewayId=prod["igw"])
    # staging: documented CIDR, but one subnet outside the tier plan (NET-003 FAIL),
    # two NAT gateways (NET-004 FAIL: one documented) and a private subnet routed to the
    # internet gateway (NET-005 FAIL).
    staging = seed_network(ec2, "staging", "10.1.0.0/16", "10.1", {"public": 2, "private": 1})
    ids["staging_vpc"] = staging["vpc"]
    ids.update({f"staging_{k}": v for k, v in staging["subnets"].items()})
    ids["staging_stray"] = ec2.create_subnet(
        VpcId=staging["vpc"],
        CidrBlock="10.1.99.0/24",
        AvailabilityZone=ZONES[0],
        TagSpecifications=tag_spec("subnet", "staging", "staging-stray"),
    )["Subnet"]["SubnetId"]
    for n in range(2):
        seed_nat(ec2, "staging", staging["subnets"][f"public_{n}"])
    ids["staging_private_table"] = seed_route_table(
        ec2, "staging", staging["vpc"], staging["subnets"]["private_0"], GatewayId=staging["igw"]
    )
    # NET-001 FAIL: dev's VPC on an undocumented CIDR (no overlap with anything).
    ids["dev_vpc"] = ec2.create_vpc(
        CidrBlock="10.50.0.0/16", TagSpecifications=tag_spec("vpc", "dev", "dev")
    )["Vpc"]["VpcId"]
    # STO-001 / STO-002: gp3 encrypted (PASS both), gp2 unencrypted (FAIL both).
    for name, kind, encrypted in (("good", "gp3", True), ("bad", "gp2", False)):
        ids[f"volume_{name}"] = ec2.create_volume(
            AvailabilityZone=ZONES[0],
            Size=8,
            VolumeType=kind,
            Encrypted=encrypted,
            TagSpecifications=tag_spec("volume", "prod"),
        )["VolumeId"]
    # TAG-001: a volume with no tag and no VPC: only an account map can place it.
    ids["volume_untagged"] = ec2.create_volume(
        AvailabilityZone=ZONES[0], Size=8, VolumeType="gp3", Encrypted=True
    )["VolumeId"]
    return ids


def seed_aurora(seeder: Seeder) -> dict[str, str]:
    """prod: the documented cluster (PASS DB-003/004); staging: unencrypted (FAIL DB-004);
    a second prod cluster with one reader of the wrong class (FAIL DB-003)."""
    rds = seeder.client("rds", REGION)
    key = seeder.client("kms", REGION).create_key(Description="aurora")["KeyMetadata"]["Arn"]
    ids: dict[str, str] = {}
    layouts = {
        "prod-main": ("prod", True, ["db.r5.xlarge"] * 3),
        "prod-small": ("prod", True, ["db.r5.large"] * 2),
        "staging-db": ("staging", False, ["db.t3.medium"]),
    }
    for name, (env, encrypted, classes) in layouts.items():
        ids[name] = rds.create_db_cluster(
            DBClusterIdentifier=name,
            Engine="aurora-mysql",
            StorageEncrypted=encrypted,
            **({"KmsKeyId": key} if encrypted else {}),
            BackupRetentionPeriod=7,
            Tags=[{"Key": "Environment", "Value": env}],
            **PASSWORD,
        )["DBCluster"]["DBClusterArn"]
        for n, instance_class in enumerate(classes):
            rds.create_db_instance(
                DBInstanceIdentifier=f"{name}-{n}",
                DBClusterIdentifier=name,
                Engine="aurora-mysql",
                DBInstanceClass=instance_class,
                AvailabilityZone=ZONES[n],
                Tags=[{"Key": "Environment", "Value": env}],
            )
    return ids


def seed_buckets(seeder: Seeder) -> dict[str, str]:
    """STO-005: a prod bucket encrypted, blocked and versioned (PASS); one plain (FAIL)."""
    s3 = seeder.client("s3", REGION)
    for name in ("prod-assets-good", "prod-assets-plain"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": "Environment", "Value": "prod"}]}
        )
    good = "prod-assets-good"
    s3.put_bucket_encryption(
        Bucket=good,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=good,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=good, VersioningConfiguration={"Status": "Enabled"})
    return {"bucket_good": good, "bucket_plain": "prod-assets-plain"}


def seed_listeners(seeder: Seeder, vpc: str, subnets: list[str]) -> dict[str, str]:
    """SEC-001: TLS 1.3 HTTPS + redirecting HTTP (PASS); TLS 1.2 policy and forwarding HTTP
    (FAIL) on a second balancer."""
    ec2, elb = seeder.client("ec2", REGION), seeder.client("elbv2", REGION)
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    certificate = seeder.client("acm", REGION).request_certificate(DomainName="example.com")
    target_group = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": target_group}]
    redirect = [
        {
            "Type": "redirect",
            "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
        }
    ]
    ids: dict[str, str] = {}
    for name, policy, http_action in (("good", TLS13, redirect), ("bad", TLS12, forward)):
        balancer = elb.create_load_balancer(
            Name=f"prod-{name}",
            Subnets=subnets,
            SecurityGroups=[group],
            Scheme="internet-facing",
            Tags=[{"Key": "Environment", "Value": "prod"}],
        )["LoadBalancers"][0]["LoadBalancerArn"]
        ids[f"https_{name}"] = elb.create_listener(
            LoadBalancerArn=balancer,
            Protocol="HTTPS",
            Port=443,
            SslPolicy=policy,
            Certificates=[{"CertificateArn": certificate["CertificateArn"]}],
            DefaultActions=forward,
        )["Listeners"][0]["ListenerArn"]
        ids[f"http_{name}"] = elb.create_listener(
            LoadBalancerArn=balancer, Protocol="HTTP", Port=80, DefaultActions=http_action
        )["Listeners"][0]["ListenerArn"]
    return ids


@pytest.fixture(scope="module")
def estate(moto_url: str) -> Iterator[Estate]:  # noqa: F811
    """Everything above, audited once (ec2, rds, s3, elbv2 in us-west-2)."""
    reset(moto_url)
    seeder = Seeder(moto_url)
    ids = seed_ec2(seeder)
    ids.update(seed_aurora(seeder))
    ids.update(seed_buckets(seeder))
    public = [ids[f"prod_public_{n}"] for n in range(3)]
    ids.update(seed_listeners(seeder, ids["prod_vpc"], public))
    options = AwsOptions(
        endpoint_url=moto_url,
        regions=[REGION],
        services=["ec2", "rds", "s3", "elbv2"],
        max_attempts=1,
        read_timeout=10,
    )
    inventory = collect_live(options)
    yield Estate(inventory, ids, scan_inventory(inventory, FOUNDATION))
    reset(moto_url)


def test_audit_collected_every_service(estate: Estate) -> None:
    """The estate's verdicts below are judged on collected data, not on gaps."""
    states = {(c.service, c.status.value) for c in estate.inventory.coverage}
    assert {("ec2", "ok"), ("rds", "ok"), ("s3", "ok"), ("elbv2", "ok")} <= states


def test_net_001_live_documented_cidrs_pass_undocumented_dev_fails(estate: Estate) -> None:
    found = estate.verdicts("NET-001")
    assert found[estate.ids["prod_vpc"]] == "PASS"
    assert found[estate.ids["staging_vpc"]] == "PASS"
    assert found[estate.ids["dev_vpc"]] == "FAIL"
    assert "10.50.0.0/16" in estate.finding("NET-001", estate.ids["dev_vpc"]).message


def test_net_003_live_documented_subnets_pass_stray_subnet_fails(estate: Estate) -> None:
    found = estate.verdicts("NET-003")
    for tier in TIERS:
        for n in range(3):
            assert found[estate.ids[f"prod_{tier}_{n}"]] == "PASS", (tier, n)
    assert found[estate.ids["staging_stray"]] == "FAIL"
    assert found[estate.ids["staging_public_0"]] == "PASS"


def test_net_004_live_three_nats_in_prod_pass_two_in_staging_fail(estate: Estate) -> None:
    found = estate.verdicts("NET-004")
    assert found[f"{estate.ids['prod_vpc']}/nat-gateways"] == "PASS"
    assert found[f"{estate.ids['staging_vpc']}/nat-gateways"] == "FAIL"
    assert "2" in estate.finding("NET-004", f"{estate.ids['staging_vpc']}/nat-gateways").message


def test_net_005_live_nat_routed_private_passes_igw_routed_private_fails(estate: Estate) -> None:
    found = estate.verdicts("NET-005")
    for n in range(3):
        assert found[estate.ids[f"prod_private_{n}"]] == "PASS"
    assert found[estate.ids["staging_private_0"]] == "FAIL"


def test_db_003_live_documented_cluster_passes_small_cluster_fails(estate: Estate) -> None:
    found = estate.verdicts("DB-003")
    assert found[estate.ids["prod-main"]] == "PASS"
    assert found[estate.ids["prod-small"]] == "FAIL"


def test_db_004_live_encrypted_cluster_passes_unencrypted_fails(estate: Estate) -> None:
    found = estate.verdicts("DB-004")
    assert found[estate.ids["prod-main"]] == "PASS"
    assert found[estate.ids["staging-db"]] == "FAIL"


def test_sto_001_live_gp3_passes_gp2_fails(estate: Estate) -> None:
    found = estate.verdicts("STO-001")
    assert found[estate.ids["volume_good"]] == "PASS"
    assert found[estate.ids["volume_bad"]] == "FAIL"


def test_sto_002_live_encrypted_volume_passes_plain_fails(estate: Estate) -> None:
    found = estate.verdicts("STO-002")
    assert found[estate.ids["volume_good"]] == "PASS"
    assert found[estate.ids["volume_bad"]] == "FAIL"


def test_sto_005_live_hardened_bucket_passes_plain_bucket_fails(estate: Estate) -> None:
    found = {k.rsplit(":", 1)[-1]: v for k, v in estate.verdicts("STO-005").items()}
    assert found[estate.ids["bucket_good"]] == "PASS"
    assert found[estate.ids["bucket_plain"]] == "FAIL"


def test_sec_001_live_tls13_and_redirect_pass_old_policy_and_forward_fail(estate: Estate) -> None:
    found = estate.verdicts("SEC-001")
    assert found[estate.ids["https_good"]] == "PASS"
    assert found[estate.ids["http_good"]] == "PASS"
    assert found[estate.ids["https_bad"]] == "FAIL"
    assert found[estate.ids["http_bad"]] == "FAIL"


def test_tag_001_live_unknown_account_fails(estate: Estate) -> None:
    """With the bundled baseline, moto's account is in no account map: every resource fails."""
    found = estate.verdicts("TAG-001")
    assert found[estate.ids["volume_good"]] == "FAIL"
    message = estate.finding("TAG-001", estate.ids["volume_good"]).message
    assert f"account {DEFAULT_ACCOUNT} is not in the baseline's account map" in message


def test_tag_001_live_prod_account_agreeing_tag_passes_conflicting_tag_fails(
    estate: Estate,
) -> None:
    """moto's account as the prod account: a prod-tagged volume passes, an untagged one passes
    by the account alone, the staging-tagged VPC conflicts with its account and fails."""
    data = copy.deepcopy(baseline())
    data["accounts"]["prod"]["id"] = DEFAULT_ACCOUNT
    inventory = copy.deepcopy(estate.inventory)
    resolve_environments(inventory, data)
    found = statuses(evaluate(inventory, data, ruleset(), {"TAG-001"}), "TAG-001")
    assert found[estate.ids["volume_good"]] == "PASS"
    assert found[estate.ids["volume_untagged"]] == "PASS"
    assert found[estate.ids["staging_vpc"]] == "FAIL"


# -- NET-002 needs two environments on overlapping CIDRs: its own account state ------------------


def test_net_002_live_disjoint_pass_overlapping_fail(estate: Estate, moto_url: str) -> None:  # noqa: F811
    """The estate's prod/staging/dev VPCs are disjoint (PASS); a second seeding where staging
    sits inside prod's range fails for the overlapping pair."""
    disjoint = estate.verdicts("NET-002")
    assert disjoint and set(disjoint.values()) == {"PASS"}, disjoint
    reset(moto_url)
    ec2 = Seeder(moto_url).client("ec2", REGION)
    prod = ec2.create_vpc(CidrBlock="10.2.0.0/16", TagSpecifications=tag_spec("vpc", "prod"))
    staging = ec2.create_vpc(
        CidrBlock="10.2.128.0/17", TagSpecifications=tag_spec("vpc", "staging")
    )
    options = AwsOptions(
        endpoint_url=moto_url, regions=[REGION], services=["ec2"], max_attempts=1, read_timeout=10
    )
    found = statuses(scan_inventory(collect_live(options), {"NET-002"}), "NET-002")
    assert "FAIL" in found.values(), found
    failing = [k for k, v in found.items() if v == "FAIL"]
    vpcs = {prod["Vpc"]["VpcId"], staging["Vpc"]["VpcId"]}
    assert any(vpc in key for key in failing for vpc in vpcs), found
