"""RDS collector against a moto server: Aurora, global and DR replica clusters, instances."""

from __future__ import annotations

from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import rds
from scanner.inventory.model import CoverageStatus

VERSION = "8.0.mysql_aurora.3.05.2"
PASSWORD = {"MasterUsername": "admin", "MasterUserPassword": "correct-horse-battery"}
PROD = [{"Key": "Environment", "Value": "prod"}]


def seed(moto: Seeder) -> dict[str, Any]:
    """Prod Aurora (global, two instances) in us-west-2, its DR replica in us-east-1, a dev
    Serverless v2 cluster and a Postgres instance."""
    ec2 = moto.client("ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for n, zone in ((1, "us-west-2a"), (2, "us-west-2b"))
    ]
    key = moto.client("kms", "us-west-2").create_key()["KeyMetadata"]["Arn"]
    west = moto.client("rds", "us-west-2")
    group = west.create_db_subnet_group(
        DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=subnets, Tags=PROD
    )["DBSubnetGroup"]
    west.create_global_cluster(GlobalClusterIdentifier="orders", Engine="aurora-mysql")
    prod = west.create_db_cluster(
        DBClusterIdentifier="prod",
        Engine="aurora-mysql",
        EngineVersion=VERSION,
        StorageEncrypted=True,
        KmsKeyId=key,
        DBSubnetGroupName="data",
        BackupRetentionPeriod=7,
        DeletionProtection=True,
        GlobalClusterIdentifier="orders",
        Tags=PROD,
        **PASSWORD,
    )["DBCluster"]
    for name, zone in (("prod-1", "us-west-2a"), ("prod-2", "us-west-2b")):
        west.create_db_instance(
            DBInstanceIdentifier=name,
            DBClusterIdentifier="prod",
            Engine="aurora-mysql",
            DBInstanceClass="db.r5.xlarge",
            AvailabilityZone=zone,
            PromotionTier=1,
        )
    dev = west.create_db_cluster(
        DBClusterIdentifier="dev",
        Engine="aurora-mysql",
        ServerlessV2ScalingConfiguration={
            "MinCapacity": 0.5,
            "MaxCapacity": 2,
            "SecondsUntilAutoPause": 600,
        },
        **PASSWORD,
    )["DBCluster"]
    reports = west.create_db_instance(
        DBInstanceIdentifier="reports",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MultiAZ=True,
        StorageEncrypted=True,
        KmsKeyId=key,
        DBSubnetGroupName="data",
        BackupRetentionPeriod=7,
        StorageType="gp3",
        Tags=PROD,
        **PASSWORD,
    )["DBInstance"]
    dr = moto.client("rds", "us-east-1").create_db_cluster(
        DBClusterIdentifier="prod-dr",
        Engine="aurora-mysql",
        ReplicationSourceIdentifier=prod["DBClusterArn"],
        **PASSWORD,
    )["DBCluster"]
    return {
        "key": key,
        "subnets": subnets,
        "vpc": vpc,
        "group": group,
        "prod": prod,
        "dev": dev,
        "reports": reports,
        "dr": dr,
    }


def test_aurora_clusters_instances_and_dr_replica(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["rds"], regions=["us-west-2", "us-east-1"])
    found = inventory.by_id()
    group_arn = seeded["group"]["DBSubnetGroupArn"]
    prod = found[seeded["prod"]["DBClusterArn"]]
    assert (prod.type, prod.region, prod.name) == ("aws_rds_cluster", "us-west-2", "prod")
    assert prod.tags == {"Environment": "prod"}
    assert prod.attributes == {
        "cluster_identifier": "prod",
        "engine": "aurora-mysql",
        "engine_mode": "provisioned",
        "engine_version": VERSION,
        "storage_encrypted": True,
        "kms_key_id_set": True,
        "backup_retention_period": 7,
        "availability_zones": ["us-west-2a", "us-west-2b", "us-west-2c"],
        "global_cluster_identifier": "orders",
        "replication_source_identifier": None,
        "deletion_protection": True,
    }
    assert prod.refs == {"subnet_group": group_arn, "kms_key": seeded["key"]}
    dev = found[seeded["dev"]["DBClusterArn"]]
    assert dev.attributes["serverless_v2"] == {
        "min_capacity": 0.5,
        "max_capacity": 2,
        "seconds_until_auto_pause": 600,
    }
    assert dev.attributes["storage_encrypted"] is False
    assert dev.attributes["kms_key_id_set"] is False
    assert "kms_key" not in dev.refs
    dr = found[seeded["dr"]["DBClusterArn"]]
    assert dr.region == "us-east-1"
    assert dr.attributes["replication_source_identifier"] == seeded["prod"]["DBClusterArn"]
    assert dr.refs["replication_source"] == seeded["prod"]["DBClusterArn"]
    members = {r.name: r for r in inventory.resources if r.type == "aws_rds_cluster_instance"}
    assert set(members) == {"prod-1", "prod-2"}
    assert members["prod-1"].attributes == {
        "identifier": "prod-1",
        "instance_class": "db.r5.xlarge",
        "engine": "aurora-mysql",
        "publicly_accessible": False,
        "availability_zone": "us-west-2a",
        "promotion_tier": 1,
        "is_writer": True,
    }
    assert members["prod-2"].attributes["is_writer"] is False
    assert members["prod-2"].attributes["availability_zone"] == "us-west-2b"
    assert {r.refs["cluster"] for r in members.values()} == {seeded["prod"]["DBClusterArn"]}
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "rds"} == {
        ("us-west-2", CoverageStatus.OK),
        ("us-east-1", CoverageStatus.OK),
    }


