"""AWS Backup collector against a moto server: rules, lifecycles, cross-region copies, vaults."""

from __future__ import annotations

from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import backup
from scanner.inventory.model import CoverageStatus

KEY = f"arn:aws:kms:us-west-2:{DEFAULT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def seed(moto: Seeder) -> dict[str, Any]:
    """A daily plan in us-west-2 copying to a DR vault in us-east-1, and a weekly plan."""
    east = moto.client("backup", "us-east-1")
    dr_vault = east.create_backup_vault(BackupVaultName="dr")["BackupVaultArn"]
    west = moto.client("backup", "us-west-2")
    vault = west.create_backup_vault(
        BackupVaultName="prod", EncryptionKeyArn=KEY, BackupVaultTags={"Environment": "prod"}
    )["BackupVaultArn"]
    daily = west.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "prod",
                    "ScheduleExpression": "cron(0 5 ? * * *)",
                    "Lifecycle": {"DeleteAfterDays": 7},
                    "CopyActions": [
                        {"DestinationBackupVaultArn": dr_vault, "Lifecycle": {"DeleteAfterDays": 7}}
                    ],
                }
            ],
        },
        BackupPlanTags={"Environment": "prod"},
    )["BackupPlanArn"]
    weekly = west.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "weekly",
            "Rules": [{"RuleName": "weekly", "TargetBackupVaultName": "prod"}],
        }
    )["BackupPlanArn"]
    return {"dr_vault": dr_vault, "vault": vault, "daily": daily, "weekly": weekly}


def test_plans_with_rules_and_cross_region_copies(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["backup"], regions=["us-west-2", "us-east-1"])
    found = inventory.by_id()
    daily = found[seeded["daily"]]
    assert (daily.type, daily.name, daily.region) == ("aws_backup_plan", "daily", "us-west-2")
    assert daily.tags == {"Environment": "prod"}
    [rule] = daily.attributes["rules"]
    assert rule["rule_name"] == "daily"
    assert rule["schedule"] == "cron(0 5 ? * * *)"
    assert rule["target_vault_arn"] == seeded["vault"]
    assert rule["lifecycle"] == {"cold_storage_after": None, "delete_after": 7}
    assert rule["copy_actions"] == [
        {
            "destination_vault_arn": seeded["dr_vault"],
            "destination_region": "us-east-1",
            "lifecycle": {"cold_storage_after": None, "delete_after": 7},
        }
    ]
    assert daily.refs == {
        "target_vaults": [seeded["vault"]],
        "copy_destinations": [seeded["dr_vault"]],
    }
    [weekly_rule] = found[seeded["weekly"]].attributes["rules"]
    assert weekly_rule["copy_actions"] == []
    assert weekly_rule["lifecycle"] is None
    ledger = {(e.region, e.status) for e in inventory.coverage if e.service == "backup"}
    assert ledger == {("us-west-2", CoverageStatus.OK), ("us-east-1", CoverageStatus.OK)}


def test_vaults_in_each_region(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["backup"], regions=["us-west-2", "us-east-1"])
    vaults = {r.id: r for r in inventory.resources if r.type == "aws_backup_vault"}
    assert {vault.region for vault in vaults.values()} == {"us-west-2", "us-east-1"}
    prod = vaults[seeded["vault"]]
    assert prod.tags == {"Environment": "prod"}
    assert prod.attributes == {
        "name": "prod",
        "kms_key_arn": KEY,
        "locked": False,
        "recovery_points": 0,
    }
    assert prod.refs == {"kms_key": KEY}
    assert vaults[seeded["dr_vault"]].region == "us-east-1"


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed(moto)
    ctx = CollectContext(
        DEFAULT_ACCOUNT, "us-west-2", lambda service, region: moto.client(service, region)
    )
    assert len(list(backup.SPEC.collect(ctx))) == 3
    assert {iam_action(call) for call in ctx.calls} == set(backup.SPEC.permissions)
