"""Rego rules evaluated in forked processes give exactly the verdicts of one process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


# Run in a fresh interpreter: other tests may leave threads running in this one, and
# archscan never forks a process that runs threads.
FORK_CHECK = """
import json, os, sys
from bench.plan_generator import write_plan
from scanner.baseline import load_baseline
from scanner.baseline.environment import resolve_environments
from scanner.collect.terraform import collect_plan
from scanner.engine.evaluate import rego_input
from scanner.engine.rego_parallel import WORKERS_VARIABLE, worker_count
from scanner.engine.ruleset import RuleSet
from scanner.paths import default_baseline

inventory = collect_plan(write_plan(600, __import__("pathlib").Path(sys.argv[1])))
baseline = load_baseline(default_baseline()).data
resolve_environments(inventory, baseline, None)
ruleset = RuleSet.load([], [])
document = rego_input(inventory)
rules = {r.id for r in ruleset.rego.rules if "plan" in r.inputs}
answers = {}
for workers in ("1", "2"):
    os.environ[WORKERS_VARIABLE] = workers
    assert worker_count(1) == int(workers), "the forked path does not run"
    answers[workers] = json.dumps(ruleset.rego.evaluate(document, baseline, rules), sort_keys=True)
print(json.dumps({"same": answers["1"] == answers["2"], "size": len(answers["2"])}))
"""


def test_forked_evaluation_matches_one_process(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORK_CHECK, str(tmp_path / "plan.json")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout)
    assert outcome["same"] is True
    assert outcome["size"] > 50_000  # hundreds of verdicts, not two empty answers


BROKEN_RULE = """package archscan.broken

import rego.v1

# METADATA
# title: Breaks at run time
# custom:
#   id: T-BROKEN
#   severity: medium
#   inputs: [plan]
#   reads: [aws_vpc]
t_broken contains v if {
	some vpc in object.get(input.by_type, "aws_vpc", [])
	contains(object.get(vpc.attributes, "no_such_attribute", null), "x")
	v := {"resource": vpc.id, "status": "PASS", "message": "-"}
}
"""


def test_a_rule_that_breaks_is_attributed_in_either_process(
    prepared, monkeypatch, tmp_path: Path
) -> None:
    """A rule raising a type error (contains() on null) is that rule's error, in whichever
    process runs its family; the other families' verdicts still arrive."""
    _, baseline, document = prepared
    (tmp_path / "broken.rego").write_text(BROKEN_RULE, encoding="utf-8")
    ruleset = RuleSet.load([tmp_path], [])
    monkeypatch.setenv(WORKERS_VARIABLE, "2")
    results = ruleset.rego.evaluate(document, baseline, {"T-BROKEN", "NET-001", "CMP-006"})
    assert isinstance(results["T-BROKEN"], str) and "broken.rego" in results["T-BROKEN"]
    assert isinstance(results["NET-001"], list) and results["NET-001"]
    assert isinstance(results["CMP-006"], list) and results["CMP-006"]