def test_global_cluster_reported_once_in_its_writer_region(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["rds"], regions=["us-west-2", "us-east-1"])
    globals_ = [r for r in inventory.resources if r.type == "aws_rds_global_cluster"]
    assert [(r.name, r.region) for r in globals_] == [("orders", "us-west-2")]
    assert globals_[0].attributes["members"] == [
        {"db_cluster_arn": seeded["prod"]["DBClusterArn"], "is_writer": True, "region": "us-west-2"}
    ]
    assert globals_[0].refs == {"members": [seeded["prod"]["DBClusterArn"]]}


def test_db_instance_and_subnet_group(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["rds"], regions=["us-west-2"])
    found = inventory.by_id()
    reports = found[seeded["reports"]["DBInstanceArn"]]
    assert reports.type == "aws_db_instance"
    assert reports.tags == {"Environment": "prod"}
    assert reports.attributes == {
        "identifier": "reports",
        "engine": "postgres",
        "instance_class": "db.t3.micro",
        "storage_encrypted": True,
        "kms_key_id_set": True,
        "multi_az": True,
        "publicly_accessible": False,
        "backup_retention_period": 7,
        "storage_type": "gp3",
        "replicate_source_db": None,
        "availability_zone": reports.attributes["availability_zone"],
    }
    assert reports.attributes["availability_zone"].startswith("us-west-2")
    group = found[seeded["group"]["DBSubnetGroupArn"]]
    assert reports.refs == {"subnet_group": group.id, "kms_key": seeded["key"]}
    assert group.type == "aws_db_subnet_group"
    assert group.tags == {"Environment": "prod"}
    assert group.attributes["subnets"] == seeded["subnets"]
    assert group.refs == {"subnets": seeded["subnets"], "vpc": seeded["vpc"]}
    assert {r.type for r in inventory.resources if r.name == "reports"} == {"aws_db_instance"}


def test_cross_region_backup_replication_lives_in_its_destination() -> None:
    source = f"arn:aws:rds:us-west-2:{DEFAULT_ACCOUNT}:db:reports"
    replica = f"arn:aws:rds:us-east-1:{DEFAULT_ACCOUNT}:auto-backup:ab-7d2kqbqfxn3ydwj6"
    instance = {
        "DBInstanceIdentifier": "reports",
        "DBInstanceArn": source,
        "DBInstanceAutomatedBackupsReplications": [{"DBInstanceAutomatedBackupsArn": replica}],
    }
    ctx = CollectContext(DEFAULT_ACCOUNT, "us-west-2", lambda service, region: None)
    [resource] = rds.backup_replications(ctx, instance)
    assert (resource.id, resource.type) == (
        replica,
        "aws_db_instance_automated_backups_replication",
    )
    assert resource.region == "us-east-1"
    assert resource.attributes == {
        "source_db_instance_arn": source,
        "source_region": "us-west-2",
        "destination_region": "us-east-1",
    }
    assert resource.refs == {"source_db_instance": source}


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed(moto)
    ctx = CollectContext(
        DEFAULT_ACCOUNT, "us-west-2", lambda service, region: moto.client(service, region)
    )
    assert len(list(rds.SPEC.collect(ctx))) >= 7
    assert {iam_action(call) for call in ctx.calls} == set(rds.SPEC.permissions)
