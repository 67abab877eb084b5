"""EKS: clusters and their managed node groups (CMP-001, CMP-003..005, CMP-008, DR-005).

Add-ons are a service of their own (``eks-addons``), so a gap there hides no cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

Item = dict[str, Any]
OPEN = ("0.0.0.0/0",)  # AWS's default public access CIDRs, reported when none are given


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_eks_cluster per cluster of the region, then its aws_eks_node_group."""
    eks = ctx.client("eks")
    for name in ctx.paginate(eks, "list_clusters", "clusters"):
        cluster = ctx.call(eks, "describe_cluster", name=name)["cluster"]
        yield cluster_resource(ctx, cluster)
        for group in ctx.paginate(eks, "list_nodegroups", "nodegroups", clusterName=name):
            item = ctx.call(eks, "describe_nodegroup", clusterName=name, nodegroupName=group)
            yield node_group_resource(ctx, item["nodegroup"], cluster["arn"])


def cluster_resource(ctx: CollectContext, cluster: Item) -> Resource:
    """aws_eks_cluster from DescribeCluster."""
    vpc = cluster.get("resourcesVpcConfig") or {}
    return ctx.resource(
        cluster["arn"],
        "aws_eks_cluster",
        name=cluster["name"],
        tags=dict(cluster.get("tags") or {}),
        attributes={
            "name": cluster["name"],
            "version": cluster.get("version"),
            "endpoint_public_access": bool(vpc.get("endpointPublicAccess", False)),
            "endpoint_private_access": bool(vpc.get("endpointPrivateAccess", False)),
            "public_access_cidrs": list(vpc.get("publicAccessCidrs") or OPEN),
            "secrets_encrypted": secrets_encrypted(cluster.get("encryptionConfig")),
            "enabled_cluster_log_types": enabled_log_types(cluster.get("logging")),
        },
        refs={
            "subnets": list(vpc.get("subnetIds") or []),
            "security_groups": list(vpc.get("securityGroupIds") or []),
        },
    )


def secrets_encrypted(configs: list[Item] | None) -> bool:
    """True when an encryption config covers ``secrets`` with a KMS key."""
    return any(
        "secrets" in (config.get("resources") or [])
        and bool((config.get("provider") or {}).get("keyArn"))
        for config in configs or []
    )


def enabled_log_types(logging: Item | None) -> list[str]:
    """Control-plane log types that are enabled, sorted."""
    types: set[str] = set()
    for setup in (logging or {}).get("clusterLogging") or []:
        if setup.get("enabled"):
            types.update(setup.get("types") or [])
    return sorted(types)


def node_group_resource(ctx: CollectContext, group: Item, cluster_arn: str) -> Resource:
    """aws_eks_node_group; ``instance_types`` is absent when a launch template sets them."""
    scaling = group.get("scalingConfig") or {}
    attributes: Item = {
        "node_group_name": group["nodegroupName"],
        "capacity_type": group.get("capacityType") or "ON_DEMAND",
        "min_size": scaling.get("minSize"),
        "max_size": scaling.get("maxSize"),
        "desired_size": scaling.get("desiredSize"),
        "labels": dict(group.get("labels") or {}),
    }
    if group.get("instanceTypes"):
        attributes["instance_types"] = list(group["instanceTypes"])
    refs: dict[str, str | list[str]] = {
        "cluster": cluster_arn,
        "subnets": list(group.get("subnets") or []),
    }
    template = (group.get("launchTemplate") or {}).get("id")
    if template:
        refs["launch_template"] = template
    return ctx.resource(
        group["nodegroupArn"],
        "aws_eks_node_group",
        name=group["nodegroupName"],
        tags=dict(group.get("tags") or {}),
        attributes=attributes,
        refs=refs,
    )


SPEC = ServiceSpec(
    name="eks",
    collect=collect,
    permissions=(
        "eks:ListClusters",
        "eks:DescribeCluster",
        "eks:ListNodegroups",
        "eks:DescribeNodegroup",
    ),
    scope=Scope.REGIONAL,
    types=("aws_eks_cluster", "aws_eks_node_group"),
)
