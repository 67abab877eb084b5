"""Rego rules evaluated in forked processes give exactly the verdicts of one process."""

from __future__ import annotations

import json

import pytest

from bench.plan_generator import write_plan
from scanner.baseline import load_baseline
from scanner.baseline.environment import resolve_environments
from scanner.collect.terraform import collect_plan
from scanner.engine.evaluate import rego_input
from scanner.engine.rego_parallel import WORKERS_VARIABLE, split_by_family, worker_count
from scanner.engine.ruleset import RuleSet
from scanner.paths import default_baseline


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[RuleSet, dict, dict]:
    plan = write_plan(600, tmp_path_factory.mktemp("plan") / "plan.json")
    inventory = collect_plan(plan)
    baseline = load_baseline(default_baseline()).data
    resolve_environments(inventory, baseline, None)
    return RuleSet.load([], []), baseline, rego_input(inventory)


def _family(entrypoint: str) -> str:
    return entrypoint.rsplit(".", 1)[0]


def test_families_stay_whole_and_every_rule_is_in_one_group(prepared) -> None:
    rules = prepared[0].rego.rules
    groups = split_by_family(rules, 2)
    assert len(groups) == 2
    assert sorted(r.id for g in groups for r in g) == sorted(r.id for r in rules)
    families = [{_family(r.entrypoint) for r in group} for group in groups]
    assert not families[0] & families[1]


def test_small_inputs_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    assert worker_count(10) == 1
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    assert worker_count(10**6) == 1


def test_forked_evaluation_matches_one_process(prepared, monkeypatch) -> None:
    ruleset, baseline, document = prepared
    plan_rules = {r.id for r in ruleset.rego.rules if "plan" in r.inputs}
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    alone = ruleset.rego.evaluate(document, baseline, plan_rules)
    monkeypatch.setenv(WORKERS_VARIABLE, "2")
    assert worker_count(1) == 2  # the forked path really runs
    forked = ruleset.rego.evaluate(document, baseline, plan_rules)
    assert json.dumps(forked, sort_keys=True) == json.dumps(alone, sort_keys=True)
    assert sum(len(v) for v in forked.values()) > 200


def test_a_rule_that_breaks_in_a_child_is_attributed(prepared, monkeypatch) -> None:
    ruleset, baseline, document = prepared
    # DR-004 reads live backup copy actions; on this plan's backup plan it raises a type
    # error (a copy action without a destination vault ARN), in whichever process runs it.
    monkeypatch.setenv(WORKERS_VARIABLE, "2")
    results = ruleset.rego.evaluate(document, baseline, {"DR-004", "NET-001", "CMP-006"})
    assert isinstance(results["DR-004"], str) and "dr.rego" in results["DR-004"]
    assert isinstance(results["NET-001"], list) and results["NET-001"]
    assert isinstance(results["CMP-006"], list) and results["CMP-006"]
