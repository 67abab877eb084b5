"""ECR collector against a moto server: scan on push, tag mutability, tags, regions."""

from __future__ import annotations

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import ecr
from scanner.inventory.model import CoverageStatus


def seed(moto: Seeder) -> dict[str, str]:
    """A hardened and a loose repository in us-west-2, one in us-east-1."""
    west = moto.client("ecr", "us-west-2")
    app = west.create_repository(
        repositoryName="shop/app",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS"},
        tags=[{"Key": "Environment", "Value": "prod"}],
    )["repository"]
    loose = west.create_repository(repositoryName="scratch")["repository"]
    dr = moto.client("ecr", "us-east-1").create_repository(repositoryName="shop/app")
    return {
        "app": app["repositoryArn"],
        "loose": loose["repositoryArn"],
        "dr": dr["repository"]["repositoryArn"],
        "key": app["encryptionConfiguration"]["kmsKey"],
    }


def test_repositories_in_canonical_shape(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed(moto)
    inventory = audit(["ecr"], regions=["us-west-2", "us-east-1"])
    found = inventory.by_id()
    app = found[seeded["app"]]
    assert (app.type, app.name, app.region) == ("aws_ecr_repository", "shop/app", "us-west-2")
    assert app.tags == {"Environment": "prod"}
    assert app.attributes == {
        "name": "shop/app",
        "scan_on_push": True,
        "image_tag_mutability": "IMMUTABLE",
        "encryption_type": "KMS",
    }
    assert app.refs == {"kms_key": seeded["key"]}
    loose = found[seeded["loose"]]
    assert loose.attributes["scan_on_push"] is False
    assert loose.attributes["image_tag_mutability"] == "MUTABLE"
    assert loose.refs == {}
    assert found[seeded["dr"]].region == "us-east-1"
    ledger = {(e.region, e.status) for e in inventory.coverage if e.service == "ecr"}
    assert ledger == {("us-west-2", CoverageStatus.OK), ("us-east-1", CoverageStatus.OK)}


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed(moto)
    ctx = CollectContext(
        DEFAULT_ACCOUNT, "us-west-2", lambda service, region: moto.client(service, region)
    )
    assert len(list(ecr.SPEC.collect(ctx))) == 2
    assert {iam_action(call) for call in ctx.calls} == set(ecr.SPEC.permissions)
