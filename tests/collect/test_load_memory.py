"""Structural memory facts of plan loading (the figures are in docs/performance.md).

Loading never holds the raw bytes, the decoded text and the parsed tree at once, and the
walk shares planned values with the parsed plan instead of copying them.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from bench.plan_generator import generate
from scanner.collect.terraform.configuration import ConfigIndex
from scanner.collect.terraform.load import load_plan_document
from scanner.collect.terraform.walk import build_index


def _traced(function, *args):  # type: ignore[no-untyped-def]
    """(result, memory still held afterwards, peak while it ran) in bytes."""
    tracemalloc.start()
    try:
        result = function(*args)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, current, peak


def test_load_holds_at_most_one_copy_of_the_text_beside_the_tree(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(generate(1500), separators=(",", ":")), encoding="utf-8")
    size = path.stat().st_size
    (plan, _), tree, peak = _traced(load_plan_document, path)
    assert plan["resource_changes"]
    assert tree > 2 * size  # the parsed tree outweighs the text, so the peak is at parse end
    # text + tree at the peak; the bytes as well would add another file size on top
    assert peak - tree < 1.5 * size, (size, tree, peak)


def test_the_walk_shares_planned_values_with_the_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(generate(300)), encoding="utf-8")
    plan, _ = load_plan_document(path)
    index = build_index(plan, ConfigIndex(plan.get("configuration"), plan.get("variables")))
    afters = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    shared = 0
    for instance in index.instances:
        after = afters.get(instance.address)
        if not isinstance(after, dict):
            continue
        for key, value in instance.after.items():
            if isinstance(value, dict | list) and key in after:
                assert value is after[key], (instance.address, key)
                shared += 1
    assert shared > 100
