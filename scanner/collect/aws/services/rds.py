"""RDS: Aurora clusters and their instances, DB instances, global clusters, subnet groups and
cross-region automated backup replication (DB-001..006, DR-003, DR-004).

Ids are ARNs, and refs to clusters, instances and subnet groups are ARNs too. Neptune and
DocumentDB clusters share the RDS API and are left out: they are not RDS databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

Item = dict[str, Any]
OTHER_ENGINES = frozenset({"neptune", "docdb"})  # served by the RDS API, not RDS databases
GLOBAL_HOME = "us-east-1"  # where a global cluster without members is reported


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """Every RDS resource of the region."""
    rds = ctx.client("rds")
    globals_ = list(ctx.paginate(rds, "describe_global_clusters", "GlobalClusters"))
    yield from global_clusters(ctx, globals_)
    membership = {
        member["DBClusterArn"]: item["GlobalClusterIdentifier"]
        for item in globals_
        for member in item.get("GlobalClusterMembers") or []
    }
    clusters = [
        cluster
        for cluster in ctx.paginate(rds, "describe_db_clusters", "DBClusters")
        if cluster.get("Engine") not in OTHER_ENGINES
    ]
    for cluster in clusters:
        yield cluster_resource(ctx, cluster, membership.get(cluster["DBClusterArn"]))
    by_name = {cluster["DBClusterIdentifier"]: cluster for cluster in clusters}
    for instance in ctx.paginate(rds, "describe_db_instances", "DBInstances"):
        if instance.get("Engine") in OTHER_ENGINES:
            continue
        cluster = by_name.get(instance.get("DBClusterIdentifier") or "")
        if instance.get("DBClusterIdentifier"):
            yield cluster_instance_resource(ctx, instance, cluster)
        else:
            yield db_instance_resource(ctx, instance)
        yield from backup_replications(ctx, instance)
    for group in ctx.paginate(rds, "describe_db_subnet_groups", "DBSubnetGroups"):
        tags = ctx.call(rds, "list_tags_for_resource", ResourceName=group["DBSubnetGroupArn"])
        yield subnet_group_resource(ctx, group, tags_of(tags.get("TagList")))


def global_clusters(ctx: CollectContext, items: list[Item]) -> Iterator[Resource]:
    """aws_rds_global_cluster, reported once: in the region of its writer cluster.

    Every region's API lists every global cluster of the account; one without members is
    reported from ``GLOBAL_HOME`` only.
    """
    for item in items:
        members = item.get("GlobalClusterMembers") or []
        if home_region(members) != ctx.region:
            continue
        yield ctx.resource(
            item["GlobalClusterArn"],
            "aws_rds_global_cluster",
            name=item["GlobalClusterIdentifier"],
            tags=tags_of(item.get("TagList")),
            attributes={
                "global_cluster_identifier": item["GlobalClusterIdentifier"],
                "engine": item.get("Engine"),
                "engine_version": item.get("EngineVersion"),
                "storage_encrypted": bool(item.get("StorageEncrypted", False)),
                "deletion_protection": bool(item.get("DeletionProtection", False)),
                "members": [
                    {
                        "db_cluster_arn": member["DBClusterArn"],
                        "is_writer": bool(member.get("IsWriter", False)),
                        "region": region_of(member["DBClusterArn"]),
                    }
                    for member in members
                ],
            },
            refs={"members": [member["DBClusterArn"] for member in members]},
        )


def home_region(members: list[Item]) -> str:
    """The writer member's region (any member's without a writer), else ``GLOBAL_HOME``."""
    ordered = sorted(members, key=lambda member: not member.get("IsWriter", False))
    return region_of(ordered[0]["DBClusterArn"]) if ordered else GLOBAL_HOME


def cluster_resource(ctx: CollectContext, cluster: Item, global_id: str | None) -> Resource:
    """aws_rds_cluster from DescribeDBClusters (``global_id``: from the global clusters)."""
    arn: str = cluster["DBClusterArn"]
    key = kms_key(cluster)
    attributes: Item = {
        "cluster_identifier": cluster["DBClusterIdentifier"],
        "engine": cluster.get("Engine"),
        "engine_mode": cluster.get("EngineMode") or "provisioned",
        "engine_version": cluster.get("EngineVersion"),
        "storage_encrypted": bool(cluster.get("StorageEncrypted", False)),
        "kms_key_id_set": key is not None,
        "backup_retention_period": cluster.get("BackupRetentionPeriod"),
        "availability_zones": sorted(cluster.get("AvailabilityZones") or []),
        "global_cluster_identifier": cluster.get("GlobalClusterIdentifier") or global_id,
        "replication_source_identifier": cluster.get("ReplicationSourceIdentifier") or None,
        "deletion_protection": bool(cluster.get("DeletionProtection", False)),
    }
    scaling = cluster.get("ServerlessV2ScalingConfiguration")
    if scaling:
        attributes["serverless_v2"] = {
            "min_capacity": scaling.get("MinCapacity"),
            "max_capacity": scaling.get("MaxCapacity"),
            "seconds_until_auto_pause": scaling.get("SecondsUntilAutoPause"),
        }
    refs = links(
        subnet_group=sibling_arn(arn, "subgrp", cluster.get("DBSubnetGroup")),
        kms_key=key,
        replication_source=cluster.get("ReplicationSourceIdentifier"),
    )
    return ctx.resource(
        arn,
        "aws_rds_cluster",
        name=cluster["DBClusterIdentifier"],
        tags=tags_of(cluster.get("TagList")),
        attributes=attributes,
        refs=refs,
    )


def cluster_instance_resource(
    ctx: CollectContext, instance: Item, cluster: Item | None
) -> Resource:
    """aws_rds_cluster_instance: an instance of an Aurora (or Multi-AZ DB) cluster."""
    arn: str = instance["DBInstanceArn"]
    identifier = instance["DBInstanceIdentifier"]
    members = {m["DBInstanceIdentifier"]: m for m in (cluster or {}).get("DBClusterMembers", [])}
    cluster_arn = (cluster or {}).get("DBClusterArn") or sibling_arn(
        arn, "cluster", instance["DBClusterIdentifier"]
    )
    return ctx.resource(
        arn,
        "aws_rds_cluster_instance",
        name=identifier,
        tags=tags_of(instance.get("TagList")),
        attributes={
            "identifier": identifier,
            "instance_class": instance.get("DBInstanceClass"),
            "engine": instance.get("Engine"),
            "publicly_accessible": bool(instance.get("PubliclyAccessible", False)),
            "availability_zone": instance.get("AvailabilityZone"),
            "promotion_tier": instance.get("PromotionTier"),
            "is_writer": bool(members.get(identifier, {}).get("IsClusterWriter", False)),
        },
        refs={"cluster": cluster_arn},
    )


def db_instance_resource(ctx: CollectContext, instance: Item) -> Resource:
    """aws_db_instance: a DB instance outside any cluster."""
    arn: str = instance["DBInstanceArn"]
    key = kms_key(instance)
    source = instance.get("ReadReplicaSourceDBInstanceIdentifier") or None
    group = (instance.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
    return ctx.resource(
        arn,
        "aws_db_instance",
        name=instance["DBInstanceIdentifier"],
        tags=tags_of(instance.get("TagList")),
        attributes={
            "identifier": instance["DBInstanceIdentifier"],
            "engine": instance.get("Engine"),
            "instance_class": instance.get("DBInstanceClass"),
            "storage_encrypted": bool(instance.get("StorageEncrypted", False)),
            "kms_key_id_set": key is not None,
            "multi_az": bool(instance.get("MultiAZ", False)),
            "publicly_accessible": bool(instance.get("PubliclyAccessible", False)),
            "backup_retention_period": instance.get("BackupRetentionPeriod"),
            "storage_type": instance.get("StorageType"),
            "replicate_source_db": source,
            "availability_zone": instance.get("AvailabilityZone"),
        },
        refs=links(
            subnet_group=sibling_arn(arn, "subgrp", group),
            kms_key=key,
            replicate_source=source
            if not source or is_arn(source)
            else sibling_arn(arn, "db", source),
        ),
    )


def backup_replications(ctx: CollectContext, instance: Item) -> Iterator[Resource]:
    """aws_db_instance_automated_backups_replication, in its destination region (as Terraform
    declares it there), one per replica of the instance's automated backups."""
    source: str = instance["DBInstanceArn"]
    for replication in instance.get("DBInstanceAutomatedBackupsReplications") or []:
        arn = replication.get("DBInstanceAutomatedBackupsArn")
        if not arn:
            continue
        destination = region_of(arn)
        yield ctx.resource(
            arn,
            "aws_db_instance_automated_backups_replication",
            name=instance["DBInstanceIdentifier"],
            region=destination,
            attributes={
                "source_db_instance_arn": source,
                "source_region": region_of(source),
                "destination_region": destination,
            },
            refs={"source_db_instance": source},
        )


