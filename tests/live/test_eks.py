"""EKS collectors against a moto server: clusters, node groups, add-ons as their own service."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import eks, eks_addons
from scanner.inventory.model import CoverageStatus

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/eks"
KEY = f"arn:aws:kms:us-west-2:{DEFAULT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def network(moto: Seeder, region: str) -> dict[str, Any]:
    """A VPC with two subnets, a security group and a launch template."""
    ec2 = moto.client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24")["Subnet"]["SubnetId"]
        for n in (1, 2)
    ]
    group = ec2.create_security_group(GroupName="eks", Description="eks", VpcId=vpc)["GroupId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="nodes", LaunchTemplateData={"InstanceType": "m5.xlarge"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    return {"subnets": subnets, "group": group, "template": template}


def seed_prod(moto: Seeder) -> dict[str, Any]:
    """A hardened cluster with a spot group on a launch template and an on-demand group."""
    net = network(moto, "us-west-2")
    client = moto.client("eks", "us-west-2")
    cluster = client.create_cluster(
        name="prod",
        version="1.29",
        roleArn=ROLE,
        resourcesVpcConfig={
            "subnetIds": net["subnets"],
            "securityGroupIds": [net["group"]],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
        logging={
            "clusterLogging": [
                {"types": ["audit", "api"], "enabled": True},
                {"types": ["scheduler"], "enabled": False},
            ]
        },
        tags={"Environment": "prod"},
    )["cluster"]
    batch = client.create_nodegroup(
        clusterName="prod",
        nodegroupName="batch",
        nodeRole=ROLE,
        subnets=net["subnets"][:1],
        scalingConfig={"minSize": 0, "maxSize": 20, "desiredSize": 2},
        capacityType="SPOT",
        labels={"role": "batch"},
        launchTemplate={"id": net["template"], "version": "1"},
        tags={"Environment": "prod"},
    )["nodegroup"]
    system = client.create_nodegroup(
        clusterName="prod",
        nodegroupName="system",
        nodeRole=ROLE,
        subnets=net["subnets"],
        scalingConfig={"minSize": 3, "maxSize": 3, "desiredSize": 3},
        instanceTypes=["m5.xlarge"],
    )["nodegroup"]
    return {"net": net, "cluster": cluster, "batch": batch, "system": system}


def test_cluster_and_node_groups_in_canonical_shape(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed_prod(moto)
    inventory = audit(["eks"], regions=["us-west-2"])
    found = inventory.by_id()
    cluster = found[seeded["cluster"]["arn"]]
    assert cluster.type == "aws_eks_cluster"
    assert cluster.name == "prod"
    assert cluster.tags == {"Environment": "prod"}
    assert cluster.attributes == {
        "name": "prod",
        "version": "1.29",
        "endpoint_public_access": True,
        "endpoint_private_access": True,
        "public_access_cidrs": ["203.0.113.0/24"],
        "secrets_encrypted": True,
        "enabled_cluster_log_types": ["api", "audit"],
    }
    assert cluster.refs == {
        "subnets": seeded["net"]["subnets"],
        "security_groups": [seeded["net"]["group"]],
    }
    batch = found[seeded["batch"]["nodegroupArn"]]
    assert batch.type == "aws_eks_node_group"
    assert batch.attributes["capacity_type"] == "SPOT"
    assert (batch.attributes["min_size"], batch.attributes["max_size"]) == (0, 20)
    assert batch.attributes["desired_size"] == 2
    assert batch.attributes["labels"] == {"role": "batch"}
    assert batch.refs == {
        "cluster": seeded["cluster"]["arn"],
        "subnets": seeded["net"]["subnets"][:1],
        "launch_template": seeded["net"]["template"],
    }
    system = found[seeded["system"]["nodegroupArn"]]
    assert system.attributes["capacity_type"] == "ON_DEMAND"
    assert system.attributes["instance_types"] == ["m5.xlarge"]
    assert "launch_template" not in system.refs
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "eks"} == {
        ("us-west-2", CoverageStatus.OK)
    }


def test_open_unencrypted_cluster_in_the_dr_region(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seed_prod(moto)
    net = network(moto, "us-east-1")
    dr = moto.client("eks", "us-east-1").create_cluster(
        name="dr",
        version="1.29",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": net["subnets"], "endpointPublicAccess": True},
    )["cluster"]
    inventory = audit(["eks"], regions=["us-west-2", "us-east-1"])
    clusters = {r.name: r for r in inventory.resources if r.type == "aws_eks_cluster"}
    assert {name: r.region for name, r in clusters.items()} == {
        "prod": "us-west-2",
        "dr": "us-east-1",
    }
    assert clusters["dr"].id == dr["arn"]
    assert clusters["dr"].attributes["secrets_encrypted"] is False
    assert clusters["dr"].attributes["enabled_cluster_log_types"] == []
    assert clusters["dr"].attributes["public_access_cidrs"] == ["0.0.0.0/0"]


def test_secrets_need_a_key_and_only_enabled_logs_count() -> None:
    assert eks.secrets_encrypted([{"resources": ["secrets"], "provider": {}}]) is False
    assert eks.secrets_encrypted([{"resources": ["other"], "provider": {"keyArn": KEY}}]) is False
    logging = {"clusterLogging": [{"types": ["api"], "enabled": False}]}
    assert eks.enabled_log_types(logging) == []


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed_prod(moto)
    ctx = CollectContext(
        DEFAULT_ACCOUNT, "us-west-2", lambda service, region: moto.client(service, region)
    )
    assert len(list(eks.SPEC.collect(ctx))) == 3
    assert {iam_action(call) for call in ctx.calls} == set(eks.SPEC.permissions)


def test_addons_unsupported_by_moto_hide_no_cluster(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed_prod(moto)
    inventory = audit(["eks", "eks-addons"], regions=["us-west-2"])
    ledger = {e.service: e for e in inventory.coverage if e.region == "us-west-2"}
    assert ledger["eks"].status == CoverageStatus.OK
    assert seeded["cluster"]["arn"] in inventory.by_id()
    assert ledger["eks-addons"].api_call == "eks:ListAddons"
    assert ledger["eks-addons"].status == CoverageStatus.UNSUPPORTED


def test_addons_from_documented_answers() -> None:
    """moto has no add-ons: a real EKS client with stubbed (model-checked) answers."""
    client = boto3.client(
        "eks", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    arn = f"arn:aws:eks:us-west-2:{DEFAULT_ACCOUNT}:addon/prod/vpc-cni/0ac5e1f2-77e1"
    addon = {
        "addonName": "vpc-cni",
        "clusterName": "prod",
        "addonArn": arn,
        "addonVersion": "v1.18.1-eksbuild.1",
        "status": "ACTIVE",
        "tags": {"Environment": "prod"},
    }
    with Stubber(client) as stub:
        stub.add_response("list_clusters", {"clusters": ["prod"]}, {})
        stub.add_response("list_addons", {"addons": ["vpc-cni"]}, {"clusterName": "prod"})
        stub.add_response(
            "describe_addon", {"addon": addon}, {"clusterName": "prod", "addonName": "vpc-cni"}
        )
        ctx = CollectContext(DEFAULT_ACCOUNT, "us-west-2", lambda service, region: client)
        [resource] = eks_addons.SPEC.collect(ctx)
        stub.assert_no_pending_responses()
    assert (resource.id, resource.type, resource.name) == (arn, "aws_eks_addon", "vpc-cni")
    assert resource.tags == {"Environment": "prod"}
    assert resource.attributes == {
        "addon_name": "vpc-cni",
        "addon_version": "v1.18.1-eksbuild.1",
        "cluster_name": "prod",
    }
    assert resource.refs == {"cluster": f"arn:aws:eks:us-west-2:{DEFAULT_ACCOUNT}:cluster/prod"}
    assert {iam_action(call) for call in ctx.calls} == set(eks_addons.SPEC.permissions)
