"""Shield collector against a moto server: no subscription is an answer, not an error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import shield
from scanner.inventory.model import CoverageStatus

ALB = f"arn:aws:elasticloadbalancing:us-west-2:{DEFAULT_ACCOUNT}:loadbalancer/app/prod-alb/1"


def test_an_account_without_shield_advanced_is_not_subscribed(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    inventory = audit(["shield"])
    assert [(r.id, r.type, r.attributes) for r in inventory.resources] == [
        (f"{DEFAULT_ACCOUNT}/shield-subscription", "aws_shield_subscription", {"active": False})
    ]
    assert [(e.region, e.service, e.status) for e in inventory.coverage] == [
        ("global", "shield", CoverageStatus.OK)
    ]


def test_subscription_and_protections(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    client = moto.client("shield")
    client.create_subscription()
    protection = client.create_protection(Name="prod-alb", ResourceArn=ALB)["ProtectionId"]
    inventory = audit(["shield"])
    by_type = {r.type: r for r in inventory.resources}
    subscription = by_type["aws_shield_subscription"]
    assert subscription.id == f"{DEFAULT_ACCOUNT}/shield-subscription"
    assert subscription.attributes["active"] is True
    assert subscription.attributes["auto_renew"] == "ENABLED"
    assert subscription.attributes["arn"].startswith(f"arn:aws:shield::{DEFAULT_ACCOUNT}:")
    protected = by_type["aws_shield_protection"]
    assert protected.id.endswith(protection)
    assert protected.attributes == {"name": "prod-alb", "resource_arn": ALB}
    assert protected.refs == {"resource": ALB}
    assert len(inventory.resources) == 2
    assert inventory.coverage[0].status == CoverageStatus.OK


def test_a_lapsed_subscription_is_inactive() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    lapsed = {"EndTime": now - timedelta(days=1), "AutoRenew": "DISABLED"}
    assert shield.is_active(lapsed, now) is False
    assert shield.is_active({**lapsed, "AutoRenew": "ENABLED"}, now) is True
    assert shield.is_active({"EndTime": now + timedelta(days=1)}, now) is True
    assert shield.is_active(None, now) is False


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    moto.client("shield").create_subscription()
    ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: moto.client(s, r))
    assert len(list(shield.SPEC.collect(ctx))) == 1
    assert set(ctx.calls) == set(shield.SPEC.permissions)
