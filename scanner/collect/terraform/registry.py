"""Which mapper handles each Terraform resource type, and which types fold into a parent."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from scanner.collect.terraform import (
    map_compute,
    map_database,
    map_loadbalancing,
    map_network,
    map_security,
    map_storage,
)
from scanner.collect.terraform.mapping import ROUTE_TABLE, S3_BUCKET, SECURITY_GROUP, MapContext
from scanner.inventory.model import Resource
from scanner.inventory.types import canonical_type as _alias

Mapper = Callable[[MapContext], None]

MAPPERS: dict[str, Mapper] = {
    "aws_vpc": map_network.map_vpc,
    "aws_default_vpc": map_network.map_vpc,
    "aws_subnet": map_network.map_subnet,
    "aws_default_subnet": map_network.map_subnet,
    "aws_internet_gateway": map_network.map_internet_gateway,
    "aws_nat_gateway": map_network.map_nat_gateway,
    "aws_route_table": map_network.map_route_table,
    "aws_vpc_endpoint": map_network.map_vpc_endpoint,
    "aws_security_group": map_security.map_security_group,
    "aws_kms_key": map_security.map_kms_key,
    "aws_eks_cluster": map_compute.map_eks_cluster,
    "aws_eks_node_group": map_compute.map_eks_node_group,
    "aws_launch_template": map_compute.map_launch_template,
    "aws_autoscaling_group": map_compute.map_autoscaling_group,
    "aws_rds_cluster": map_database.map_rds_cluster,
    "aws_rds_cluster_instance": map_database.map_rds_cluster_instance,
    "aws_db_instance": map_database.map_db_instance,
    "aws_elasticache_replication_group": map_database.map_elasticache_replication_group,
    "aws_ebs_volume": map_storage.map_ebs_volume,
    "aws_s3_bucket": map_storage.map_s3_bucket,
    "aws_lb": map_loadbalancing.map_lb,
    "aws_alb": map_loadbalancing.map_lb,
    "aws_lb_listener": map_loadbalancing.map_lb_listener,
    "aws_alb_listener": map_loadbalancing.map_lb_listener,
}


def _family_mappers() -> dict[str, Mapper]:
    """``EXTRA_MAPPERS`` of every ``map_*`` module, so a control family adds its own types."""
    found: dict[str, Mapper] = {}
    package = importlib.import_module("scanner.collect.terraform")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("map_"):
            module = importlib.import_module(f"scanner.collect.terraform.{info.name}")
            found.update(getattr(module, "EXTRA_MAPPERS", {}))
    return found


MAPPERS.update({k: v for k, v in _family_mappers().items() if k not in MAPPERS})

# Default resources that describe the same thing as their plain type.
_DEFAULT_TYPES = {"aws_default_vpc": "aws_vpc", "aws_default_subnet": "aws_subnet"}


@dataclass(frozen=True)
class Folder:
    """A split resource merged into its parent: which argument names the parent, and how."""

    parent_argument: str
    parent_types: frozenset[str]
    apply: Callable[[MapContext, Resource], None]


FOLDERS: dict[str, Folder] = {
    "aws_route": Folder("route_table_id", ROUTE_TABLE, map_network.fold_route),
    "aws_route_table_association": Folder(
        "route_table_id", ROUTE_TABLE, map_network.fold_route_table_association
    ),
    "aws_main_route_table_association": Folder(
        "route_table_id", ROUTE_TABLE, map_network.fold_main_route_table_association
    ),
    "aws_security_group_rule": Folder(
        "security_group_id", SECURITY_GROUP, map_security.fold_security_group_rule
    ),
    "aws_vpc_security_group_ingress_rule": Folder(
        "security_group_id", SECURITY_GROUP, map_security.fold_vpc_ingress_rule
    ),
    "aws_vpc_security_group_egress_rule": Folder(
        "security_group_id", SECURITY_GROUP, map_security.fold_vpc_egress_rule
    ),
    "aws_s3_bucket_versioning": Folder("bucket", S3_BUCKET, map_storage.fold_s3_versioning),
    "aws_s3_bucket_server_side_encryption_configuration": Folder(
        "bucket", S3_BUCKET, map_storage.fold_s3_encryption
    ),
    "aws_s3_bucket_public_access_block": Folder(
        "bucket", S3_BUCKET, map_storage.fold_s3_public_access_block
    ),
    "aws_s3_bucket_lifecycle_configuration": Folder(
        "bucket", S3_BUCKET, map_storage.fold_s3_lifecycle
    ),
    "aws_s3_bucket_replication_configuration": Folder(
        "bucket", S3_BUCKET, map_storage.fold_s3_replication
    ),
    "aws_s3_bucket_intelligent_tiering_configuration": Folder(
        "bucket", S3_BUCKET, map_storage.fold_s3_intelligent_tiering
    ),
}


def canonical_type(terraform_type: str) -> str:
    """The inventory type of a Terraform type: aliases and default resources folded."""
    return _DEFAULT_TYPES.get(terraform_type) or _alias(terraform_type)
