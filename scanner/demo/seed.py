"""Seed a small but complete organization on a moto server, with a few deliberate drifts.

Accounts: the management account (moto's default) plus network, dev, staging, prod and
shared-services members. dev and prod get their documented VPCs in us-west-2; prod also
gets NAT gateways, route tables, an Aurora cluster, S3 buckets, EBS volumes, a KMS key
and a load balancer. The drifts (each listed in ``DRIFTS``) are what the audit must find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder

REGION = "us-west-2"
MEMBERS = ("network", "dev", "staging", "prod", "shared-services")
DRIFTS = {
    "NET-004": "prod has 2 NAT gateways, documented 3",
    "NET-005": "the prod database route table routes 0.0.0.0/0 to the internet gateway",
    "STO-001": "a gp2 volume in prod",
    "STO-002": "that volume is not encrypted",
    "STO-005": "the prod velero bucket has no public access block and no versioning",
    "SEC-002": "a customer-managed KMS key without rotation",
}


@dataclass
class SeededOrg:
    """Account ids by baseline account key, and what was created."""

    accounts: dict[str, str]
    resources: dict[str, list[str]] = field(default_factory=dict)


def seed(seeder: Seeder) -> SeededOrg:
    """Create the organization and its estate; returns account ids by role."""
    org = seeder.client("organizations")
    org.create_organization(FeatureSet="ALL")
    accounts = {"management": DEFAULT_ACCOUNT}
    for key in MEMBERS:
        answer = org.create_account(Email=f"{key}@example.invalid", AccountName=key)
        accounts[key] = answer["CreateAccountStatus"]["AccountId"]
    seeded = SeededOrg(accounts)
    _vpc(seeder, seeded, "dev", "10.0", nat_count=1, drift=False)
    _vpc(seeder, seeded, "prod", "10.2", nat_count=2, drift=True)
    _prod_data(seeder, seeded)
    return seeded


def _vpc(
    seeder: Seeder, seeded: SeededOrg, env: str, prefix: str, nat_count: int, drift: bool
) -> None:
    account = seeded.accounts[env]
    ec2 = seeder.client("ec2", REGION, account)
    tags = [{"Key": "Environment", "Value": env}, {"Key": "Owner", "Value": "platform"}]
    spec = [{"ResourceType": "vpc", "Tags": [*tags, {"Key": "Name", "Value": f"{env}-vpc"}]}]
    vpc = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16", TagSpecifications=spec)["Vpc"]["VpcId"]
    subnets: dict[str, list[str]] = {}
    for tier, base in (("public", 1), ("private", 10), ("database", 20)):
        for index, zone in enumerate("abc"):
            subnet = ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"{prefix}.{base + index}.0/24",
                AvailabilityZone=f"{REGION}{zone}",
                TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}],
            )["Subnet"]["SubnetId"]
            subnets.setdefault(tier, []).append(subnet)
    for subnet in subnets["public"]:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = _route_table(ec2, vpc, subnets["public"], tags)
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    nats = []
    for subnet in subnets["public"][:nat_count]:
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nats.append(
            ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"][
                "NatGatewayId"
            ]
        )
    for index, subnet in enumerate(subnets["private"]):
        table = _route_table(ec2, vpc, [subnet], tags)
        ec2.create_route(
            RouteTableId=table,
            DestinationCidrBlock="0.0.0.0/0",
            NatGatewayId=nats[index % len(nats)],
        )
    database = _route_table(ec2, vpc, subnets["database"], tags)
    if drift:  # NET-005
        ec2.create_route(RouteTableId=database, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    seeded.resources[f"{env}:vpc"] = [vpc]
    seeded.resources[f"{env}:subnets"] = [s for tier in subnets.values() for s in tier]


def _route_table(ec2: Any, vpc: str, subnets: list[str], tags: list[dict[str, str]]) -> str:
    table = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=[{"ResourceType": "route-table", "Tags": tags}]
    )["RouteTable"]["RouteTableId"]
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return table


def _prod_data(seeder: Seeder, seeded: SeededOrg) -> None:
    account = seeded.accounts["prod"]
    tags = [{"Key": "Environment", "Value": "prod"}, {"Key": "Owner", "Value": "platform"}]
    ec2 = seeder.client("ec2", REGION, account)
    for volume_type, encrypted in (("gp3", True), ("gp2", False)):  # STO-001/002 drift
        ec2.create_volume(
            AvailabilityZone=f"{REGION}a",
            Size=20,
            VolumeType=volume_type,
            Encrypted=encrypted,
            TagSpecifications=[{"ResourceType": "volume", "Tags": tags}],
        )
    kms = seeder.client("kms", REGION, account)
    rotating = kms.create_key(
        Description="prod data", Tags=[{"TagKey": "Environment", "TagValue": "prod"}]
    )
    kms.enable_key_rotation(KeyId=rotating["KeyMetadata"]["KeyId"])
    kms.create_key(Description="prod legacy", Tags=[{"TagKey": "Environment", "TagValue": "prod"}])
    s3 = seeder.client("s3", REGION, account)
    for name, protected in ((f"prod-assets-{account}", True), (f"prod-velero-{account}", False)):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
            },
        )
        if protected:
            s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
