"""Values known only after apply are listed in ``Resource.unknown`` under canonical names."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.collect.terraform import collect_plan
from scanner.collect.terraform.mapping import ABSENT, UNKNOWN, lookup
from scanner.collect.terraform.values import unknown_paths
from tests.collect.conftest import DATA, raw_resource_change, read_json


def _plan_with(tmp_path: Path, rtype: str, after: dict, unknown: dict) -> Path:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"{rtype}.x",
                "mode": "managed",
                "type": rtype,
                "name": "x",
                "change": {"actions": ["create"], "after": after, "after_unknown": unknown},
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_unknown_raw_attribute_is_listed_under_its_canonical_name(real_plan) -> None:
    path = real_plan("tfcompliance_lb_listener_issue171.json")
    plan = read_json(path)
    inventory = collect_plan(path)
    for resource in inventory.resources:
        if resource.type != "aws_subnet":
            continue
        raw = raw_resource_change(plan, resource.id)["change"]
        assert raw["after_unknown"].get("availability_zone") is True
        assert "availability_zone" in resource.unknown
        assert "availability_zone" not in resource.attributes
        assert resource.attributes["cidr_block"] == raw["after"]["cidr_block"]
        assert "cidr_block" not in resource.unknown


def test_canonical_attribute_computed_from_an_unknown_block(real_plan) -> None:
    path = real_plan("checkov_nested_modules_s3_connections.json")
    plan = read_json(path)
    raw = raw_resource_change(plan, "aws_s3_bucket.root_bucket")["change"]["after_unknown"]
    assert raw["server_side_encryption_configuration"] is True
    bucket = collect_plan(path).by_id()["aws_s3_bucket.root_bucket"]
    assert "encryption" in bucket.unknown
    assert "encryption" not in bucket.attributes


def test_derived_attribute_is_unknown_when_its_source_is(tmp_path: Path) -> None:
    path = _plan_with(
        tmp_path, "aws_lb", {"name": "edge", "load_balancer_type": "network"}, {"internal": True}
    )
    lb = collect_plan(path).resources[0]
    assert {"internal", "scheme"} <= set(lb.unknown)
    assert "scheme" not in lb.attributes
    assert lb.attributes["load_balancer_type"] == "network"


def test_unresolved_link_is_listed_as_refs_name() -> None:
    plan = read_json(DATA / "network_plan.json")
    raw = raw_resource_change(plan, "aws_subnet.orphan")["change"]
    assert raw["after_unknown"]["vpc_id"] is True
    subnet = collect_plan(DATA / "network_plan.json").by_id()["aws_subnet.orphan"]
    assert "refs.vpc" in subnet.unknown
    assert "vpc" not in subnet.refs


def test_link_without_configuration_is_unresolved(tmp_path: Path) -> None:
    path = _plan_with(tmp_path, "aws_subnet", {"cidr_block": "10.0.0.0/24"}, {"vpc_id": True})
    subnet = collect_plan(path).resources[0]
    assert subnet.unknown == ["refs.vpc"]
    assert subnet.refs == {}


def test_unmapped_types_list_raw_unknown_paths(tmp_path: Path) -> None:
    unknown = {"arn": True, "replica": [{"kms_key_id": True}], "tags": {}}
    path = _plan_with(tmp_path, "aws_dynamodb_table", {"name": "s"}, unknown)
    table = collect_plan(path).resources[0]
    assert table.mapped is False
    assert sorted(table.unknown) == ["arn", "replica.0.kms_key_id"]


def test_partly_unknown_list_is_unknown(tmp_path: Path) -> None:
    after = {"name": "core", "vpc_config": [{"public_access_cidrs": ["10.0.0.0/8", None]}]}
    unknown = {"vpc_config": [{"public_access_cidrs": [False, True]}]}
    cluster = collect_plan(_plan_with(tmp_path, "aws_eks_cluster", after, unknown)).resources[0]
    assert "public_access_cidrs" in cluster.unknown
    assert "public_access_cidrs" not in cluster.attributes


def test_lookup_follows_the_unknown_mirror() -> None:
    after = {"a": {"b": [1, None]}, "c": None}
    marks = {"a": {"b": [False, True]}, "d": True}
    assert lookup(after, marks, ("a", "b", 0)) == 1
    assert lookup(after, marks, ("a", "b", 1)) is UNKNOWN
    assert lookup(after, marks, ("a", "b")) is UNKNOWN
    assert lookup(after, marks, ("a", "b"), partial=True) == [1, None]
    assert lookup(after, marks, ("c",)) is None
    assert lookup(after, marks, ("d", "e")) is UNKNOWN
    assert lookup(after, marks, ("zz",)) is ABSENT


def test_unknown_paths_of_nested_mirror() -> None:
    tree = {"a": True, "b": [{"c": True}, {}], "d": {"e": False, "f": {"g": True}}}
    assert sorted(unknown_paths(tree)) == ["a", "b.0.c", "d.f.g"]
    assert unknown_paths(True) == []
    assert unknown_paths(None) == []
