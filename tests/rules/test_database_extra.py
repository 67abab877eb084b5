"""DB-001, DB-002, DB-005, DB-006, CACHE-001 and CACHE-002 on plans and on a seeded moto server.

Plans go through the real collector (map_database and map_database_extra); live cases seed
moto and collect with `audit`, then evaluate the bundled rules. moto cannot start RDS
automated-backups replication, so DB-005's live cases use AWS Backup copy rules instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanner.collect.aws.moto_server import Seeder
from scanner.collect.terraform import collect_plan
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (fixtures for live cases)
from tests.rules.helpers import UNKNOWN, plan_of, scan_inventory, scan_plan, statuses

PASSWORD = {"MasterUsername": "admin", "MasterUserPassword": "correct-horse-battery"}
ACCOUNT = "555555555555"


def tags(env: str) -> dict[str, str]:
    return {"Environment": env}


def live_tags(env: str) -> list[dict[str, str]]:
    return [{"Key": "Environment", "Value": env}]


# -- plans --------------------------------------------------------------------------------


def dev_cluster(min_capacity: float) -> tuple[str, dict[str, Any]]:
    return (
        "aws_rds_cluster.dev",
        {
            "cluster_identifier": "dev",
            "engine": "aurora-mysql",
            "engine_mode": "provisioned",
            "storage_encrypted": True,
            "backup_retention_period": 7,
            "serverlessv2_scaling_configuration": [
                {"min_capacity": min_capacity, "max_capacity": 2, "seconds_until_auto_pause": 600}
            ],
            "tags": tags("dev"),
        },
    )


def member(name: str, cluster: str, cls: str, env: str) -> tuple[str, dict[str, Any]]:
    return (
        f"aws_rds_cluster_instance.{name}",
        {
            "identifier": name,
            "cluster_identifier": cluster,
            "instance_class": cls,
            "publicly_accessible": False,
            "tags": tags(env),
        },
    )


def test_db_001_plan_dev_cluster_pauses_at_zero_acu(tmp_path: Path) -> None:
    plan = plan_of(dev_cluster(0), member("dev_w", "dev", "db.serverless", "dev"))
    findings = scan_plan(plan, tmp_path, {"DB-001"})
    assert statuses(findings, "DB-001") == {"aws_rds_cluster.dev": "PASS"}


def test_db_001_plan_half_acu_minimum_fails_auto_pause(tmp_path: Path) -> None:
    plan = plan_of(dev_cluster(0.5), member("dev_w", "dev", "db.serverless", "dev"))
    findings = scan_plan(plan, tmp_path, {"DB-001"})
    assert statuses(findings, "DB-001") == {"aws_rds_cluster.dev": "FAIL"}
    assert "cannot auto-pause" in findings[0].message


def test_db_001_plan_unknown_scaling_is_unknown(tmp_path: Path) -> None:
    address, values = dev_cluster(0)
    plan = plan_of((address, {**values, "serverlessv2_scaling_configuration": UNKNOWN}))
    findings = scan_plan(plan, tmp_path, {"DB-001"})
    assert statuses(findings, "DB-001") == {"aws_rds_cluster.dev": "UNKNOWN"}


def staging_cluster() -> tuple[str, dict[str, Any]]:
    return (
        "aws_rds_cluster.stg",
        {
            "cluster_identifier": "stg",
            "engine": "aurora-mysql",
            "engine_mode": "provisioned",
            "backup_retention_period": 7,
            "tags": tags("staging"),
        },
    )


def test_db_002_plan_single_t3_medium_writer_passes(tmp_path: Path) -> None:
    plan = plan_of(staging_cluster(), member("stg_w", "stg", "db.t3.medium", "staging"))
    findings = scan_plan(plan, tmp_path, {"DB-002"})
    assert statuses(findings, "DB-002") == {"aws_rds_cluster.stg": "PASS"}


def test_db_002_plan_reader_makes_staging_multi_az(tmp_path: Path) -> None:
    plan = plan_of(
        staging_cluster(),
        member("stg_w", "stg", "db.t3.medium", "staging"),
        member("stg_r", "stg", "db.t3.medium", "staging"),
    )
    findings = scan_plan(plan, tmp_path, {"DB-002"})
    assert statuses(findings, "DB-002") == {"aws_rds_cluster.stg": "FAIL"}
    assert "Multi-AZ" in findings[0].message


def prod_cluster(retention: int = 7, **extra: Any) -> tuple[str, dict[str, Any]]:
    return (
        "aws_rds_cluster.prod",
        {
            "cluster_identifier": "prod",
            "engine": "aurora-mysql",
            "backup_retention_period": retention,
            "tags": tags("prod"),
            **extra,
        },
    )


def backup_plan(copy_region: str | None) -> tuple[str, dict[str, Any]]:
    copies = (
        [{"destination_vault_arn": f"arn:aws:backup:{copy_region}:{ACCOUNT}:backup-vault:dr"}]
        if copy_region
        else []
    )
    rule = {
        "rule_name": "daily",
        "target_vault_name": "prod",
        "schedule": "cron(0 5 ? * * *)",
        "copy_action": copies,
    }
    return ("aws_backup_plan.prod", {"name": "prod", "rule": [rule], "tags": tags("prod")})


def test_db_005_plan_backup_plan_copies_to_dr_region(tmp_path: Path) -> None:
    plan = plan_of(prod_cluster(), backup_plan("us-east-1"))
    findings = scan_plan(plan, tmp_path, {"DB-005"})
    assert statuses(findings, "DB-005") == {"aws_rds_cluster.prod": "PASS"}


def test_db_005_plan_copy_to_wrong_region_and_short_retention_fail(tmp_path: Path) -> None:
    plan = plan_of(prod_cluster(retention=1), backup_plan("eu-west-1"))
    findings = scan_plan(plan, tmp_path, {"DB-005"})
    assert statuses(findings, "DB-005") == {"aws_rds_cluster.prod": "FAIL"}
    assert "retention 1 days" in findings[0].message
    assert "not copied to the DR region us-east-1" in findings[0].message


def test_db_005_plan_instance_backup_replication_in_dr_region(tmp_path: Path) -> None:
    source = f"arn:aws:rds:us-west-2:{ACCOUNT}:db:reports"
    instance = {
        "identifier": "reports",
        "arn": source,
        "engine": "postgres",
        "backup_retention_period": 7,
        "tags": tags("prod"),
    }
    replication = {"source_db_instance_arn": source, "region": "us-east-1", "tags": tags("prod")}
    plan = plan_of(
        ("aws_db_instance.reports", instance),
        ("aws_db_instance_automated_backups_replication.reports", replication),
    )
    findings = scan_plan(plan, tmp_path, {"DB-005"})
    assert statuses(findings, "DB-005") == {"aws_db_instance.reports": "PASS"}
    without = plan_of(("aws_db_instance.reports", instance))
    assert statuses(scan_plan(without, tmp_path, {"DB-005"}), "DB-005") == {
        "aws_db_instance.reports": "FAIL"
    }


def placed_plan(cidrs: list[str], public: bool = False) -> dict[str, Any]:
    subnets = [
        (
            f"aws_subnet.db{n}",
            {"id": f"subnet-{n}", "cidr_block": cidr, "availability_zone": f"us-west-2{'abc'[n]}"},
        )
        for n, cidr in enumerate(cidrs)
    ]
    group = {"name": "data", "subnet_ids": [f"subnet-{n}" for n in range(len(cidrs))]}
    writer = member("prod_w", "prod", "db.r5.xlarge", "prod")
    writer[1]["publicly_accessible"] = public
    return plan_of(
        *subnets,
        ("aws_db_subnet_group.data", group),
        prod_cluster(db_subnet_group_name="data"),
        writer,
    )


def test_db_006_plan_cluster_in_database_tier_passes(tmp_path: Path) -> None:
    findings = scan_plan(
        placed_plan(["10.2.20.0/24", "10.2.21.0/24"]), tmp_path, {"DB-006"}, "prod"
    )
    assert statuses(findings, "DB-006") == {
        "aws_rds_cluster.prod": "PASS",
        "aws_rds_cluster_instance.prod_w": "PASS",
    }


def test_db_006_plan_private_tier_subnet_and_public_instance_fail(tmp_path: Path) -> None:
    plan = placed_plan(["10.2.20.0/24", "10.2.10.0/24"], public=True)
    findings = scan_plan(plan, tmp_path, {"DB-006"}, "prod")
    assert statuses(findings, "DB-006") == {
        "aws_rds_cluster.prod": "FAIL",
        "aws_rds_cluster_instance.prod_w": "FAIL",
    }


def cache_group(name: str, env: str, **values: Any) -> tuple[str, dict[str, Any]]:
    base = {
        "replication_group_id": name,
        "engine": "redis",
        "num_cache_clusters": 1,
        "automatic_failover_enabled": False,
        "multi_az_enabled": False,
        "at_rest_encryption_enabled": True,
        "transit_encryption_enabled": True,
        "tags": tags(env),
    }
    return (f"aws_elasticache_replication_group.{name}", {**base, **values})


PROD_CACHE = {
    "node_type": "cache.r6g.large",
    "cluster_mode": "enabled",
    "num_node_groups": 2,
    "replicas_per_node_group": 1,
    "num_cache_clusters": 4,
    "automatic_failover_enabled": True,
    "multi_az_enabled": True,
}


def test_cache_001_plan_node_types_and_prod_cluster_mode(tmp_path: Path) -> None:
    plan = plan_of(
        cache_group("prod", "prod", **PROD_CACHE),
        cache_group("dev", "dev", node_type="cache.t3.micro"),
        cache_group("dev_big", "dev", node_type="cache.r6g.large"),
        cache_group("prod_flat", "prod", **{**PROD_CACHE, "cluster_mode": "disabled"}),
    )
    findings = scan_plan(plan, tmp_path, {"CACHE-001"})
    assert statuses(findings, "CACHE-001") == {
        "aws_elasticache_replication_group.prod": "PASS",
        "aws_elasticache_replication_group.dev": "PASS",
        "aws_elasticache_replication_group.dev_big": "FAIL",
        "aws_elasticache_replication_group.prod_flat": "FAIL",
    }


def test_cache_002_plan_encryption_and_prod_failover(tmp_path: Path) -> None:
    plan = plan_of(
        cache_group("prod", "prod", **PROD_CACHE),
        cache_group("prod_single_az", "prod", **{**PROD_CACHE, "multi_az_enabled": False}),
        cache_group(
            "dev_plain", "dev", node_type="cache.t3.micro", transit_encryption_enabled=False
        ),
        cache_group(
            "dev_later", "dev", node_type="cache.t3.micro", at_rest_encryption_enabled=UNKNOWN
        ),
    )
    findings = scan_plan(plan, tmp_path, {"CACHE-002"})
    assert statuses(findings, "CACHE-002") == {
        "aws_elasticache_replication_group.prod": "PASS",
        "aws_elasticache_replication_group.prod_single_az": "FAIL",
        "aws_elasticache_replication_group.dev_plain": "FAIL",
        "aws_elasticache_replication_group.dev_later": "UNKNOWN",
    }


# -- live (moto): one seeding per control holds its passing and its failing resource ------


def seed_dev_cluster(seeder: Seeder, name: str, min_capacity: float) -> str:
    rds = seeder.client("rds", "us-west-2")
    arn = rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        BackupRetentionPeriod=7,
        ServerlessV2ScalingConfiguration={
            "MinCapacity": min_capacity,
            "MaxCapacity": 2,
            "SecondsUntilAutoPause": 600,
        },
        Tags=live_tags("dev"),
        **PASSWORD,
    )["DBCluster"]["DBClusterArn"]
    rds.create_db_instance(
        DBInstanceIdentifier=f"{name}-1",
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        DBInstanceClass="db.serverless",
        Tags=live_tags("dev"),
    )
    return str(arn)


def test_db_001_live_zero_acu_passes_half_acu_fails(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    paused = seed_dev_cluster(moto, "dev", 0)
    floor = seed_dev_cluster(moto, "dev-floor", 0.5)
    findings = scan_inventory(audit(["rds"], regions=["us-west-2"]), {"DB-001"})
    assert statuses(findings, "DB-001") == {paused: "PASS", floor: "FAIL"}


def seed_staging(seeder: Seeder, name: str, readers: int) -> str:
    rds = seeder.client("rds", "us-west-2")
    arn = rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        BackupRetentionPeriod=7,
        Tags=live_tags("staging"),
        **PASSWORD,
    )["DBCluster"]["DBClusterArn"]
    for n in range(readers + 1):
        rds.create_db_instance(
            DBInstanceIdentifier=f"{name}-{n}",
            DBClusterIdentifier=name,
            Engine="aurora-mysql",
            DBInstanceClass="db.t3.medium",
        )
    return str(arn)


def test_db_002_live_single_writer_passes_reader_fails(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    single = seed_staging(moto, "stg", readers=0)
    multi_az = seed_staging(moto, "stg-ha", readers=1)
    findings = scan_inventory(audit(["rds"], regions=["us-west-2"]), {"DB-002"})
    assert statuses(findings, "DB-002") == {single: "PASS", multi_az: "FAIL"}


def seed_prod_backups(seeder: Seeder, copy: bool) -> str:
    arn = seeder.client("rds", "us-west-2").create_db_cluster(
        DBClusterIdentifier="prod",
        Engine="aurora-mysql",
        BackupRetentionPeriod=7,
        Tags=live_tags("prod"),
        **PASSWORD,
    )["DBCluster"]["DBClusterArn"]
    dr_vault = seeder.client("backup", "us-east-1").create_backup_vault(BackupVaultName="dr")
    west = seeder.client("backup", "us-west-2")
    west.create_backup_vault(BackupVaultName="prod")
    copies = [{"DestinationBackupVaultArn": dr_vault["BackupVaultArn"]}] if copy else []
    west.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "prod",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "prod",
                    "ScheduleExpression": "cron(0 5 ? * * *)",
                    "CopyActions": copies,
                }
            ],
        },
        BackupPlanTags=tags("prod"),
    )
    return str(arn)


def test_db_005_live_backup_plan_copy_to_dr_passes(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    arn = seed_prod_backups(moto, copy=True)
    inventory = audit(["rds", "backup"], regions=["us-west-2"])
    assert statuses(scan_inventory(inventory, {"DB-005"}), "DB-005") == {arn: "PASS"}


def test_db_005_live_without_dr_copy_fails(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    arn = seed_prod_backups(moto, copy=False)
    inventory = audit(["rds", "backup"], regions=["us-west-2"])
    findings = scan_inventory(inventory, {"DB-005"})
    assert statuses(findings, "DB-005") == {arn: "FAIL"}
    assert "not copied to the DR region" in findings[0].message


def seed_placed(
    seeder: Seeder, vpc: str, name: str, cidrs: list[str], public: bool
) -> tuple[str, str]:
    ec2 = seeder.client("ec2", "us-west-2")
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"us-west-2{'abc'[n]}")[
            "Subnet"
        ]["SubnetId"]
        for n, cidr in enumerate(cidrs)
    ]
    rds = seeder.client("rds", "us-west-2")
    rds.create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription=name, SubnetIds=subnets
    )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        DBSubnetGroupName=name,
        Tags=live_tags("prod"),
        **PASSWORD,
    )["DBCluster"]["DBClusterArn"]
    instance = rds.create_db_instance(
        DBInstanceIdentifier=f"{name}-1",
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        DBInstanceClass="db.r5.xlarge",
        PubliclyAccessible=public,
        Tags=live_tags("prod"),
    )["DBInstance"]["DBInstanceArn"]
    return str(cluster), str(instance)


def test_db_006_live_database_tier_passes_private_tier_and_public_fail(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    vpc = moto.client("ec2", "us-west-2").create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    good = seed_placed(moto, vpc, "prod", ["10.2.20.0/24", "10.2.21.0/24"], public=False)
    bad = seed_placed(moto, vpc, "prod-exposed", ["10.2.22.0/24", "10.2.10.0/24"], public=True)
    findings = scan_inventory(audit(["rds", "ec2"], regions=["us-west-2"]), {"DB-006"})
    assert statuses(findings, "DB-006") == {
        good[0]: "PASS",
        good[1]: "PASS",
        bad[0]: "FAIL",
        bad[1]: "FAIL",
    }


def test_cache_001_and_002_live_prod_passes_dev_fails(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    west = moto.client("elasticache", "us-west-2")
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
        Tags=live_tags("prod"),
    )["ReplicationGroup"]["ARN"]
    dev = west.create_replication_group(  # wrong node type (CACHE-001), unencrypted (CACHE-002)
        ReplicationGroupId="dev-cache",
        ReplicationGroupDescription="dev",
        Engine="redis",
        CacheNodeType="cache.m5.large",
        NumCacheClusters=1,
        Tags=live_tags("dev"),
    )["ReplicationGroup"]["ARN"]
    inventory = audit(["elasticache"], regions=["us-west-2"])
    findings = scan_inventory(inventory, {"CACHE-001", "CACHE-002"})
    assert statuses(findings, "CACHE-001") == {prod: "PASS", dev: "FAIL"}
    assert statuses(findings, "CACHE-002") == {prod: "PASS", dev: "FAIL"}


def test_plan_mappers_give_the_live_shapes(tmp_path: Path) -> None:
    """map_database_extra: subnet groups, backup plans and backup replication as collected live."""
    source = f"arn:aws:rds:us-west-2:{ACCOUNT}:db:reports"
    plan = plan_of(
        ("aws_subnet.a", {"id": "subnet-a", "cidr_block": "10.2.20.0/24"}),
        ("aws_db_subnet_group.data", {"name": "data", "subnet_ids": ["subnet-a"]}),
        ("aws_elasticache_subnet_group.cache", {"name": "cache", "subnet_ids": UNKNOWN}),
        ("aws_db_instance.reports", {"identifier": "reports", "arn": source}),
        (
            "aws_db_instance_automated_backups_replication.reports",
            {"source_db_instance_arn": source, "region": "us-east-1"},
        ),
        backup_plan("us-east-1"),
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    found = collect_plan(path).by_id()
    group = found["aws_db_subnet_group.data"]
    assert group.attributes == {"name": "data", "subnets": ["aws_subnet.a"]}
    assert group.refs == {"subnets": ["aws_subnet.a"]}
    assert "subnets" in found["aws_elasticache_subnet_group.cache"].unknown
    replication = found["aws_db_instance_automated_backups_replication.reports"]
    assert replication.region == "us-east-1"
    assert replication.attributes == {
        "source_db_instance_arn": source,
        "source_region": "us-west-2",
        "destination_region": "us-east-1",
    }
    assert replication.refs == {"source_db_instance": "aws_db_instance.reports"}
    [rule] = found["aws_backup_plan.prod"].attributes["rules"]
    assert rule["copy_actions"] == [
        {
            "destination_vault_arn": f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:dr",
            "destination_region": "us-east-1",
            "lifecycle": None,
        }
    ]
