"""Organizations: the organization, its OU tree, member accounts and SCPs (ORG-001..003).

Collected once, from the caller's (management) account. Account e-mail addresses are
personal data and are never read into the inventory; policy documents are reduced to a
``full_aws_access`` flag.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

NOT_IN_ORGANIZATION = ("AWSOrganizationsNotInUseException",)  # a valid answer: no organization
SCP = "SERVICE_CONTROL_POLICY"


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """The organization, every OU and account (walking the tree from each root), and SCPs."""
    org_client = ctx.client("organizations")
    answer = ctx.optional(org_client, "describe_organization", NOT_IN_ORGANIZATION)
    if answer is None:
        return
    roots = list(ctx.paginate(org_client, "list_roots", "Roots"))
    yield _organization(ctx, answer["Organization"], roots)
    for root in roots:
        yield from _walk(ctx, org_client, root["Id"])
    for summary in ctx.paginate(org_client, "list_policies", "Policies", Filter=SCP):
        yield _policy(ctx, org_client, summary)


def _organization(
    ctx: CollectContext, org: dict[str, Any], roots: list[dict[str, Any]]
) -> Resource:
    enabled = sorted(
        {
            kind["Type"]
            for root in roots
            for kind in root.get("PolicyTypes") or []
            if kind.get("Status") == "ENABLED"
        }
    )
    return ctx.resource(
        org["Id"],
        "aws_organizations_organization",
        name=org["Id"],
        attributes={
            "arn": org.get("Arn"),
            "feature_set": org.get("FeatureSet"),
            "master_account_id": org.get("MasterAccountId"),
            "roots": [root["Id"] for root in roots],
            "enabled_policy_types": enabled,
        },
    )


def _walk(ctx: CollectContext, client: Any, parent: str) -> Iterator[Resource]:
    """Accounts and OUs under ``parent``, depth first."""
    for account in ctx.paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent):
        yield _account(ctx, client, account, parent)
    units = ctx.paginate(
        client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent
    )
    for unit in list(units):
        yield _unit(ctx, client, unit, parent)
        yield from _walk(ctx, client, unit["Id"])


def _account(ctx: CollectContext, client: Any, account: dict[str, Any], parent: str) -> Resource:
    # "Email" is deliberately not read: personal data.
    return ctx.resource(
        account["Id"],
        "aws_organizations_account",
        name=account.get("Name"),
        tags=_tags(ctx, client, account["Id"]),
        attributes={
            "arn": account.get("Arn"),
            "name": account.get("Name"),
            "status": account.get("Status"),
            "joined_method": account.get("JoinedMethod"),
            "parent_id": parent,
        },
        refs=_parent_ref(parent),
    )


def _unit(ctx: CollectContext, client: Any, unit: dict[str, Any], parent: str) -> Resource:
    return ctx.resource(
        unit["Id"],
        "aws_organizations_organizational_unit",
        name=unit.get("Name"),
        tags=_tags(ctx, client, unit["Id"]),
        attributes={"arn": unit.get("Arn"), "name": unit.get("Name"), "parent_id": parent},
        refs=_parent_ref(parent),
    )


def _parent_ref(parent: str) -> dict[str, str | list[str]]:
    """A ref to the parent OU (roots are not resources of the inventory)."""
    return {"parent": parent} if parent.startswith("ou-") else {}


def _policy(ctx: CollectContext, client: Any, summary: dict[str, Any]) -> Resource:
    policy_id = summary["Id"]
    content = ctx.call(client, "describe_policy", PolicyId=policy_id)["Policy"].get("Content")
    targets = [
        item["TargetId"]
        for item in ctx.paginate(client, "list_targets_for_policy", "Targets", PolicyId=policy_id)
    ]
    aws_managed = bool(summary.get("AwsManaged", False))
    return ctx.resource(
        policy_id,
        "aws_organizations_policy",
        name=summary.get("Name"),
        tags={} if aws_managed else _tags(ctx, client, policy_id),
        attributes={
            "arn": summary.get("Arn"),
            "name": summary.get("Name"),
            "type": summary.get("Type", SCP),
            "aws_managed": aws_managed,
            "full_aws_access": full_aws_access(content),
            "targets": targets,
        },
        refs={"targets": [t for t in targets if not t.startswith("r-")]},
    )


def full_aws_access(content: str | None) -> bool:
    """True when an SCP restricts nothing: it allows ``*`` on ``*`` and denies nothing."""
    try:
        document = json.loads(content or "")
    except ValueError:
        return False
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    allows_all = denies = False
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        if statement.get("Effect") == "Deny":
            denies = True
        elif _is_star(statement.get("Action")) and _is_star(statement.get("Resource", "*")):
            allows_all = allows_all or "Condition" not in statement
    return allows_all and not denies


def _is_star(value: Any) -> bool:
    return value == "*" or (isinstance(value, list) and "*" in value)


def _tags(ctx: CollectContext, client: Any, resource_id: str) -> dict[str, str]:
    return tags_of(ctx.paginate(client, "list_tags_for_resource", "Tags", ResourceId=resource_id))


SPEC = ServiceSpec(
    name="organizations",
    collect=collect,
    permissions=(
        "organizations:DescribeOrganization",
        "organizations:ListRoots",
        "organizations:ListAccountsForParent",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListPolicies",
        "organizations:DescribePolicy",
        "organizations:ListTargetsForPolicy",
        "organizations:ListTagsForResource",
    ),
    scope=Scope.MANAGEMENT,
    types=(
        "aws_organizations_organization",
        "aws_organizations_account",
        "aws_organizations_organizational_unit",
        "aws_organizations_policy",
    ),
)
