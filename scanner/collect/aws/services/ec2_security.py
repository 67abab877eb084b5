"""EC2 security groups and network ACLs, with rules in the plan's shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services.ec2_common import Item, tagged
from scanner.collect.terraform.map_security import normalize_protocol
from scanner.inventory.model import Resource


def security_groups(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_security_group with ``ingress`` and ``egress`` rule lists."""
    for group in ctx.paginate(ec2, "describe_security_groups", "SecurityGroups"):
        group_id = group["GroupId"]
        yield tagged(
            ctx,
            group_id,
            "aws_security_group",
            group,
            {
                "name": group.get("GroupName"),
                "description": group.get("Description"),
                "ingress": rules(group.get("IpPermissions", []), group_id, ctx.account),
                "egress": rules(group.get("IpPermissionsEgress", []), group_id, ctx.account),
            },
            {"vpc": group.get("VpcId")},
            name=group.get("GroupName"),
        )


def rules(permissions: list[Item], group_id: str, account: str) -> list[dict[str, Any]]:
    """Rules of a direction: one per permission and description, as Terraform reads them."""
    out: list[dict[str, Any]] = []
    for permission in permissions:
        out.extend(permission_rules(permission, group_id, account))
    return out


def permission_rules(permission: Item, group_id: str, account: str) -> list[dict[str, Any]]:
    """``{protocol, from_port, to_port, cidr_blocks, ...}`` for one IpPermission.

    Sources with different descriptions become separate rules; a pair naming the group
    itself sets ``self``; a group of another account is ``account/sg-...``.
    """
    by_description: dict[str | None, dict[str, Any]] = {}

    def rule(description: str | None) -> dict[str, Any]:
        if description not in by_description:
            by_description[description] = {
                "protocol": normalize_protocol(permission.get("IpProtocol")),
                "from_port": permission.get("FromPort"),
                "to_port": permission.get("ToPort"),
                "cidr_blocks": [],
                "ipv6_cidr_blocks": [],
                "security_groups": [],
                "self": False,
                "description": description,
            }
        return by_description[description]

    for item in permission.get("IpRanges", []):
        rule(item.get("Description") or None)["cidr_blocks"].append(item["CidrIp"])
    for item in permission.get("Ipv6Ranges", []):
        rule(item.get("Description") or None)["ipv6_cidr_blocks"].append(item["CidrIpv6"])
    for pair in permission.get("UserIdGroupPairs", []):
        target = rule(pair.get("Description") or None)
        if pair.get("GroupId") == group_id:
            target["self"] = True
        elif pair.get("GroupId"):
            owner = pair.get("UserId")
            ref = pair["GroupId"] if not owner or owner == account else f"{owner}/{pair['GroupId']}"
            target["security_groups"].append(ref)
    if not by_description:  # a permission whose only sources are prefix lists
        rule(None)
    return list(by_description.values())


def network_acls(ctx: CollectContext, ec2: Any) -> Iterator[Resource]:
    """aws_network_acl with its entries (shaped like aws_network_acl_rule)."""
    for acl in ctx.paginate(ec2, "describe_network_acls", "NetworkAcls"):
        yield tagged(
            ctx,
            acl["NetworkAclId"],
            "aws_network_acl",
            acl,
            {
                "is_default": bool(acl.get("IsDefault", False)),
                "entries": [acl_entry(e) for e in acl.get("Entries", [])],
            },
            {
                "vpc": acl.get("VpcId"),
                "subnets": [
                    a["SubnetId"] for a in acl.get("Associations", []) if a.get("SubnetId")
                ],
            },
        )


def acl_entry(entry: Item) -> dict[str, Any]:
    """One entry as ``{rule_number, egress, protocol, rule_action, cidr_block, ...}``."""
    ports = entry.get("PortRange") or {}
    icmp = entry.get("IcmpTypeCode") or {}
    return {
        "rule_number": entry.get("RuleNumber"),
        "egress": bool(entry.get("Egress", False)),
        "protocol": normalize_protocol(entry.get("Protocol")),
        "rule_action": entry.get("RuleAction"),
        "cidr_block": entry.get("CidrBlock"),
        "ipv6_cidr_block": entry.get("Ipv6CidrBlock"),
        "from_port": ports.get("From"),
        "to_port": ports.get("To"),
        "icmp_type": icmp.get("Type"),
        "icmp_code": icmp.get("Code"),
    }
