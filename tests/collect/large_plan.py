"""Generate a large synthetic plan and time ``collect_plan`` on it (a local check, not a test).

Run: ``.venv/bin/python -m tests.collect.large_plan [resources]`` from the repository root.
The plan has a module called with ``for_each``, ``count`` instances, links known only
after apply (direct, through a local and through ``count.index``), and rule, route and
association resources that fold into their parents.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PER_NETWORK = 10  # resources per network module instance (see _network)


def _rc(address: str, module: str, rtype: str, name: str, index: Any, after: dict, unknown: dict):
    change: dict[str, Any] = {
        "address": address,
        "module_address": module,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": False,
            "after_sensitive": {"tags": {}, "tags_all": {}},
        },
    }
    if index is not None:
        change["index"] = index
    return change


def _network(key: str, subnets: int) -> list[dict[str, Any]]:
    module = f'module.net["{key}"]'
    tags = {"Name": key, "Environment": "prod"}
    out = [
        _rc(
            f"{module}.aws_vpc.this",
            module,
            "aws_vpc",
            "this",
            None,
            {"cidr_block": "10.0.0.0/16", "tags": tags, "tags_all": tags},
            {"id": True, "arn": True},
        ),
        _rc(
            f"{module}.aws_internet_gateway.this",
            module,
            "aws_internet_gateway",
            "this",
            None,
            {"tags": tags, "tags_all": tags},
            {"id": True, "vpc_id": True},
        ),
        _rc(
            f"{module}.aws_route_table.public",
            module,
            "aws_route_table",
            "public",
            None,
            {"tags": tags, "tags_all": tags},
            {"id": True, "vpc_id": True, "route": True},
        ),
        _rc(
            f"{module}.aws_route.igw",
            module,
            "aws_route",
            "igw",
            None,
            {"destination_cidr_block": "0.0.0.0/0"},
            {"id": True, "route_table_id": True, "gateway_id": True},
        ),
        _rc(
            f"{module}.aws_security_group.web",
            module,
            "aws_security_group",
            "web",
            None,
            {"name": f"web-{key}", "description": "web", "tags": tags, "tags_all": tags},
            {"id": True, "vpc_id": True, "ingress": True, "egress": True},
        ),
    ]
    for pos in range(subnets):
        out.append(
            _rc(
                f"{module}.aws_subnet.public[{pos}]",
                module,
                "aws_subnet",
                "public",
                pos,
                {"cidr_block": f"10.0.{pos}.0/24", "availability_zone": "eu-west-1a"},
                {"id": True, "vpc_id": True},
            )
        )
        out.append(
            _rc(
                f"{module}.aws_route_table_association.public[{pos}]",
                module,
                "aws_route_table_association",
                "public",
                pos,
                {},
                {"id": True, "subnet_id": True, "route_table_id": True},
            )
        )
    out.append(
        _rc(
            f"{module}.aws_security_group_rule.https",
            module,
            "aws_security_group_rule",
            "https",
            None,
            {
                "type": "ingress",
                "protocol": "tcp",
                "from_port": 443,
                "to_port": 443,
                "cidr_blocks": ["0.0.0.0/0"],
            },
            {"id": True, "security_group_id": True},
        )
    )
    return out


def _configuration() -> dict[str, Any]:
    def refs(*names: str) -> dict[str, Any]:
        return {"references": list(names)}

    resources = [
        {"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"},
        {
            "address": "aws_internet_gateway.this",
            "mode": "managed",
            "type": "aws_internet_gateway",
            "name": "this",
            "expressions": {"vpc_id": refs("aws_vpc.this.id", "aws_vpc.this")},
        },
        {
            "address": "aws_route_table.public",
            "mode": "managed",
            "type": "aws_route_table",
            "name": "public",
            "expressions": {"vpc_id": refs("aws_vpc.this.id", "aws_vpc.this")},
        },
        {
            "address": "aws_route.igw",
            "mode": "managed",
            "type": "aws_route",
            "name": "igw",
            "expressions": {
                "route_table_id": refs("aws_route_table.public.id", "aws_route_table.public"),
                "gateway_id": refs("aws_internet_gateway.this.id", "aws_internet_gateway.this"),
            },
        },
        {
            "address": "aws_security_group.web",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "web",
            "expressions": {"vpc_id": refs("local.vpc_id")},
        },
        {
            "address": "aws_subnet.public",
            "mode": "managed",
            "type": "aws_subnet",
            "name": "public",
            "expressions": {"vpc_id": refs("aws_vpc.this.id", "aws_vpc.this")},
            "count_expression": refs("var.subnets"),
        },
        {
            "address": "aws_route_table_association.public",
            "mode": "managed",
            "type": "aws_route_table_association",
            "name": "public",
            "expressions": {
                "subnet_id": refs("aws_subnet.public", "count.index"),
                "route_table_id": refs("aws_route_table.public.id", "aws_route_table.public"),
            },
            "count_expression": refs("var.subnets"),
        },
        {
            "address": "aws_security_group_rule.https",
            "mode": "managed",
            "type": "aws_security_group_rule",
            "name": "https",
            "expressions": {
                "security_group_id": refs("aws_security_group.web.id", "aws_security_group.web")
            },
        },
    ]
    for resource in resources:
        resource["provider_config_key"] = "aws"
    return {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
        },
        "root_module": {
            "module_calls": {
                "net": {
                    "source": "./net",
                    "for_each_expression": refs("local.networks"),
                    "module": {
                        "resources": resources,
                        "outputs": {"vpc_id": {"expression": refs("aws_vpc.this.id")}},
                        "variables": {"subnets": {"default": 4}},
                    },
                }
            }
        },
    }


def generate(total: int) -> dict[str, Any]:
    """A plan with about ``total`` resource changes."""
    subnets = 4
    per_module = 6 + 2 * subnets
    changes: list[dict[str, Any]] = []
    for number in range(max(1, total // per_module)):
        changes.extend(_network(f"n{number:05d}", subnets))
    return {
        "format_version": "1.2",
        "terraform_version": "1.7.5",
        "planned_values": {"root_module": {}},
        "resource_changes": changes,
        "configuration": _configuration(),
    }


def main(argv: list[str]) -> None:
    from scanner.collect.terraform import collect_plan

    total = int(argv[1]) if len(argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.json"
        path.write_text(json.dumps(generate(total)), encoding="utf-8")
        size = path.stat().st_size / 1e6
        started = time.perf_counter()
        inventory = collect_plan(path)
        elapsed = time.perf_counter() - started
    print(
        f"{len(inventory.changes)} changes, {len(inventory.resources)} resources, "
        f"{size:.1f} MB, collected in {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main(sys.argv)
