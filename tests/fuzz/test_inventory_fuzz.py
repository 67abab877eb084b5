"""Fuzzing the inventory loader: ``load_inventory`` returns an Inventory or raises InputError.

An inventory that loads must also dump back to standard JSON that loads again.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.collect.terraform import collect_plan
from scanner.errors import ArchscanError
from scanner.inventory.io import dump_inventory, load_inventory
from tests.collect.conftest import DATA
from tests.fuzz.strategies import (
    RAW_NUMBERS,
    depth_offsets,
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


@cache
def inventory_documents() -> dict[str, Any]:
    """Inventories collected from the hand-written plans and (a slice of) an example plan.

    Kept small: schema validation dominates the time of each example.
    """
    plans = [*sorted(DATA.glob("*.json")), REPO / "examples" / "prod-drifted.plan.json"]
    documents = {path.name: json.loads(dump_inventory(collect_plan(path))) for path in plans}
    for document in documents.values():
        document["resources"] = document["resources"][:25]
    return documents


@cache
def small_texts() -> dict[str, tuple[str, dict[int, list[int]]]]:
    texts = {name: serialize(doc) for name, doc in inventory_documents().items()}
    return {n: (t, depth_offsets(t)) for n, t in texts.items() if len(t) < 200_000}


def check_inventory_bytes(data: bytes) -> None:
    with scratch() as folder:
        path = folder / "inventory.json"
        path.write_bytes(data)
        result = load_or_error(load_inventory, path)
        if isinstance(result, ArchscanError):
            assert str(path) in str(result)
            return
        again = folder / "again.json"
        again.write_text(json.dumps(strict_json(dump_inventory(result))), encoding="utf-8")
        load_inventory(again)


@scaled(0.25)
@given(value=json_values())
def test_random_json(value: Any) -> None:
    check_inventory_bytes(serialize(value).encode("utf-8"))


@scaled(0.25)
@given(case=mutated(inventory_documents()))
def test_mutated_inventories(case: tuple[str, Any]) -> None:
    check_inventory_bytes(serialize(case[1]).encode("utf-8", errors="surrogatepass"))


@scaled(0.25)
@given(data=st.data())
def test_truncated_inventories(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(small_texts())))
    text, offsets = small_texts()[name]
    check_inventory_bytes(data.draw(truncated(text, offsets)).encode("utf-8"))


@scaled(0.15)
@given(data=st.data())
def test_inventories_in_other_encodings_and_odd_text(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(small_texts())))
    tree = json.loads(small_texts()[name][0])
    text = serialize(tree, ascii_only=data.draw(st.booleans()))
    check_inventory_bytes(data.draw(encoded(text)))


@scaled(0.15)
@given(data=st.data(), literal=st.sampled_from(RAW_NUMBERS))
def test_number_literals_python_never_writes(data: st.DataObject, literal: str) -> None:
    name = data.draw(st.sampled_from(sorted(small_texts())))
    tree = json.loads(small_texts()[name][0])
    check_inventory_bytes(with_raw_literal(tree, data.draw(node_path(tree)), literal).encode())


@pytest.mark.parametrize("opener", ["[", "{"])
@pytest.mark.parametrize("depth", [10_000, 900, 150])
@pytest.mark.parametrize("where", ["top", "attributes"])
def test_deep_nesting(where: str, opener: str, depth: int) -> None:
    deep = nested(depth, "1", opener)
    if where == "top":
        text = deep
    else:
        document = inventory_documents()["network_plan.json"]
        document = {**document, "resources": [dict(document["resources"][0])]}
        text = with_raw_literal(document, ("resources", 0, "attributes"), f'{{"deep":{deep}}}')
    check_inventory_bytes(text.encode("utf-8"))
