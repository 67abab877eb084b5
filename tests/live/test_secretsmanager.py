"""Secrets Manager collector against a moto server: rotation, keys, and never a secret value."""

from __future__ import annotations

import json
import re
from datetime import UTC

import pytest

from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import secretsmanager
from scanner.inventory.model import CoverageStatus

CANARY = "archscan-canary-7f3e9c1d-never-in-the-inventory"


def test_secrets_with_and_without_rotation(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    west = moto.client("secretsmanager", "us-west-2")
    key = moto.client("kms", "us-west-2").create_key()["KeyMetadata"]["Arn"]
    rotating = west.create_secret(
        Name="prod/db",
        SecretString=CANARY,
        KmsKeyId=key,
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )
    west.rotate_secret(SecretId="prod/db", RotationRules={"AutomaticallyAfterDays": 30})
    static = west.create_secret(Name="prod/api", SecretString=json.dumps({"token": CANARY}))
    east = moto.client("secretsmanager", "us-east-1")
    dr = east.create_secret(Name="dr/db", SecretBinary=CANARY.encode())
    rotated_at = west.describe_secret(SecretId="prod/db")["LastRotatedDate"]

    inventory = audit(["secretsmanager"], regions=["us-west-2", "us-east-1"])
    secrets = {r.id: r for r in inventory.resources if r.type == "aws_secretsmanager_secret"}
    assert set(secrets) == {rotating["ARN"], static["ARN"], dr["ARN"]}
    db = secrets[rotating["ARN"]]
    assert (db.name, db.region, db.account) == ("prod/db", "us-west-2", DEFAULT_ACCOUNT)
    assert db.tags == {"Environment": "prod"}
    assert db.attributes == {
        "name": "prod/db",
        "rotation_enabled": True,
        "rotation_days": 30,
        "rotation_schedule": None,
        "kms_key_id_set": True,
        "last_rotated": rotated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert db.refs == {"kms_key": key}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", db.attributes["last_rotated"])
    assert secrets[static["ARN"]].attributes == {
        "name": "prod/api",
        "rotation_enabled": False,
        "rotation_days": None,
        "rotation_schedule": None,
        "kms_key_id_set": False,
        "last_rotated": None,
    }
    assert secrets[dr["ARN"]].region == "us-east-1"
    assert {(e.region, e.status) for e in inventory.coverage if e.service == "secretsmanager"} == {
        ("us-west-2", CoverageStatus.OK),
        ("us-east-1", CoverageStatus.OK),
    }
    assert CANARY not in json.dumps(inventory.to_dict())


def test_values_are_never_readable_with_the_declared_permissions() -> None:
    assert secretsmanager.SPEC.permissions == ("secretsmanager:ListSecrets",)
    assert not any("GetSecretValue" in action for action in secretsmanager.SPEC.permissions)


@pytest.mark.parametrize(
    ("rules", "days"),
    [
        ({"AutomaticallyAfterDays": 7}, 7),
        ({"ScheduleExpression": "rate(10 days)"}, 10),
        ({"ScheduleExpression": "rate(1 day)"}, 1),
        ({"ScheduleExpression": "rate(4 hours)"}, None),
        ({"ScheduleExpression": "cron(0 16 1,15 * ? *)", "Duration": "2h"}, None),
        ({}, None),
    ],
)
def test_rotation_days_from_days_or_a_rate_schedule(
    rules: dict[str, object], days: int | None
) -> None:
    assert secretsmanager.rotation_days(rules) == days
