"""Consistency checks of a baseline: what a schema cannot see and what the document left open.

Each check is a small function yielding :class:`LintIssue`; a check skips sections that are
absent or malformed (the loader reports those), so lint also runs on partial fixtures.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any, Literal

from scanner.baseline.loader import Baseline, select

Severity = Literal["error", "warning"]
CAPACITY_KINDS = ("spot", "on_demand", "reserved", "savings_plans")
# S3 refuses a lifecycle transition to these classes before an object is 30 days old.
_IA_CLASSES = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
_EPSILON = 1e-6


@dataclass(frozen=True)
class LintIssue:
    """One inconsistency: where it is in the baseline, what is wrong, how bad."""

    path: str
    message: str
    severity: Severity
    line: int | None
    check: str = ""

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.severity}: {self.path}: {self.message}{where} [{self.check}]"


class _Issues:
    """Builds issues for one check, filling in the line from the baseline."""

    def __init__(self, baseline: Baseline, check: str):
        self.baseline = baseline
        self.check = check

    def error(self, path: str, message: str) -> LintIssue:
        return LintIssue(path, message, "error", self.baseline.line_of(path), self.check)

    def warning(self, path: str, message: str) -> LintIssue:
        return LintIssue(path, message, "warning", self.baseline.line_of(path), self.check)


Check = Callable[[Baseline, _Issues], Iterator[LintIssue]]


def lint_baseline(baseline: Baseline) -> list[LintIssue]:
    """Every inconsistency of the baseline, errors and warnings, in file order."""
    issues = [
        issue for name, check in _checks() for issue in check(baseline, _Issues(baseline, name))
    ]
    return sorted(issues, key=lambda i: (i.line or 0, i.path, i.check))


def check_names() -> list[str]:
    """Names of all lint checks (the ``check`` field of their issues)."""
    return [name for name, _ in _checks()]


# --- helpers --------------------------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _num(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value, strict=True) if isinstance(value, str) else None
    except ValueError:
        return None


def _envs(baseline: Baseline) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, env in _dict(baseline.data.get("environments")).items():
        if isinstance(env, dict):
            yield name, env


def _section(baseline: Baseline, section: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(environment, path, value) for one mapping section of every environment that has it."""
    for name, env in _envs(baseline):
        value = env.get(section)
        if isinstance(value, dict):
            yield name, f"environments.{name}.{section}", value


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- EKS capacity ---------------------------------------------------------------------


def _bands(mix: dict[str, Any]) -> dict[str, tuple[float, float, float]]:
    bands = {}
    for kind in CAPACITY_KINDS:
        band = _dict(mix.get(kind))
        values = (_num(band.get("target")), _num(band.get("min")), _num(band.get("max")))
        if None not in values:
            bands[kind] = values
    return bands


def _mixes(baseline: Baseline) -> Iterator[tuple[str, str, dict[str, tuple[float, ...]]]]:
    for name, path, eks in _section(baseline, "eks"):
        mix = eks.get("capacity_mix")
        if isinstance(mix, dict):
            yield name, f"{path}.capacity_mix", _bands(mix)


