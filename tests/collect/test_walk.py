"""Walking a plan: actions, nested modules, deletes and data sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.collect.terraform import collect_plan
from scanner.collect.terraform.configuration import ConfigIndex
from scanner.collect.terraform.walk import build_index
from tests.collect.conftest import DATA, raw_changes, read_json

GONE = ({"delete"}, {"forget"}, {"delete", "forget"})
# Split resources that docs/inventory.md folds into their parents.
FOLDED = {
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_intelligent_tiering_configuration",
}


def _managed(plan: dict) -> list[dict]:
    return [c for c in raw_changes(plan) if c["mode"] == "managed"]


def _expected_resources(plan: dict) -> set[str]:
    """Addresses that exist after apply, read straight from the raw plan."""
    return {
        c["address"]
        for c in _managed(plan)
        if set(c["change"]["actions"]) not in GONE
        and not c.get("deposed")
        and c["change"]["after"] is not None
    }


@pytest.mark.parametrize("name", ["network_plan.json", "apps_plan.json", "data_plan.json"])
def test_every_managed_change_is_listed(name: str) -> None:
    plan = read_json(DATA / name)
    inventory = collect_plan(DATA / name)
    expected = [(c["address"], c["type"], c["change"]["actions"]) for c in _managed(plan)]
    assert [(c.address, c.type, c.actions) for c in inventory.changes] == expected


def test_actions_of_every_kind() -> None:
    plan = read_json(DATA / "data_plan.json")
    inventory = collect_plan(DATA / "data_plan.json")
    actions = {tuple(c.actions) for c in inventory.changes}
    for wanted in [
        ("create",),
        ("update",),
        ("delete",),
        ("forget",),
        ("delete", "create"),
        ("create", "delete"),
    ]:
        assert wanted in actions
    resources = {r.id: r for r in inventory.resources}
    for change in _managed(plan):
        address, acts = change["address"], change["change"]["actions"]
        if set(acts) in GONE or change.get("deposed") or change["type"] in FOLDED:
            continue
        assert resources[address].change == acts


def test_deleted_forgotten_and_deposed_are_changes_not_resources() -> None:
    plan = read_json(DATA / "data_plan.json")
    inventory = collect_plan(DATA / "data_plan.json")
    ids = {r.id for r in inventory.resources}
    changed = {c.address for c in inventory.changes}
    gone = [c for c in _managed(plan) if set(c["change"]["actions"]) in GONE]
    assert {c["address"] for c in gone} == {
        "aws_nat_gateway.old",
        "aws_instance.retired",
        "aws_ebs_volume.data",
    }
    for change in gone:
        assert change["address"] in changed
    assert "aws_nat_gateway.old" not in ids
    assert "aws_instance.retired" not in ids
    # The replaced volume exists after apply; its deposed object does not add a resource.
    assert [r.id for r in inventory.resources].count("aws_ebs_volume.data") == 1


def test_no_op_resources_are_resources() -> None:
    inventory = collect_plan(DATA / "network_plan.json")
    legacy = inventory.by_id()["aws_vpc.legacy"]
    assert legacy.change == ["no-op"]


def test_data_sources_are_neither_resources_nor_changes() -> None:
    plan = read_json(DATA / "data_plan.json")
    data_addresses = {c["address"] for c in raw_changes(plan) if c["mode"] == "data"}
    assert data_addresses
    inventory = collect_plan(DATA / "data_plan.json")
    assert not data_addresses & {r.id for r in inventory.resources}
    assert not data_addresses & {c.address for c in inventory.changes}


def test_resources_are_exactly_the_post_apply_estate() -> None:
    for name in ("network_plan.json", "apps_plan.json"):
        plan = read_json(DATA / name)
        inventory = collect_plan(DATA / name)
        exists = _expected_resources(plan)
        expected = {
            c["address"]
            for c in _managed(plan)
            if c["address"] in exists and c["type"] not in FOLDED
        }
        assert {r.id for r in inventory.resources} == expected


def test_resource_only_in_planned_values_is_kept() -> None:
    plan = read_json(DATA / "data_plan.json")
    planned = {r["address"] for r in plan["planned_values"]["root_module"]["resources"]}
    changed = {c["address"] for c in raw_changes(plan)}
    only_planned = planned - changed
    assert only_planned == {"aws_kms_key.planned_only"}
    resource = collect_plan(DATA / "data_plan.json").by_id()["aws_kms_key.planned_only"]
    assert resource.change is None
    assert resource.attributes["description"] == "only in planned_values"


def test_create_without_after_uses_planned_values(real_plan) -> None:
    path = real_plan("checkov_after_unknown_cloudfront.json")
    plan = read_json(path)
    change = raw_changes(plan)[0]
    assert change["change"]["after"] is None and change["change"]["actions"] == ["create"]
    # The distribution is a mapped type (map_edge), so the walk's instance is checked directly.
    index = build_index(plan, ConfigIndex(plan.get("configuration"), plan.get("variables")))
    instance = index.by_address[change["address"]]
    planned = plan["planned_values"]["root_module"]["resources"][0]["values"]
    assert instance.after["logging_config"] == planned["logging_config"]
    assert instance.actions == ["create"]
    assert instance.unknown == {"logging_config": [{"bucket": True}]}
    assert collect_plan(path).by_id()[change["address"]].change == ["create"]


def test_nested_child_modules_at_any_depth(tmp_path: Path) -> None:
    module = 'module.a.module.b[0].module.c["x"].module.d'
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.a",
                        "child_modules": [
                            {
                                "address": "module.a.module.b[0]",
                                "child_modules": [
                                    {
                                        "address": 'module.a.module.b[0].module.c["x"]',
                                        "child_modules": [
                                            {
                                                "address": module,
                                                "resources": [
                                                    {
                                                        "address": f"{module}.aws_vpc.deep",
                                                        "mode": "managed",
                                                        "type": "aws_vpc",
                                                        "name": "deep",
                                                        "values": {"cidr_block": "10.9.0.0/16"},
                                                    }
                                                ],
                                            }
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
        },
    }
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    inventory = collect_plan(path)
    assert [r.id for r in inventory.resources] == [f"{module}.aws_vpc.deep"]
    assert inventory.resources[0].attributes["cidr_block"] == "10.9.0.0/16"


def test_nested_module_fixture(real_plan) -> None:
    path = real_plan("checkov_nested_child_modules_eks.json")
    plan = read_json(path)
    expected = [c["address"] for c in _managed(plan)]
    assert all(a.count("module.") == 2 for a in expected)
    inventory = collect_plan(path)
    assert sorted(r.id for r in inventory.resources) == sorted(expected)
    assert {r.type for r in inventory.resources} == {"aws_eks_cluster"}


def test_delete_only_plan_from_a_real_fixture(real_plan, tmp_path: Path) -> None:
    """checkov_deleted_resources_secret.json replaces its secret; a delete variant of it."""
    source = real_plan("checkov_deleted_resources_secret.json")
    plan = read_json(source)
    change = raw_changes(plan)[0]
    replaced = collect_plan(source)
    assert [r.id for r in replaced.resources] == [change["address"]]
    assert replaced.resources[0].change == change["change"]["actions"] == ["create", "delete"]
    assert [(c.address, c.actions) for c in replaced.changes] == [
        (change["address"], ["create", "delete"])
    ]
    change["change"]["actions"] = ["delete"]
    change["change"]["before"] = change["change"]["after"]
    change["change"]["after"] = None
    plan["planned_values"]["root_module"]["resources"] = []
    deleted = tmp_path / "deleted.json"
    deleted.write_text(json.dumps(plan), encoding="utf-8")
    inventory = collect_plan(deleted)
    assert inventory.resources == []
    assert [(c.address, c.type, c.actions) for c in inventory.changes] == [
        (change["address"], change["type"], ["delete"])
    ]
