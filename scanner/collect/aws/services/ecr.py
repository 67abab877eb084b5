"""ECR: repositories, their scan on push and tag mutability (SEC-007)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_ecr_repository per repository of the region's registry."""
    ecr = ctx.client("ecr")
    for repo in ctx.paginate(ecr, "describe_repositories", "repositories"):
        tags = ctx.call(ecr, "list_tags_for_resource", resourceArn=repo["repositoryArn"])
        yield repository_resource(ctx, repo, tags_of(tags.get("tags")))


def repository_resource(
    ctx: CollectContext, repo: dict[str, Any], tags: dict[str, str]
) -> Resource:
    """aws_ecr_repository from DescribeRepositories."""
    encryption = repo.get("encryptionConfiguration") or {}
    refs: dict[str, str | list[str]] = {}
    if encryption.get("kmsKey"):
        refs["kms_key"] = encryption["kmsKey"]
    return ctx.resource(
        repo["repositoryArn"],
        "aws_ecr_repository",
        name=repo["repositoryName"],
        tags=tags,
        attributes={
            "name": repo["repositoryName"],
            "scan_on_push": bool(
                (repo.get("imageScanningConfiguration") or {}).get("scanOnPush", False)
            ),
            "image_tag_mutability": repo.get("imageTagMutability") or "MUTABLE",
            "encryption_type": encryption.get("encryptionType") or "AES256",
        },
        refs=refs,
    )


SPEC = ServiceSpec(
    name="ecr",
    collect=collect,
    permissions=("ecr:DescribeRepositories", "ecr:ListTagsForResource"),
    scope=Scope.REGIONAL,
    types=("aws_ecr_repository",),
)
