"""The generated large plan (``tests/collect/large_plan.py``) collects correctly at a small size.

Its timing at 20,000 resources is a local check (``python -m tests.collect.large_plan``),
not a test.
"""

from __future__ import annotations

import json
from pathlib import Path

from scanner.collect.terraform import collect_plan
from tests.collect.large_plan import generate


def test_generated_plan_resolves_every_link(tmp_path: Path) -> None:
    plan = generate(140)
    path = tmp_path / "large.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    inventory = collect_plan(path)
    assert len(inventory.changes) == len(plan["resource_changes"])
    for resource in inventory.resources:
        assert resource.unknown == [], resource.id
        if resource.type == "aws_route_table":
            module = resource.id.split(".aws_")[0]
            assert resource.refs["subnets"] == [
                f"{module}.aws_subnet.public[{i}]" for i in range(4)
            ]
            assert (
                resource.attributes["routes"][0]["target"] == f"{module}.aws_internet_gateway.this"
            )
        if resource.type in ("aws_subnet", "aws_security_group", "aws_internet_gateway"):
            assert resource.refs["vpc"] == resource.id.split(".aws_")[0] + ".aws_vpc.this"
