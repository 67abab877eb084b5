"""The inventory document: its JSON Schema, writing it and reading it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scanner.errors import InputError
from scanner.inventory.io import dump_inventory, inventory_schema, load_inventory
from scanner.inventory.model import (
    SCHEMA_VERSION,
    Change,
    CoverageEntry,
    CoverageStatus,
    Inventory,
    Resource,
)

DATA = Path(__file__).resolve().parents[1] / "collect" / "data"


def sample() -> Inventory:
    return Inventory(
        source={"kind": "live", "path": None, "accounts": ["111122223333"]},
        generated_at="2026-11-25T18:00:00Z",
        resources=[
            Resource(
                id="arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1",
                type="aws_vpc",
                account="111122223333",
                region="eu-west-1",
                environment="prod",
                name="core",
                tags={"Name": "core"},
                attributes={"cidr_block": "10.0.0.0/16", "is_default": False},
                refs={},
                unknown=[],
                change=None,
                source="live",
                env_signals={"override": None, "account": "prod", "tag": None, "cidr": "prod"},
            ),
            Resource(
                id="aws_subnet.a",
                type="aws_subnet",
                address="aws_subnet.a",
                refs={
                    "vpc": "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1",
                    "route_tables": ["x", "y"],
                },
                unknown=["refs.vpc", "cidr_block"],
                change=["delete", "create"],
                mapped=True,
            ),
        ],
        changes=[Change("aws_nat_gateway.old", "aws_nat_gateway", ["delete"])],
        coverage=[
            CoverageEntry("111122223333", "eu-west-1", "ec2", CoverageStatus.OK),
            CoverageEntry(
                "111122223333",
                "eu-west-1",
                "rds",
                CoverageStatus.DENIED,
                "DescribeDBInstances",
                "AccessDenied",
            ),
        ],
        warnings=["something to know"],
    )


def write(tmp_path: Path, content: Any, name: str = "inventory.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_inventory(path)
    assert "\n" not in str(caught.value)
    assert caught.value.source == str(path)
    return caught.value


def test_schema_is_valid_draft_2020_12() -> None:
    schema = inventory_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_round_trip(tmp_path: Path) -> None:
    original = sample()
    text = dump_inventory(original)
    assert text.endswith("\n")
    loaded = load_inventory(write(tmp_path, text))
    assert loaded.to_dict() == original.to_dict()
    assert loaded.resources[1].refs["route_tables"] == ["x", "y"]
    assert loaded.coverage[1].status is CoverageStatus.DENIED


@pytest.mark.parametrize("name", ["network_plan.json", "apps_plan.json", "data_plan.json"])
def test_collected_plans_round_trip(tmp_path: Path, name: str) -> None:
    from scanner.collect.terraform import collect_plan

    inventory = collect_plan(DATA / name)
    loaded = load_inventory(write(tmp_path, dump_inventory(inventory)))
    assert loaded.to_dict() == inventory.to_dict()


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + dump_inventory(sample()).encode("utf-8"))
    assert load_inventory(path).to_dict() == sample().to_dict()


def test_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nope.json").message == "file not found"


def test_directory(tmp_path: Path) -> None:
    assert load_error(tmp_path).message == "is a directory, not an inventory file"


def test_empty_file(tmp_path: Path) -> None:
    assert load_error(write(tmp_path, "")).message == "file is empty"


def test_not_utf8(tmp_path: Path) -> None:
    content = b'{"schema_version": "1.0", "x": "\xff"}'
    error = load_error(write(tmp_path, content))
    assert error.message == f"not valid UTF-8 text (byte 0xff at offset {content.index(0xFF)})"


def test_malformed_json(tmp_path: Path) -> None:
    second = ' "resources": [,]}'
    error = load_error(write(tmp_path, '{"schema_version": "1.0",\n' + second))
    assert (
        error.message == f"malformed JSON at line 2 column {second.index(',') + 1}: Expecting value"
    )


def test_unsupported_schema_version(tmp_path: Path) -> None:
    document = sample().to_dict() | {"schema_version": "2.0"}
    error = load_error(write(tmp_path, document))
    assert error.message == "unsupported inventory schema_version '2.0' (this archscan reads 1.0)"


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (
            lambda d: d["resources"][1]["refs"].update(vpc=5),
            "$.resources[1].refs.vpc",
            "5 is not valid",
        ),
        (lambda d: d["resources"][0].pop("id"), "$.resources[0]", "'id' is a required property"),
        (
            lambda d: d["resources"][0]["tags"].update(Count=3),
            "$.resources[0].tags.Count",
            "3 is not of type 'string'",
        ),
        (
            lambda d: d["coverage"][0].update(status="fine"),
            "$.coverage[0].status",
            "'fine' is not one of",
        ),
        (
            lambda d: d["changes"][0].update(actions="delete"),
            "$.changes[0].actions",
            "'delete' is not of type 'array'",
        ),
        (lambda d: d["source"].update(kind="cfn"), "$.source.kind", "'cfn' is not one of"),
        (
            lambda d: d.update(extra=1),
            "$",
            "Additional properties are not allowed ('extra' was unexpected)",
        ),
        (
            lambda d: d["resources"][0].update(mapped="yes"),
            "$.resources[0].mapped",
            "'yes' is not of type 'boolean'",
        ),
    ],
)
def test_schema_errors_name_the_json_path(tmp_path: Path, change, where: str, reason: str) -> None:
    document = sample().to_dict()
    change(document)
    error = load_error(write(tmp_path, document))
    assert error.message.startswith(f"invalid inventory at {where}: {reason}")


def test_a_plan_is_not_an_inventory(tmp_path: Path) -> None:
    plan = json.loads((DATA / "network_plan.json").read_text(encoding="utf-8"))
    error = load_error(write(tmp_path, plan))
    assert error.message.startswith("invalid inventory at $: ")


def test_json_array_is_not_an_inventory(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "[]"))
    assert error.message == "invalid inventory at $: [] is not of type 'object'"
