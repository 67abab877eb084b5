"""The same fuzzed inputs through the CLI in-process: what the user sees is a report or one
``archscan: error:`` line and exit 2, never a traceback or an "internal error"."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import encoded, json_values, mutated, scaled, serialize, truncated
from tests.fuzz.support import assert_clean_outcome, run_cli, scratch
from tests.fuzz.test_baseline_fuzz import YAML_SNIPPETS, reference_text
from tests.fuzz.test_inventory_fuzz import inventory_documents
from tests.fuzz.test_plan_fuzz import plan_documents, small_plan_texts


@scaled(0.05)
@given(case=mutated(plan_documents()))
def test_plan_command_on_mutated_plans(case: tuple[str, Any]) -> None:
    with scratch() as folder:
        plan = folder / "plan.json"
        plan.write_bytes(serialize(case[1]).encode("utf-8", errors="surrogatepass"))
        args: list[object] = ["plan", plan, "--rule", "NET-001", "--rule", "TAG-001"]
        args += ["--snapshot-out", folder / "inv.json", "--json", folder / "r.json"]
        code, out, err = run_cli([*args, "--markdown", folder / "r.md"])
        assert_clean_outcome(code, out, err, plan)


@scaled(0.05)
@given(data=st.data())
def test_plan_command_on_cut_or_reencoded_plans(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(small_plan_texts())))
    text, offsets = small_plan_texts()[name]
    if data.draw(st.booleans()):
        text = data.draw(truncated(text, offsets))
    with scratch() as folder:
        plan = folder / "plan.json"
        plan.write_bytes(data.draw(encoded(text)))
        code, out, err = run_cli(["plan", plan, "--rule", "NET-001", "-q"])
        assert_clean_outcome(code, out, err, plan)


@scaled(0.05)
@given(case=st.one_of(mutated(inventory_documents()), st.tuples(st.just(""), json_values())))
def test_scan_command_on_mutated_inventories(case: tuple[str, Any]) -> None:
    with scratch() as folder:
        inventory = folder / "inv.json"
        inventory.write_bytes(serialize(case[1]).encode("utf-8", errors="surrogatepass"))
        code, out, err = run_cli(["scan", inventory, "--rule", "NET-001", "-q"])
        assert_clean_outcome(code, out, err, inventory)


@scaled(0.05)
@given(data=st.data())
def test_baseline_lint_on_broken_baselines(data: st.DataObject) -> None:
    lines = reference_text().splitlines(keepends=True)
    at = data.draw(st.integers(0, len(lines)))
    lines.insert(at, data.draw(st.sampled_from(YAML_SNIPPETS)) + "\n")
    text = "".join(lines)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    with scratch() as folder:
        baseline = folder / "baseline.yaml"
        baseline.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        code, out, err = run_cli(["baseline", "lint", "--baseline", baseline])
        if code == 1:  # lint found inconsistencies: a valid run
            return
        assert_clean_outcome(code, out, err, baseline)


@pytest.mark.parametrize("number", [2**64, -(2**63) - 1, 10**400, 2**64 - 1, -(2**63)])
def test_huge_integers_in_a_plan_are_read_or_refused_in_one_line(number: int) -> None:
    """Integers beyond 64 bits once reached the Rego engine and failed as an internal error."""
    plan = plan_documents()["prod-drifted.plan.json"]
    change = next(c for c in plan["resource_changes"] if c["type"] == "aws_ebs_volume")
    change = {**change, "address": "aws_ebs_volume.big", "name": "big"}
    change["change"] = {**change["change"], "after": {**change["change"]["after"]}}
    change["change"]["after"].update(size=number, iops=number, tags={"Big": number})
    with scratch() as folder:
        path = folder / "plan.json"
        document = {**plan, "resource_changes": [*plan["resource_changes"], change]}
        path.write_text(serialize(document), encoding="utf-8")
        code, out, err = run_cli(["plan", path, "--unknown", "warn", "--format", "json"])
        assert_clean_outcome(code, out, err, path)
        assert (code == 2) == (not -(2**63) <= number <= 2**64 - 1), err
