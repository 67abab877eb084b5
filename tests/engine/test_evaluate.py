"""evaluate(): verdicts become findings; broken rules ERROR; uncollected scopes NOT_COLLECTED."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.engine.evaluate import evaluate
from scanner.engine.ruleset import RuleSet
from scanner.errors import PolicyError, UsageError
from scanner.findings import Status
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory, Resource


def vpc(rid: str, cidr: str, env: str = "prod", account: str = "555555555555") -> Resource:
    return Resource(
        id=rid,
        type="aws_vpc",
        environment=env,
        account=account,
        region="us-west-2",
        attributes={"cidr_block": cidr},
        source="live",
    )


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.load()


def test_vpc_findings_carry_resource_scope(ruleset: RuleSet, reference_baseline: dict) -> None:
    inventory = Inventory(
        source={"kind": "live"},
        resources=[vpc("vpc-1", "10.2.0.0/16"), vpc("vpc-2", "10.7.0.0/16")],
    )
    findings = evaluate(inventory, reference_baseline, ruleset, {"NET-001"})
    by_id = {f.resource_id: f for f in findings}
    assert by_id["vpc-1"].status == Status.PASS
    assert by_id["vpc-2"].status == Status.FAIL
    assert by_id["vpc-2"].expected == "10.2.0.0/16" and by_id["vpc-2"].actual == "10.7.0.0/16"
    assert by_id["vpc-2"].account == "555555555555" and by_id["vpc-2"].region == "us-west-2"
    assert by_id["vpc-2"].resource_type == "aws_vpc"
    assert by_id["vpc-1"].fingerprint != by_id["vpc-2"].fingerprint


def test_denied_service_gives_not_collected_never_pass(
    ruleset: RuleSet, reference_baseline: dict
) -> None:
    coverage = [
        CoverageEntry(
            "555555555555",
            "us-west-2",
            "ec2",
            CoverageStatus.DENIED,
            "DescribeVpcs",
            "AccessDenied",
        ),
        CoverageEntry("555555555555", "us-east-1", "ec2", CoverageStatus.OK),
    ]
    inventory = Inventory(
        source={"kind": "live"}, resources=[vpc("vpc-1", "10.2.0.0/16")], coverage=coverage
    )
    findings = evaluate(inventory, reference_baseline, ruleset, {"NET-001"})
    assert [f.status for f in findings] == [Status.NOT_COLLECTED]
    assert "DescribeVpcs" in findings[0].message and findings[0].region == "us-west-2"


def test_broken_python_rule_is_error(tmp_path: Path, reference_baseline: dict) -> None:
    (tmp_path / "boom.py").write_text(
        "from scanner.engine.python_rules import rule\n\n"
        "@rule(id='X-900', title='explodes', severity='high')\n"
        "def boom(inventory, baseline):\n    raise KeyError('missing')\n"
    )
    ruleset = RuleSet.load(rules_dirs=[tmp_path])
    findings = evaluate(Inventory(source={"kind": "plan"}), reference_baseline, ruleset, {"X-900"})
    assert [(f.rule_id, f.status) for f in findings] == [("X-900", Status.ERROR)]
    assert "KeyError" in findings[0].message


def test_live_only_rule_is_not_run_on_plans(tmp_path: Path, reference_baseline: dict) -> None:
    (tmp_path / "live.py").write_text(
        "from scanner.engine.python_rules import rule\n"
        "from scanner.engine.verdict import Verdict\n\n"
        "@rule(id='X-901', title='live only', severity='low', inputs=['live'])\n"
        "def live(inventory, baseline):\n    yield Verdict(resource='x', status='PASS')\n"
    )
    ruleset = RuleSet.load(rules_dirs=[tmp_path])
    assert (
        evaluate(Inventory(source={"kind": "plan"}), reference_baseline, ruleset, {"X-901"}) == []
    )
    assert (
        len(evaluate(Inventory(source={"kind": "live"}), reference_baseline, ruleset, {"X-901"}))
        == 1
    )


def test_duplicate_rule_ids_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "dup.py").write_text(
        "from scanner.engine.python_rules import rule\n\n"
        "@rule(id='NET-001', title='again', severity='low')\n"
        "def again(inventory, baseline):\n    return []\n"
    )
    with pytest.raises(PolicyError, match="NET-001"):
        RuleSet.load(rules_dirs=[tmp_path])


def test_unknown_rule_selection_is_a_usage_error(ruleset: RuleSet) -> None:
    with pytest.raises(UsageError, match="NET-999"):
        ruleset.select(["NET-999"], [])
    assert ruleset.select(["net-001"], []) == {"NET-001"}
    assert "NET-001" not in ruleset.select([], ["NET-001"])
