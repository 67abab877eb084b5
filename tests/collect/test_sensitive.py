"""Sensitive values are dropped at load: they never reach the inventory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.terraform import collect_plan
from scanner.collect.terraform.values import strip_sensitive
from scanner.inventory.io import dump_inventory
from tests.collect.conftest import DATA, raw_changes, read_json, real_plans


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def _marked(value: Any, marks: Any) -> set[str]:
    """Every string under a node that ``marks`` flags as sensitive."""
    if marks is True:
        return _strings(value)
    found: set[str] = set()
    if isinstance(value, dict) and isinstance(marks, dict):
        for key, item in value.items():
            found |= _marked(item, marks.get(key))
    elif isinstance(value, list) and isinstance(marks, list):
        for pos, item in enumerate(value):
            found |= _marked(item, marks[pos] if pos < len(marks) else None)
    return found


def secrets_of(plan: dict[str, Any]) -> set[str]:
    """Sensitive strings of a plan that no unmarked value or address repeats."""
    secret: set[str] = set()
    public: set[str] = set()
    for change in raw_changes(plan):
        detail = change.get("change") or {}
        after, marks = detail.get("after"), detail.get("after_sensitive")
        secret |= _marked(after, marks)
        public |= _strings(strip_sensitive(after, marks))
        public |= {change["address"], change.get("name", ""), change.get("type", "")}
    return {s for s in secret - public if len(s) >= 4}


@pytest.mark.parametrize("path", real_plans() + sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_sensitive_values_never_reach_the_inventory(path: Path) -> None:
    dumped = json.dumps(collect_plan(path).to_dict())
    for secret in secrets_of(read_json(path)):
        assert secret not in dumped


def test_real_fixture_secret_is_absent(real_plan) -> None:
    path = real_plan("tfcompliance_apigw_wafv2_assoc_modules.json")
    plan = read_json(path)
    secrets = secrets_of(plan)
    arn = next(s for s in secrets if s.startswith("arn:aws:firehose:"))
    assert arn in path.read_text(encoding="utf-8")
    assert arn not in json.dumps(collect_plan(path).to_dict())
    assert arn not in dump_inventory(collect_plan(path))


def test_database_password_is_absent() -> None:
    plan = read_json(DATA / "data_plan.json")
    password = plan["variables"]["db_password"]["value"]
    assert password in secrets_of(plan)
    inventory = collect_plan(DATA / "data_plan.json")
    assert password not in json.dumps(inventory.to_dict())
    parameter = inventory.by_id()["aws_ssm_parameter.db_password"]
    assert "value" not in parameter.attributes
    assert parameter.attributes["name"] == "/orders/db/password"


def test_sensitive_launch_template_user_data_is_absent() -> None:
    plan = read_json(DATA / "apps_plan.json")
    user_data = {
        c["change"]["after"]["user_data"]
        for c in raw_changes(plan)
        if c["type"] == "aws_launch_template" and "user_data" in c["change"]["after"]
    }
    assert user_data
    dumped = json.dumps(collect_plan(DATA / "apps_plan.json").to_dict())
    assert not any(value in dumped for value in user_data)


def test_planned_values_sensitive_values_are_dropped(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_mq_broker.queue",
                        "mode": "managed",
                        "type": "aws_mq_broker",
                        "name": "queue",
                        "values": {
                            "broker_name": "q",
                            "user": [{"username": "u", "pw": "hunter22"}],
                        },
                        "sensitive_values": {"user": [{"pw": True}]},
                    }
                ]
            }
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    resource = collect_plan(path).resources[0]
    assert resource.attributes["user"] == [{"username": "u"}]
    assert "hunter22" not in json.dumps(resource.to_dict())


def test_unmarked_secrets_of_old_plans_are_not_copied(tmp_path: Path) -> None:
    # Format 0.1 (Terraform 0.12-0.14) has no after_sensitive: names give secrets away.
    after = {
        "cluster_identifier": "docs",
        "master_password": "Plaintext-0ld-Pass",
        "master_username": "admin",
        "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/abc",
    }
    plan = {
        "format_version": "0.1",
        "resource_changes": [
            {
                "address": "aws_docdb_cluster.docs",
                "mode": "managed",
                "type": "aws_docdb_cluster",
                "name": "docs",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": after,
                    "after_unknown": {},
                },
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    resource = collect_plan(path).resources[0]
    assert resource.mapped is False
    assert "master_password" not in resource.attributes
    assert resource.attributes["kms_key_id"] == after["kms_key_id"]
    assert resource.attributes["master_username"] == "admin"
    assert "Plaintext-0ld-Pass" not in json.dumps(resource.to_dict())


def test_strip_sensitive_shares_unmarked_values() -> None:
    value = {"a": {"b": 1}, "c": [1, {"d": "secret", "e": "ok"}], "f": "top"}
    stripped = strip_sensitive(value, {"c": [False, {"d": True}], "f": True})
    assert stripped == {"a": {"b": 1}, "c": [1, {"e": "ok"}]}
    assert stripped["a"] is value["a"]
    assert value["f"] == "top" and value["c"][1]["d"] == "secret", "the input is not modified"
    assert strip_sensitive("whole", True) is None
