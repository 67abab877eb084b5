"""EKS add-ons (CMP-006): a service of its own, so a gap here hides no cluster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_eks_addon per add-on of every cluster of the region."""
    eks = ctx.client("eks")
    for cluster in ctx.paginate(eks, "list_clusters", "clusters"):
        for name in ctx.paginate(eks, "list_addons", "addons", clusterName=cluster):
            addon = ctx.call(eks, "describe_addon", clusterName=cluster, addonName=name)["addon"]
            yield addon_resource(ctx, addon)


def addon_resource(ctx: CollectContext, addon: dict[str, Any]) -> Resource:
    """aws_eks_addon from DescribeAddon; the cluster is referenced by its ARN."""
    arn: str = addon["addonArn"]
    return ctx.resource(
        arn,
        "aws_eks_addon",
        name=addon["addonName"],
        tags=dict(addon.get("tags") or {}),
        attributes={
            "addon_name": addon["addonName"],
            "addon_version": addon.get("addonVersion"),
            "cluster_name": addon.get("clusterName"),
        },
        refs={"cluster": cluster_arn(arn, addon["clusterName"])},
    )


def cluster_arn(addon_arn: str, cluster: str) -> str:
    """``arn:aws:eks:us-west-2:1234:addon/prod/vpc-cni/uuid`` -> the cluster's ARN."""
    prefix = addon_arn.split(":addon/", 1)[0]
    return f"{prefix}:cluster/{cluster}"


SPEC = ServiceSpec(
    name="eks-addons",
    collect=collect,
    permissions=("eks:ListClusters", "eks:ListAddons", "eks:DescribeAddon"),
    scope=Scope.REGIONAL,
    types=("aws_eks_addon",),
)