def subnet_group_resource(ctx: CollectContext, group: Item, tags: dict[str, str]) -> Resource:
    """aws_db_subnet_group from DescribeDBSubnetGroups."""
    subnets = [
        s["SubnetIdentifier"] for s in group.get("Subnets") or [] if s.get("SubnetIdentifier")
    ]
    return ctx.resource(
        group["DBSubnetGroupArn"],
        "aws_db_subnet_group",
        name=group["DBSubnetGroupName"],
        tags=tags,
        attributes={
            "name": group["DBSubnetGroupName"],
            "description": group.get("DBSubnetGroupDescription"),
            "subnets": subnets,
        },
        refs=links(subnets=subnets, vpc=group.get("VpcId")),
    )


def kms_key(item: Item) -> str | None:
    """The key ARN of an encrypted cluster or instance (None when unencrypted)."""
    key = item.get("KmsKeyId")
    return key if item.get("StorageEncrypted") and isinstance(key, str) and is_arn(key) else None


def is_arn(text: str) -> bool:
    """True for an ARN."""
    return text.startswith("arn:")


def region_of(arn: str) -> str:
    """The region field of an ARN."""
    return arn.split(":")[3]


def sibling_arn(arn: str, kind: str, name: str | None) -> str | None:
    """The ARN of another RDS resource of ``arn``'s partition, region and account."""
    if not name:
        return None
    return ":".join(arn.split(":")[:5]) + f":{kind}:{name}"


def links(**refs: str | list[str] | None) -> dict[str, str | list[str]]:
    """Refs the source gives (empty ones dropped)."""
    return {key: value for key, value in refs.items() if value}


SPEC = ServiceSpec(
    name="rds",
    collect=collect,
    permissions=(
        "rds:DescribeGlobalClusters",
        "rds:DescribeDBClusters",
        "rds:DescribeDBInstances",
        "rds:DescribeDBSubnetGroups",
        "rds:ListTagsForResource",
    ),
    scope=Scope.REGIONAL,
    types=(
        "aws_rds_global_cluster",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_db_instance",
        "aws_db_instance_automated_backups_replication",
        "aws_db_subnet_group",
    ),
)
