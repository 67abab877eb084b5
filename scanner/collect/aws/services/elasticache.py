"""ElastiCache: replication groups and cache subnet groups (CACHE-001, CACHE-002).

A replication group does not name its subnet group; its member cache clusters do, so one
DescribeCacheClusters listing links them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

Item = dict[str, Any]
ON = frozenset({"enabled", "enabling"})


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_elasticache_replication_group per group, one aws_elasticache_subnet_group per
    subnet group of the region."""
    client = ctx.client("elasticache")
    groups = {
        group["CacheSubnetGroupName"]: group
        for group in ctx.paginate(client, "describe_cache_subnet_groups", "CacheSubnetGroups")
    }
    subnet_group_of = member_subnet_groups(
        ctx.paginate(client, "describe_cache_clusters", "CacheClusters")
    )
    for item in ctx.paginate(client, "describe_replication_groups", "ReplicationGroups"):
        tags = ctx.call(client, "list_tags_for_resource", ResourceName=item["ARN"])
        group = groups.get(subnet_group_of.get(item["ReplicationGroupId"], ""), {})
        yield replication_group_resource(ctx, item, tags_of(tags.get("TagList")), group)
    for group in groups.values():
        tags = ctx.call(client, "list_tags_for_resource", ResourceName=group["ARN"])
        yield subnet_group_resource(ctx, group, tags_of(tags.get("TagList")))


def member_subnet_groups(clusters: Iterator[Item]) -> dict[str, str]:
    """Replication group id -> the subnet group name its member clusters use."""
    return {
        cluster["ReplicationGroupId"]: cluster["CacheSubnetGroupName"]
        for cluster in clusters
        if cluster.get("ReplicationGroupId") and cluster.get("CacheSubnetGroupName")
    }


def replication_group_resource(
    ctx: CollectContext, item: Item, tags: dict[str, str], subnet_group: Item
) -> Resource:
    """aws_elasticache_replication_group from DescribeReplicationGroups."""
    node_groups = item.get("NodeGroups") or []
    replicas = [len(group.get("NodeGroupMembers") or []) - 1 for group in node_groups]
    refs: dict[str, str | list[str]] = {}
    if subnet_group.get("ARN"):
        refs["subnet_group"] = subnet_group["ARN"]
    if item.get("KmsKeyId"):
        refs["kms_key"] = item["KmsKeyId"]
    return ctx.resource(
        item["ARN"],
        "aws_elasticache_replication_group",
        name=item["ReplicationGroupId"],
        tags=tags,
        attributes={
            "replication_group_id": item["ReplicationGroupId"],
            "engine": item.get("Engine") or "redis",
            "node_type": item.get("CacheNodeType"),
            "num_cache_clusters": len(item.get("MemberClusters") or []),
            "num_node_groups": len(node_groups),
            "replicas_per_node_group": max(replicas) if replicas else 0,
            "cluster_mode": bool(item.get("ClusterEnabled", False)),
            "automatic_failover_enabled": item.get("AutomaticFailover") in ON,
            "multi_az_enabled": item.get("MultiAZ") in ON,
            "at_rest_encryption_enabled": bool(item.get("AtRestEncryptionEnabled", False)),
            "transit_encryption_enabled": bool(item.get("TransitEncryptionEnabled", False)),
        },
        refs=refs,
    )


def subnet_group_resource(ctx: CollectContext, group: Item, tags: dict[str, str]) -> Resource:
    """aws_elasticache_subnet_group from DescribeCacheSubnetGroups."""
    subnets = [
        s["SubnetIdentifier"] for s in group.get("Subnets") or [] if s.get("SubnetIdentifier")
    ]
    refs: dict[str, str | list[str]] = {"subnets": subnets}
    if group.get("VpcId"):
        refs["vpc"] = group["VpcId"]
    return ctx.resource(
        group["ARN"],
        "aws_elasticache_subnet_group",
        name=group["CacheSubnetGroupName"],
        tags=tags,
        attributes={
            "name": group["CacheSubnetGroupName"],
            "description": group.get("CacheSubnetGroupDescription"),
            "subnets": subnets,
        },
        refs=refs,
    )


SPEC = ServiceSpec(
    name="elasticache",
    collect=collect,
    permissions=(
        "elasticache:DescribeCacheSubnetGroups",
        "elasticache:DescribeCacheClusters",
        "elasticache:DescribeReplicationGroups",
        "elasticache:ListTagsForResource",
    ),
    scope=Scope.REGIONAL,
    types=("aws_elasticache_replication_group", "aws_elasticache_subnet_group"),
)
