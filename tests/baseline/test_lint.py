"""Lint: each check fires on its small broken fixture, and none fires on the bundled baseline."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline import Baseline, LintIssue, lint_baseline, load_baseline
from scanner.baseline.lint import check_names
from scanner.baseline.loader import parse_baseline
from scanner.paths import default_baseline

LINT_DATA = Path(__file__).parent / "data" / "lint"

# fixture, check, path of the issue, severity, line in the fixture, words of the message
CASES = [
    (
        "capacity_mix_sum",
        "capacity-mix-sum",
        "environments.dev.eks.capacity_mix",
        "error",
        5,
        "90%",
    ),
    (
        "capacity_band",
        "capacity-band",
        "environments.dev.eks.capacity_mix.spot",
        "error",
        6,
        "75-85",
    ),
    (
        "commitment_coverage",
        "commitment-coverage",
        "environments.prod.eks.commitment_coverage_min",
        "error",
        10,
        "below the 95%",
    ),
    (
        "commitment_scope",
        "commitment-scope",
        "environments.staging.eks.capacity_mix.reserved",
        "error",
        7,
        "commitments.reserved_instances.environments",
    ),
    ("node_count", "node-count", "environments.dev.eks.node_groups.system.nodes", "error", 11, "3"),
    (
        "node_group_capacity",
        "node-group-capacity",
        "environments.dev.eks.node_groups",
        "error",
        10,
        "no group runs on spot",
    ),
    ("node_autoscaler", "node-autoscaler", "environments.prod.eks.addons", "error", 6, "karpenter"),
    (
        "node_autoscaler_both",
        "node-autoscaler",
        "environments.prod.eks.addons",
        "warning",
        6,
        "cluster-autoscaler",
    ),
    (
        "subnet_in_vpc",
        "subnet-in-vpc",
        "environments.dev.vpc.subnet_tiers.private.cidrs.1",
        "error",
        10,
        "10.5.11.0/24 lies outside the VPC 10.0.0.0/16",
    ),
    (
        "subnet_overlap",
        "subnet-overlap",
        "environments.dev.vpc.subnet_tiers.database.cidrs.0",
        "error",
        10,
        "overlaps 10.0.10.0/23",
    ),
    (
        "tier_subnet_count",
        "tier-subnet-count",
        "environments.dev.vpc.subnet_tiers.public.cidrs",
        "error",
        9,
        "2 public subnets for 3 AZs",
    ),
    ("nat_too_many", "nat-layout", "environments.prod.vpc.nat_gateways.count", "error", 7, "4 NAT"),
    (
        "nat_one_per_az",
        "nat-layout",
        "environments.prod.vpc.nat_gateways.count",
        "error",
        7,
        "one_per_az",
    ),
    (
        "nat_tier",
        "nat-layout",
        "environments.prod.vpc.nat_gateways.subnet_tier",
        "error",
        12,
        "no internet gateway",
    ),
    ("vpc_overlap", "vpc-overlap", "environments.staging.vpc.cidr", "error", 8, "overlaps the dev"),
    (
        "load_balancer_azs",
        "load-balancer-azs",
        "environments.prod.vpc.load_balancers.application.min_azs",
        "error",
        9,
        "needs 4 AZs",
    ),
    (
        "database_mode",
        "database-mode",
        "environments.staging.database.mode",
        "error",
        5,
        "accepted",
    ),
    (
        "serverless_capacity",
        "serverless-capacity",
        "environments.dev.database.serverless_v2.auto_pause_minutes",
        "error",
        8,
        "0 ACU",
    ),
    (
        "database_azs",
        "database-azs",
        "environments.prod.database.distinct_azs",
        "error",
        8,
        "3 readers",
    ),
    (
        "cache_failover",
        "cache-failover",
        "environments.prod.cache.automatic_failover",
        "error",
        6,
        "cluster_mode",
    ),
    ("ebs_types", "ebs-types", "environments.dev.storage.ebs_allowed_types.1", "error", 8, "gp2"),
    (
        "s3_lifecycle",
        "s3-lifecycle",
        "storage.s3.lifecycle_profiles.aggressive.transitions.0.max_days",
        "error",
        7,
        "before day 30",
    ),
    (
        "budget_sum",
        "budget-sum",
        "environments.dev.budget.total",
        "error",
        5,
        "490, not the total 495",
    ),
    ("dr_region", "dr-region", "regions.dr", "error", 4, "us-west-2"),
    ("review_dates", "review-dates", "document.next_review", "error", 4, "2025-06-30"),
    ("tag_aliases", "tag-aliases", "tags.environment_aliases.staging.1", "error", 7, "'prod'"),
    ("decisions", "decisions", "decisions.0", "error", 3, "no chosen reading"),
]


@pytest.fixture(scope="module")
def bundled() -> Baseline:
    return load_baseline(default_baseline())


@pytest.mark.parametrize(
    ("fixture", "check", "path", "severity", "line", "words"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_check_fires_on_its_fixture(
    fixture: str, check: str, path: str, severity: str, line: int, words: str
) -> None:
    issues = lint_baseline(parse_baseline(LINT_DATA / f"{fixture}.yaml"))
    assert [(i.check, i.path, i.severity, i.line) for i in issues] == [
        (check, path, severity, line)
    ]
    assert words in issues[0].message


def test_every_check_has_a_fixture() -> None:
    assert set(check_names()) == {case[1] for case in CASES}


def test_bundled_baseline_lints_clean(bundled: Baseline) -> None:
    assert lint_baseline(bundled) == []


def test_issue_renders_on_one_line() -> None:
    issue = LintIssue("regions.dr", "the DR region is the primary region", "error", 4, "dr-region")
    assert str(issue) == (
        "error: regions.dr: the DR region is the primary region (line 4) [dr-region]"
    )


# Variations of the bundled baseline: each breaks one thing the fixtures above do not.


def _parent(data: dict[str, Any], path: str) -> tuple[Any, Any]:
    """The container holding the last part of a dotted path, and that part as key or index."""
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    return target, int(last) if isinstance(target, list) else last


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target, key = _parent(data, path)
        target[key] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target, key = _parent(data, path)
        del target[key]

    return mutate


VARIATIONS = [
    pytest.param(
        _set("environments.dev.eks.capacity_mix.spot", {"target": 60, "min": 60, "max": 80}),
        "capacity-mix-sum",
        "environments.dev.eks.capacity_mix",
        id="dev-targets-sum-to-90",
    ),
    pytest.param(
        _set("environments.prod.eks.capacity_mix.spot", {"target": 0, "min": 0, "max": 0}),
        "node-group-capacity",
        "environments.prod.eks.node_groups.batch.capacity",
        id="spot-group-without-spot-band",
    ),
    pytest.param(
        _set("environments.dev.eks.node_count", {"min": 11, "max": 10}),
        "node-count",
        "environments.dev.eks.node_count",
        id="node-count-min-above-max",
    ),
    pytest.param(
        _delete("environments.staging.database.instance_class"),
        "database-mode",
        "environments.staging.database.accepted_modes",
        id="provisioned-accepted-without-instance-class",
    ),
    pytest.param(
        _set(
            "environments.dev.database.serverless_v2",
            {
                "min_capacity": 4,
                "max_capacity": 2,
                "auto_pause_minutes": 10,
                "accepted_min_capacities": [0, 4],
            },
        ),
        "serverless-capacity",
        "environments.dev.database.serverless_v2",
        id="serverless-min-above-max",
    ),
    pytest.param(
        _set("commitments.reserved_instances.term_years", {"prod": 3}),
        "commitment-scope",
        "commitments.reserved_instances.term_years",
        id="reserved-environment-without-term",
    ),
    pytest.param(
        _set("storage.s3.lifecycle_profiles.moderate.transitions.1.max_days", 30),
        "s3-lifecycle",
        "storage.s3.lifecycle_profiles.moderate.transitions.1.max_days",
        id="lifecycle-days-not-increasing",
    ),
    pytest.param(
        _set("decisions.0.chosen", "spot-50"),
        "decisions",
        "decisions.0.chosen",
        id="chosen-is-not-a-reading",
    ),
    pytest.param(
        _delete("decisions.0.reason"),
        "decisions",
        "decisions.0",
        id="decision-without-reason",
    ),
    pytest.param(
        _set("decisions.1.id", "prod-spot-share"),
        "decisions",
        "decisions.1.id",
        id="duplicate-decision-id",
    ),
    pytest.param(
        _set("decisions.0.applies_to", ["environments.prod.eks.capacity_mixx"]),
        "decisions",
        "decisions.0.applies_to.0",
        id="decision-applies-to-nothing",
    ),
    pytest.param(
        _set("environments.prod.eks.capacity_mix.on_demand", {"target": 10, "min": 0, "max": 10}),
        None,
        None,
        id="control-unchanged-value-stays-clean",
    ),
]


@pytest.mark.parametrize(("mutate", "check", "path"), VARIATIONS)
def test_check_fires_on_broken_copy_of_bundled(
    bundled: Baseline,
    mutate: Callable[[dict[str, Any]], None],
    check: str | None,
    path: str | None,
) -> None:
    data = copy.deepcopy(bundled.data)
    mutate(data)
    broken = Baseline(data=data, path=bundled.path, digest=bundled.digest, lines=bundled.lines)
    found = {(i.check, i.path) for i in lint_baseline(broken) if i.severity == "error"}
    assert found == (set() if check is None else {(check, path)})
