"""Fuzzing the plan loader: whatever the file holds, ``collect_plan`` returns or raises InputError.

A plan that loads must also give an inventory that ``archscan scan`` can read back
(standard JSON, valid against the inventory schema).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from scanner.collect.terraform import collect_plan
from scanner.errors import ArchscanError
from scanner.inventory.io import dump_inventory, validate_inventory
from tests.collect.conftest import real_plans
from tests.fuzz.strategies import (
    RAW_NUMBERS,
    depth_offsets,
    encode,
    encoded,
    json_values,
    mutated,
    nested,
    node_path,
    scaled,
    serialize,
    truncated,
    with_raw_literal,
)
from tests.fuzz.support import load_or_error, scratch, strict_json

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = "\u2063raw-number\u2063"


@cache
def plan_documents() -> dict[str, Any]:
    """Real plans (shared fixtures) and the README's example plans, parsed once."""
    files = real_plans() + sorted((REPO / "examples").glob("*.plan.json"))
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in files}


@cache
def small_plan_texts() -> dict[str, tuple[str, dict[int, list[int]]]]:
    """Serialized plans under 100 kB with their bracket offsets by depth (for truncation)."""
    texts = {name: serialize(doc) for name, doc in plan_documents().items()}
    return {n: (t, depth_offsets(t)) for n, t in texts.items() if len(t) < 100_000}


def check_plan_bytes(data: bytes) -> None:
    """Write ``data`` as a plan file and load it: an inventory that round-trips, or InputError."""
    with scratch() as folder:
        path = folder / "plan.json"
        path.write_bytes(data)
        result = load_or_error(collect_plan, path)
        if isinstance(result, ArchscanError):
            assert str(path) in str(result)
            return
        document = strict_json(dump_inventory(result))
        validate_inventory(document, "<dumped inventory>")


PLAN_PARTS = st.fixed_dictionaries(
    {"format_version": st.one_of(st.sampled_from(["1.2", "0.1", "1.9"]), json_values(3))},
    optional={
        key: json_values()
        for key in (
            "resource_changes",
            "planned_values",
            "prior_state",
            "configuration",
            "variables",
            "terraform_version",
            "output_changes",
        )
    },
)


@scaled(1.0)
@given(value=json_values(), ascii_only=st.booleans())
def test_random_json(value: Any, ascii_only: bool) -> None:
    check_plan_bytes(encode(serialize(value, ascii_only=ascii_only), "utf-8"))


@scaled(1.0)
@given(plan=PLAN_PARTS)
@example(plan={"format_version": "1.2", "resource_changes": [1, "x", None]})
@example(plan={"format_version": "1.2", "configuration": 5, "resource_changes": []})
@example(plan={"format_version": "1.2", "planned_values": [], "variables": []})
def test_random_parts_of_a_plan(plan: dict[str, Any]) -> None:
    check_plan_bytes(encode(serialize(plan), "utf-8"))


@scaled(0.5)
@given(case=mutated(plan_documents()))
def test_mutated_real_plans(case: tuple[str, Any]) -> None:
    _name, tree = case
    check_plan_bytes(encode(serialize(tree), "utf-8"))


@scaled(0.5)
@given(data=st.data())
def test_truncated_real_plans(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(small_plan_texts())))
    text, offsets = small_plan_texts()[name]
    check_plan_bytes(encode(data.draw(truncated(text, offsets)), "utf-8"))


@pytest.mark.parametrize("name", ["checkov_for_each_tf19.json", "regula_kms_key_rotation.json"])
def test_truncated_at_every_depth(name: str) -> None:
    """Exhaustive for two small plans: cut just inside the first bracket of every depth."""
    if name not in small_plan_texts():
        pytest.skip(f"{name} not among the shared fixtures")
    text, offsets = small_plan_texts()[name]
    for _depth, cuts in sorted(offsets.items()):
        for cut in {cuts[0], cuts[len(cuts) // 2], cuts[-1]}:
            check_plan_bytes(text[:cut].encode("utf-8"))


@scaled(0.25)
@given(data=st.data())
def test_real_plans_in_other_encodings(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(small_plan_texts())))
    text = small_plan_texts()[name][0]
    if data.draw(st.booleans()):
        text = serialize(json.loads(text), ascii_only=False)
    check_plan_bytes(data.draw(encoded(text)))


@scaled(0.25)
@given(data=st.data(), literal=st.sampled_from(RAW_NUMBERS))
def test_number_literals_python_never_writes(data: st.DataObject, literal: str) -> None:
    """NaN, Infinity, 1e400 and 5000-digit integers planted anywhere in a real plan."""
    name = data.draw(st.sampled_from(sorted(small_plan_texts())))
    tree = json.loads(small_plan_texts()[name][0])
    check_plan_bytes(with_raw_literal(tree, data.draw(node_path(tree)), literal).encode())


DEEP = 10_000


def deep_plan(where: str, deep: str) -> str:
    """A plan whose part ``where`` is the (already serialized) deeply nested ``deep``."""
    if where == "top":
        return deep
    after: dict[str, Any] = {"after": {}, "after_unknown": {}, "after_sensitive": {}}
    if where in after:
        after[where] = {"tags": PLACEHOLDER}
        if where == "after_sensitive":
            after["after"] = {"tags": PLACEHOLDER}
    change = {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a"}
    change["change"] = {"actions": ["create"], **after}
    plan: dict[str, Any] = {"format_version": "1.2", "resource_changes": [change]}
    if where in ("resource_changes", "configuration"):
        plan[where] = PLACEHOLDER
    return serialize(plan).replace(json.dumps(PLACEHOLDER), deep)


@pytest.mark.parametrize("opener", ["[", "{"])
@pytest.mark.parametrize(
    "where",
    ["top", "resource_changes", "after", "after_unknown", "after_sensitive", "configuration"],
)
@pytest.mark.parametrize("depth", [DEEP, 900, 150])
def test_deep_nesting_is_an_input_error_or_loads(where: str, opener: str, depth: int) -> None:
    plan = deep_plan(where, nested(depth, "true", opener))
    check_plan_bytes(plan.encode("utf-8"))
    with scratch() as folder:
        path = folder / "deep.json"
        path.write_text(plan, encoding="utf-8")
        with pytest.raises(ArchscanError, match=r"nested too deeply|expected a JSON object"):
            collect_plan(path)


def test_cloudfront_origin_without_domain_name_in_planned_values_only() -> None:
    """Found by test_mutated_real_plans: the ABSENT sentinel reached an origin's domain_name."""
    resource = {
        "address": "aws_cloudfront_distribution.cdn",
        "mode": "managed",
        "type": "aws_cloudfront_distribution",
        "name": "cdn",
        "values": {"enabled": True, "origin": [{"origin_id": "web", "s3_origin_config": [{}]}]},
    }
    plan = {"format_version": "0.1", "planned_values": {"root_module": {"resources": [resource]}}}
    check_plan_bytes(serialize(plan).encode("utf-8"))