def _capacity_mix_sum(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, bands in _mixes(baseline):
        if len(bands) < len(CAPACITY_KINDS):
            continue
        total = sum(target for target, _, _ in bands.values())
        if abs(total - 100) > _EPSILON:
            yield out.error(path, f"capacity targets sum to {_fmt(total)}%, not 100%")


def _capacity_band(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, bands in _mixes(baseline):
        for kind, (target, low, high) in bands.items():
            if not low <= target <= high:
                band = f"{_fmt(low)}-{_fmt(high)}"
                yield out.error(
                    f"{path}.{kind}", f"target {_fmt(target)} is outside its band {band}"
                )


def _commitment_coverage(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, eks in _section(baseline, "eks"):
        wanted = _num(eks.get("commitment_coverage_min"))
        bands = _bands(_dict(eks.get("capacity_mix")))
        if wanted is None or len(bands) < len(CAPACITY_KINDS):
            continue
        committed = bands["reserved"][0] + bands["savings_plans"][0]
        eligible = 100 - bands["spot"][0]
        coverage = 100 * committed / eligible if eligible > 0 else 100.0
        if coverage + _EPSILON < wanted:
            message = (
                f"the capacity targets cover {_fmt(coverage)}% of non-spot capacity with "
                f"reserved instances and savings plans, below the {_fmt(wanted)}% required"
            )
            yield out.error(f"{path}.commitment_coverage_min", message)


def _commitment_scope(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    commitments = _dict(baseline.data.get("commitments"))
    if not commitments:
        return
    scopes = {
        "reserved": ("reserved_instances", commitments.get("reserved_instances")),
        "savings_plans": ("savings_plans", commitments.get("savings_plans")),
    }
    for name, path, bands in _mixes(baseline):
        for kind, (section, spec) in scopes.items():
            allowed = _list(_dict(spec).get("environments"))
            if kind in bands and bands[kind][0] > 0 and name not in allowed:
                message = (
                    f"{name} plans {_fmt(bands[kind][0])}% {kind} capacity but is not listed "
                    f"in commitments.{section}.environments"
                )
                yield out.error(f"{path}.{kind}", message)
    yield from _reserved_terms(_dict(commitments.get("reserved_instances")), out)


def _reserved_terms(spec: dict[str, Any], out: _Issues) -> Iterator[LintIssue]:
    terms = spec.get("term_years")
    if not isinstance(terms, dict):
        return
    listed = _list(spec.get("environments"))
    path = "commitments.reserved_instances.term_years"
    for env in listed:
        if env not in terms:
            yield out.error(path, f"{env} holds reserved instances but has no term")
    for env in terms:
        if env not in listed:
            yield out.error(f"{path}.{env}", f"term given for {env}, which holds no reservations")


def _node_count(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, eks in _section(baseline, "eks"):
        count = _dict(eks.get("node_count"))
        low, high = _num(count.get("min")), _num(count.get("max"))
        if low is not None and high is not None and low > high:
            yield out.error(f"{path}.node_count", f"min {_fmt(low)} is above max {_fmt(high)}")
        for group, spec in _dict(eks.get("node_groups")).items():
            nodes = _num(_dict(spec).get("nodes"))
            if nodes is not None and low is not None and nodes > low:
                message = (
                    f"{_fmt(nodes)} fixed {group} nodes exceed the environment's minimum of "
                    f"{_fmt(low)} nodes"
                )
                yield out.error(f"{path}.node_groups.{group}.nodes", message)


def _node_group_capacity(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, eks in _section(baseline, "eks"):
        bands = _bands(_dict(eks.get("capacity_mix")))
        groups = _dict(eks.get("node_groups"))
        if "spot" not in bands or not groups:
            continue
        spot_groups = [
            g for g, spec in groups.items() if "spot" in _list(_dict(spec).get("capacity"))
        ]
        target, _, high = bands["spot"]
        if target > 0 and not spot_groups:
            yield out.error(
                f"{path}.node_groups", f"spot target is {_fmt(target)}% but no group runs on spot"
            )
        if high <= 0:
            for group in spot_groups:
                message = "runs on spot but the spot band allows 0%"
                yield out.error(f"{path}.node_groups.{group}.capacity", message)


def _node_autoscaler(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, eks in _section(baseline, "eks"):
        addons = _list(eks.get("addons"))
        if eks.get("karpenter") is True and "karpenter" not in addons:
            yield out.error(f"{path}.addons", "karpenter is true but not among the add-ons")
        if "karpenter" in addons and "cluster-autoscaler" in addons:
            message = (
                "karpenter and cluster-autoscaler both listed: they must not share node groups"
            )
            yield out.warning(f"{path}.addons", message)


# --- network --------------------------------------------------------------------------


def _vpcs(baseline: Baseline) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield from _section(baseline, "vpc")


def _tier_subnets(vpc: dict[str, Any], path: str) -> Iterator[tuple[str, str, Any]]:
    """(tier, path of the item, network) for every parseable subnet of every tier."""
    for tier, spec in _dict(vpc.get("subnet_tiers")).items():
        for index, cidr in enumerate(_list(_dict(spec).get("cidrs"))):
            network = _network(cidr)
            if network is not None:
                yield tier, f"{path}.subnet_tiers.{tier}.cidrs.{index}", network


def _subnet_in_vpc(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, vpc in _vpcs(baseline):
        parent = _network(vpc.get("cidr"))
        if parent is None:
            continue
        for tier, item, network in _tier_subnets(vpc, path):
            if network.version != parent.version or not network.subnet_of(parent):
                yield out.error(item, f"{tier} subnet {network} lies outside the VPC {parent}")


def _subnet_overlap(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, vpc in _vpcs(baseline):
        for (_, path_a, net_a), (_, path_b, net_b) in combinations(_tier_subnets(vpc, path), 2):
            if net_a.version == net_b.version and net_a.overlaps(net_b):
                yield out.error(path_b, f"subnet {net_b} overlaps {net_a} ({path_a})")


def _tier_subnet_count(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, vpc in _vpcs(baseline):
        azs = _num(vpc.get("az_count"))
        if azs is None:
            continue
        for tier, spec in _dict(vpc.get("subnet_tiers")).items():
            cidrs = _dict(spec).get("cidrs")
            if not isinstance(cidrs, list):
                continue
            count = len(cidrs)
            if count != azs:
                message = f"{count} {tier} subnets for {_fmt(azs)} AZs (one per AZ expected)"
                yield out.error(f"{path}.subnet_tiers.{tier}.cidrs", message)


def _nat_layout(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, vpc in _vpcs(baseline):
        nat = _dict(vpc.get("nat_gateways"))
        count, azs = _num(nat.get("count")), _num(vpc.get("az_count"))
        if count is None or azs is None:
            continue
        nat_path = f"{path}.nat_gateways"
        if count > azs:
            yield out.error(f"{nat_path}.count", f"{_fmt(count)} NAT gateways for {_fmt(azs)} AZs")
        if nat.get("one_per_az") is True and count != azs:
            message = (
                f"one_per_az is true but count {_fmt(count)} differs from az_count {_fmt(azs)}"
            )
            yield out.error(f"{nat_path}.count", message)
        tier = nat.get("subnet_tier")
        egress = _dict(_dict(vpc.get("subnet_tiers")).get(tier)).get("internet_egress")
        if count > 0 and egress is not None and egress != "internet_gateway":
            message = f"NAT gateways sit in the {tier} tier, which has no internet gateway route"
            yield out.error(f"{nat_path}.subnet_tier", message)


def _vpc_overlap(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    networks = [
        (name, f"{path}.cidr", _network(vpc.get("cidr"))) for name, path, vpc in _vpcs(baseline)
    ]
    known = [entry for entry in networks if entry[2] is not None]
    for (name_a, _, net_a), (name_b, path_b, net_b) in combinations(known, 2):
        if net_a.version == net_b.version and net_a.overlaps(net_b):
            yield out.error(path_b, f"{name_b} VPC {net_b} overlaps the {name_a} VPC {net_a}")


def _load_balancer_azs(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, vpc in _vpcs(baseline):
        azs = _num(vpc.get("az_count"))
        for kind, spec in _dict(vpc.get("load_balancers")).items():
            wanted = _num(_dict(spec).get("min_azs"))
            if azs is not None and wanted is not None and wanted > azs:
                message = f"{kind} load balancer needs {_fmt(wanted)} AZs, the VPC has {_fmt(azs)}"
                yield out.error(f"{path}.load_balancers.{kind}.min_azs", message)


# --- data -----------------------------------------------------------------------------


def _database_mode(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, db in _section(baseline, "database"):
        accepted = _list(db.get("accepted_modes"))
        mode = db.get("mode")
        if mode is not None and accepted and mode not in accepted:
            yield out.error(f"{path}.mode", f"mode {mode!r} is not among accepted_modes {accepted}")
        if "provisioned" in accepted and not db.get("instance_class"):
            yield out.error(
                f"{path}.accepted_modes", "provisioned is accepted but instance_class is missing"
            )
        if "serverless-v2" in accepted and not isinstance(db.get("serverless_v2"), dict):
            yield out.error(
                f"{path}.accepted_modes", "serverless-v2 is accepted but serverless_v2 is missing"
            )


def _serverless_capacity(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, db in _section(baseline, "database"):
        spec = db.get("serverless_v2")
        if not isinstance(spec, dict):
            continue
        spec_path = f"{path}.serverless_v2"
        low, high = _num(spec.get("min_capacity")), _num(spec.get("max_capacity"))
        accepted = [
            v
            for v in (_num(x) for x in _list(spec.get("accepted_min_capacities")))
            if v is not None
        ]
        if low is not None and high is not None and low > high:
            yield out.error(
                spec_path, f"min_capacity {_fmt(low)} is above max_capacity {_fmt(high)}"
            )
        if accepted and low is not None and low not in accepted:
            yield out.error(
                f"{spec_path}.min_capacity", "min_capacity is not among accepted_min_capacities"
            )
        floors = accepted or ([low] if low is not None else [])
        if spec.get("auto_pause_minutes") is not None and 0 not in floors:
            message = (
                "auto-pause is set but no accepted minimum is 0 ACU, which auto-pause requires"
            )
            yield out.error(f"{spec_path}.auto_pause_minutes", message)


def _database_azs(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for name, path, db in _section(baseline, "database"):
        replicas = _num(db.get("read_replicas"))
        azs = _num(_dict(baseline.environment(name).get("vpc")).get("az_count"))
        if db.get("distinct_azs") is not True or replicas is None or azs is None:
            continue
        if replicas + 1 > azs:
            message = (
                f"writer and {_fmt(replicas)} readers cannot sit in distinct AZs of {_fmt(azs)}"
            )
            yield out.error(f"{path}.distinct_azs", message)


def _cache_failover(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, cache in _section(baseline, "cache"):
        if cache.get("automatic_failover") is True:
            continue
        for flag in ("cluster_mode", "multi_az"):
            if cache.get(flag) is True:
                message = f"{flag} is true, which ElastiCache allows only with automatic_failover"
                yield out.error(f"{path}.automatic_failover", message)


# --- storage --------------------------------------------------------------------------


def _ebs_types(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    forbidden = set(
        _list(_dict(_dict(baseline.data.get("storage")).get("ebs")).get("forbidden_types"))
    )
    for _, path, storage in _section(baseline, "storage"):
        for index, kind in enumerate(_list(storage.get("ebs_allowed_types"))):
            if kind in forbidden:
                message = f"{kind} is allowed here but forbidden by storage.ebs.forbidden_types"
                yield out.error(f"{path}.ebs_allowed_types.{index}", message)


def _s3_lifecycle(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for path, profile in select(baseline.data, "storage.s3.lifecycle_profiles.*"):
        previous = -1.0
        for index, step in enumerate(_list(_dict(profile).get("transitions"))):
            days, klass = _num(_dict(step).get("max_days")), _dict(step).get("storage_class")
            step_path = f"{path}.transitions.{index}.max_days"
            if days is None:
                continue
            if klass in _IA_CLASSES and days < _IA_CLASSES[klass]:
                message = f"S3 cannot move objects to {klass} before day {_IA_CLASSES[klass]}"
                yield out.error(step_path, message)
            if days <= previous:
                yield out.error(step_path, f"day {_fmt(days)} does not follow the previous step")
            previous = days


# --- money ----------------------------------------------------------------------------


def _budget_sum(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    for _, path, budget in _section(baseline, "budget"):
        total = _num(budget.get("total"))
        parts = [_num(v) for v in _dict(budget.get("components")).values()]
        if total is None or not parts or None in parts:
            continue
        summed = sum(p for p in parts if p is not None)
        if abs(summed - total) > _EPSILON:
            message = f"components add up to {_fmt(summed)}, not the total {_fmt(total)}"
            yield out.error(f"{path}.total", message)


# --- regions, dates, tags, decisions -------------------------------------------------


def _dr_region(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    regions = _dict(baseline.data.get("regions"))
    if regions.get("dr") is not None and regions.get("dr") == regions.get("primary"):
        yield out.error("regions.dr", f"the DR region is the primary region ({regions['dr']})")


def _review_dates(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    document = _dict(baseline.data.get("document"))
    try:
        created = date.fromisoformat(str(document["created"]))
        review = date.fromisoformat(str(document["next_review"]))
    except (KeyError, ValueError):
        return
    if review <= created:
        yield out.error(
            "document.next_review", f"next review {review} is not after creation {created}"
        )


def _tag_aliases(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    owners = {name.lower(): name for name, _ in _envs(baseline)}
    aliases = _dict(_dict(baseline.data.get("tags")).get("environment_aliases"))
    for env, values in aliases.items():
        for index, alias in enumerate(_list(values)):
            owner = owners.setdefault(str(alias).lower(), env)
            if owner != env:
                message = (
                    f"alias {alias!r} also resolves to {owner}: tag resolution would be ambiguous"
                )
                yield out.error(f"tags.environment_aliases.{env}.{index}", message)


def _decisions(baseline: Baseline, out: _Issues) -> Iterator[LintIssue]:
    seen: set[str] = set()
    for index, decision in enumerate(_list(baseline.data.get("decisions"))):
        path = f"decisions.{index}"
        entry = _dict(decision)
        ident = entry.get("id", path)
        if ident in seen:
            yield out.error(f"{path}.id", f"decision id {ident!r} is used twice")
        seen.add(ident)
        yield from _decision_choice(entry, path, ident, out)
        yield from _decision_targets(baseline, entry, path, out)


def _decision_choice(
    entry: dict[str, Any], path: str, ident: str, out: _Issues
) -> Iterator[LintIssue]:
    readings = [_dict(r).get("id") for r in _list(entry.get("readings"))]
    chosen = entry.get("chosen")
    if not chosen:
        yield out.error(
            path, f"decision {ident!r} has no chosen reading: the contradiction is open"
        )
    elif chosen not in readings:
        yield out.error(
            f"{path}.chosen", f"chosen {chosen!r} is not one of the readings {readings}"
        )
    if chosen and not entry.get("reason"):
        yield out.error(path, f"decision {ident!r} does not say why {chosen!r} was chosen")


def _decision_targets(
    baseline: Baseline, entry: dict[str, Any], path: str, out: _Issues
) -> Iterator[LintIssue]:
    for index, target in enumerate(_list(entry.get("applies_to"))):
        if not any(True for _ in select(baseline.data, str(target))):
            message = f"applies_to names {target!r}, which is not a path of this baseline"
            yield out.error(f"{path}.applies_to.{index}", message)


def _checks() -> tuple[tuple[str, Check], ...]:
    """Every check with the name its issues carry, in the order they are documented."""
    return (
        ("capacity-mix-sum", _capacity_mix_sum),
        ("capacity-band", _capacity_band),
        ("commitment-coverage", _commitment_coverage),
        ("commitment-scope", _commitment_scope),
        ("node-count", _node_count),
        ("node-group-capacity", _node_group_capacity),
        ("node-autoscaler", _node_autoscaler),
        ("subnet-in-vpc", _subnet_in_vpc),
        ("subnet-overlap", _subnet_overlap),
        ("tier-subnet-count", _tier_subnet_count),
        ("nat-layout", _nat_layout),
        ("vpc-overlap", _vpc_overlap),
        ("load-balancer-azs", _load_balancer_azs),
        ("database-mode", _database_mode),
        ("serverless-capacity", _serverless_capacity),
        ("database-azs", _database_azs),
        ("cache-failover", _cache_failover),
        ("ebs-types", _ebs_types),
        ("s3-lifecycle", _s3_lifecycle),
        ("budget-sum", _budget_sum),
        ("dr-region", _dr_region),
        ("review-dates", _review_dates),
        ("tag-aliases", _tag_aliases),
        ("decisions", _decisions),
    )
