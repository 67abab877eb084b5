"""Every real plan fixture collects into a valid inventory, with facts read from the plan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from scanner.collect.terraform import collect_plan, load_plan_document
from scanner.inventory.io import validate_inventory
from tests.collect.conftest import raw_changes, read_json, real_plans

PLANS = real_plans() or [None]


def _need(path: Path | None) -> Path:
    if path is None:
        pytest.skip("shared plan fixtures not found: set ARCHSCAN_SHARED to the shared folder")
    return path


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name if p else "no-fixtures")
def test_every_plan_loads_and_collects(path: Path | None) -> None:
    path = _need(path)
    plan, warnings = load_plan_document(path)
    assert warnings == []
    inventory = collect_plan(path)
    validate_inventory(inventory.to_dict(), str(path))
    managed = [c for c in raw_changes(plan) if c["mode"] == "managed"]
    assert [c.address for c in inventory.changes] == [c["address"] for c in managed]
    assert inventory.source == {
        "kind": "plan",
        "path": str(path),
        "terraform_version": plan["terraform_version"],
        "format_version": plan["format_version"],
    }
    assert inventory.generated_at and inventory.generated_at.endswith("Z")
    data_addresses = {c["address"] for c in raw_changes(plan) if c["mode"] == "data"}
    ids = [r.id for r in inventory.resources]
    assert len(ids) == len(set(ids))
    assert not data_addresses & set(ids)
    for resource in inventory.resources:
        assert resource.environment is None and resource.env_signals == {}
        assert resource.source == "plan" and resource.address == resource.id


def test_eks_vpc_subnet_counts(real_plan) -> None:
    path = real_plan("opencostcalc_eks_vpc.json")
    plan = read_json(path)
    raw = Counter(c["name"] for c in raw_changes(plan) if c["type"] == "aws_subnet")
    assert raw == {"private": 3, "public": 3}
    subnets = [r for r in collect_plan(path).resources if r.type == "aws_subnet"]
    assert Counter(r.id.split(".")[-1].split("[")[0] for r in subnets) == {
        "private": 3,
        "public": 3,
    }
    private = sorted(r.attributes["cidr_block"] for r in subnets if ".private[" in r.id)
    call = plan["configuration"]["root_module"]["module_calls"]["vpc"]["expressions"]
    assert private == sorted(call["private_subnets"]["constant_value"])


def test_resource_counts_per_type_match_the_plan(real_plan) -> None:
    path = real_plan("checkov_plan_55res_tf012.json")
    plan = read_json(path)
    folded = {"aws_route", "aws_route_table_association", "aws_security_group_rule"}
    expected = Counter(
        c["type"] for c in raw_changes(plan) if c["mode"] == "managed" and c["type"] not in folded
    )
    inventory = collect_plan(path)
    assert Counter(r.type for r in inventory.resources) == expected
    assert len(inventory.changes) == len(raw_changes(plan)) == 55


def test_for_each_addresses(real_plan) -> None:
    path = real_plan("checkov_for_each_tf19.json")
    plan = read_json(path)
    keyed = [
        c["address"] for c in raw_changes(plan) if c["mode"] == "managed" and "[" in c["address"]
    ]
    assert 'aws_route53_zone.example["example.com"]' in keyed
    inventory = collect_plan(path).by_id()
    assert set(keyed) <= set(inventory)
    zone = inventory['aws_route53_zone.example["example.com"]']
    assert zone.attributes["name"] == "example.com"
    modules = {a.split(".aws_")[0] for a in keyed if a.startswith("module.sg[")}
    assert modules == {
        'module.sg["awful_example"]',
        'module.sg["bad_example"]',
        'module.sg["terrible_example"]',
    }


def test_coverage_lists_each_account_region_and_service(real_plan) -> None:
    inventory = collect_plan(real_plan("tfcompliance_lb_listener_issue171.json"))
    seen = {(r.account, r.region) for r in inventory.resources}
    assert seen == {(None, "eu-west-1")}
    assert [(c.account, c.region, c.service, c.status.value) for c in inventory.coverage] == [
        (None, "eu-west-1", "ec2", "ok"),
        (None, "eu-west-1", "elbv2", "ok"),
    ]
