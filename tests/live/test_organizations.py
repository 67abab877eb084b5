"""Organizations collector against a moto server: OU tree, accounts without e-mail, SCP targets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import organizations
from scanner.inventory.model import CoverageStatus

DENY_LEAVE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
}
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def seed_org(moto: Seeder) -> dict[str, Any]:
    """An organization: prod in the workloads OU (with a guardrail SCP), dev under the root."""
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    unit = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]
    accounts = {}
    for name in ("prod", "dev"):
        status = org.create_account(
            Email=f"{name}@example.com",
            AccountName=name,
            Tags=[{"Key": "Environment", "Value": name}],
        )["CreateAccountStatus"]
        accounts[name] = status["AccountId"]
    org.move_account(
        AccountId=accounts["prod"], SourceParentId=root, DestinationParentId=unit["Id"]
    )
    guard = _policy(org, "deny-leave", DENY_LEAVE)
    org.attach_policy(PolicyId=guard, TargetId=unit["Id"])
    open_policy = _policy(org, "allow-all", ALLOW_ALL)
    org.attach_policy(PolicyId=open_policy, TargetId=accounts["dev"])
    return {"root": root, "ou": unit["Id"], "guard": guard, "open": open_policy, **accounts}


def _policy(org: Any, name: str, document: dict[str, Any]) -> str:
    answer = org.create_policy(
        Content=json.dumps(document), Description=name, Name=name, Type="SERVICE_CONTROL_POLICY"
    )
    return str(answer["Policy"]["PolicySummary"]["Id"])


def test_organization_tree_accounts_and_scps(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed_org(moto)
    inventory = audit(["organizations"])
    found = inventory.by_id()
    org = next(r for r in inventory.resources if r.type == "aws_organizations_organization")
    assert org.attributes["feature_set"] == "ALL"
    assert org.attributes["master_account_id"] == DEFAULT_ACCOUNT
    assert org.attributes["roots"] == [seeded["root"]]
    assert org.attributes["enabled_policy_types"] == ["SERVICE_CONTROL_POLICY"]

    accounts = {r.id: r for r in inventory.resources if r.type == "aws_organizations_account"}
    assert set(accounts) == {DEFAULT_ACCOUNT, seeded["prod"], seeded["dev"]}
    prod = accounts[seeded["prod"]]
    assert prod.name == "prod"
    assert prod.tags == {"Environment": "prod"}
    assert prod.attributes["status"] == "ACTIVE"
    assert prod.attributes["joined_method"] == "CREATED"
    assert prod.attributes["parent_id"] == seeded["ou"]
    assert prod.refs == {"parent": seeded["ou"]}
    assert accounts[seeded["dev"]].attributes["parent_id"] == seeded["root"]
    assert accounts[seeded["dev"]].refs == {}

    unit = found[seeded["ou"]]
    assert unit.type == "aws_organizations_organizational_unit"
    assert (unit.name, unit.attributes["parent_id"]) == ("workloads", seeded["root"])

    full = found["p-FullAWSAccess"]
    assert full.attributes["aws_managed"] is True
    assert full.attributes["full_aws_access"] is True
    assert seeded["root"] in full.attributes["targets"]
    guard = found[seeded["guard"]]
    assert guard.type == "aws_organizations_policy"
    assert guard.attributes["aws_managed"] is False
    assert guard.attributes["full_aws_access"] is False
    assert guard.attributes["targets"] == [seeded["ou"]]
    assert guard.refs == {"targets": [seeded["ou"]]}
    assert found[seeded["open"]].attributes["full_aws_access"] is True
    assert found[seeded["open"]].attributes["targets"] == [seeded["dev"]]

    assert {(e.account, e.region, e.service, e.status) for e in inventory.coverage} == {
        (DEFAULT_ACCOUNT, "global", "organizations", CoverageStatus.OK)
    }


def test_no_email_and_no_policy_document_reach_the_inventory(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seed_org(moto)
    inventory = audit(["organizations"])
    dumped = json.dumps([r.to_dict() for r in inventory.resources])
    assert inventory.resources
    assert "@" not in dumped
    assert "Statement" not in dumped and "LeaveOrganization" not in dumped


def test_an_account_outside_any_organization_is_an_answer(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    inventory = audit(["organizations"])
    assert [r for r in inventory.resources if r.type.startswith("aws_organizations")] == []
    assert [(e.service, e.status) for e in inventory.coverage] == [
        ("organizations", CoverageStatus.OK)
    ]


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed_org(moto)
    ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: moto.client(s, r))
    assert len(list(organizations.SPEC.collect(ctx))) == 8
    assert set(ctx.calls) == set(organizations.SPEC.permissions)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (ALLOW_ALL, True),
        ({"Statement": {"Effect": "Allow", "Action": ["*"], "Resource": "*"}}, True),
        ({"Statement": ALLOW_ALL["Statement"] + DENY_LEAVE["Statement"]}, False),
        ({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}, False),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:RequestedRegion": "us-west-2"}},
                    }
                ]
            },
            False,
        ),
        ("not json", False),
    ],
)
def test_full_aws_access_means_the_policy_restricts_nothing(document: Any, expected: bool) -> None:
    content = document if isinstance(document, str) else json.dumps(document)
    assert organizations.full_aws_access(content) is expected
