"""ElastiCache collector against a moto server: cluster mode, encryption, failover, subnets."""

from __future__ import annotations

from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import elasticache
from scanner.inventory.model import CoverageStatus

KEY = f"arn:aws:kms:us-west-2:{DEFAULT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def seed(moto: Seeder) -> dict[str, Any]:
    """A cluster-mode prod group, a single-node dev group in a subnet group, a DR group."""
    ec2 = moto.client("ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.8.0/24")["Subnet"]["SubnetId"]
    west = moto.client("elasticache", "us-west-2")
    group = west.create_cache_subnet_group(
        CacheSubnetGroupName="cache",
        CacheSubnetGroupDescription="cache tier",
        SubnetIds=[subnet],
        Tags=[{"Key": "Environment", "Value": "dev"}],
    )["CacheSubnetGroup"]
    prod = west.create_replication_group(
        ReplicationGroupId="prod-cache",
        ReplicationGroupDescription="sessions",
        Engine="redis",
        CacheNodeType="cache.r6g.large",
        ClusterMode="enabled",
        NumNodeGroups=2,
        ReplicasPerNodeGroup=1,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        KmsKeyId=KEY,
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )["ReplicationGroup"]
    dev = west.create_replication_group(
        ReplicationGroupId="dev-cache",
        ReplicationGroupDescription="dev",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
        CacheSubnetGroupName="cache",
    )["ReplicationGroup"]
    # moto creates no member clusters for a group: add the one AWS would have made
    west.create_cache_cluster(
        CacheClusterId="dev-cache-001",
        ReplicationGroupId="dev-cache",
        CacheSubnetGroupName="cache",
        CacheNodeType="cache.t3.micro",
        Engine="redis",
    )
    dr = moto.client("elasticache", "us-east-1").create_replication_group(
        ReplicationGroupId="dr-cache",
        ReplicationGroupDescription="dr",
        CacheNodeType="cache.t3.small",
    )["ReplicationGroup"]
    return {"vpc": vpc, "subnet": subnet, "group": group, "prod": prod, "dev": dev, "dr": dr}


def test_replication_groups_in_canonical_shape(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["elasticache"], regions=["us-west-2", "us-east-1"])
    found = inventory.by_id()
    prod = found[seeded["prod"]["ARN"]]
    assert (prod.type, prod.name, prod.region) == (
        "aws_elasticache_replication_group",
        "prod-cache",
        "us-west-2",
    )
    assert prod.tags == {"Environment": "prod"}
    assert prod.attributes == {
        "replication_group_id": "prod-cache",
        "engine": "redis",
        "node_type": "cache.r6g.large",
        "num_cache_clusters": 4,
        "num_node_groups": 2,
        "replicas_per_node_group": 1,
        "cluster_mode": True,
        "automatic_failover_enabled": True,
        "multi_az_enabled": True,
        "at_rest_encryption_enabled": True,
        "transit_encryption_enabled": True,
    }
    assert prod.refs == {"kms_key": KEY}
    dev = found[seeded["dev"]["ARN"]]
    assert dev.attributes["cluster_mode"] is False
    assert dev.attributes["num_cache_clusters"] == 1
    assert dev.attributes["replicas_per_node_group"] == 0
    assert dev.attributes["automatic_failover_enabled"] is False
    assert dev.attributes["at_rest_encryption_enabled"] is False
    assert dev.refs == {"subnet_group": seeded["group"]["ARN"]}
    assert found[seeded["dr"]["ARN"]].region == "us-east-1"
    ledger = {(e.region, e.status) for e in inventory.coverage if e.service == "elasticache"}
    assert ledger == {("us-west-2", CoverageStatus.OK), ("us-east-1", CoverageStatus.OK)}


def test_subnet_group_with_its_subnets(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["elasticache"], regions=["us-west-2"])
    group = inventory.by_id()[seeded["group"]["ARN"]]
    assert group.type == "aws_elasticache_subnet_group"
    assert group.tags == {"Environment": "dev"}
    assert group.attributes == {
        "name": "cache",
        "description": "cache tier",
        "subnets": [seeded["subnet"]],
    }
    assert group.refs == {"subnets": [seeded["subnet"]], "vpc": seeded["vpc"]}


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed(moto)
    ctx = CollectContext(
        DEFAULT_ACCOUNT, "us-west-2", lambda service, region: moto.client(service, region)
    )
    assert len(list(elasticache.SPEC.collect(ctx))) == 3
    assert {iam_action(call) for call in ctx.calls} == set(elasticache.SPEC.permissions)
