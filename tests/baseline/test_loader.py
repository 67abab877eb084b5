"""The bundled baseline and the loader: facts, line numbers, and every way a file can be wrong."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scanner.baseline import Baseline, load_baseline
from scanner.baseline.loader import parse_baseline, schema
from scanner.errors import BaselineError, InputError
from scanner.paths import default_baseline

DATA = Path(__file__).parent / "data"
BUNDLED = default_baseline()
CONTROLS_CONTRADICTIONS = {
    "prod-spot-share",
    "staging-database-mode",
    "reserved-instance-scope",
    "pod-security-policies",
    "review-dates",
    "budget-arithmetic",
}


@pytest.fixture(scope="module")
def bundled() -> Baseline:
    return load_baseline(BUNDLED)


def env(baseline: Baseline, name: str) -> dict[str, Any]:
    return baseline.data["environments"][name]


# --- the bundled baseline -------------------------------------------------------------


def test_bundled_baseline_loads_with_digest_of_its_bytes(bundled: Baseline) -> None:
    assert bundled.path == BUNDLED
    assert bundled.digest == "sha256:" + hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    assert bundled.data["schema_version"] == 1
    assert bundled.data["document"]["version"] == "1.0"
    assert bundled.data["document"]["created"] == "2025-08-16"


def test_vpc_facts(bundled: Baseline) -> None:
    assert env(bundled, "prod")["vpc"]["cidr"] == "10.2.0.0/16"
    assert env(bundled, "staging")["vpc"]["cidr"] == "10.1.0.0/16"
    assert env(bundled, "dev")["vpc"]["cidr"] == "10.0.0.0/16"
    tiers = env(bundled, "prod")["vpc"]["subnet_tiers"]
    assert tiers["public"]["cidrs"] == ["10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24"]
    assert tiers["private"]["cidrs"] == ["10.2.10.0/24", "10.2.11.0/24", "10.2.12.0/24"]
    assert tiers["database"]["cidrs"] == ["10.2.20.0/24", "10.2.21.0/24", "10.2.22.0/24"]
    egress = {tier: spec["internet_egress"] for tier, spec in tiers.items()}
    assert egress == {"public": "internet_gateway", "private": "nat_gateway", "database": "none"}


def test_nat_gateway_counts(bundled: Baseline) -> None:
    nats = {name: env(bundled, name)["vpc"]["nat_gateways"] for name in ("dev", "staging", "prod")}
    assert {name: nat["count"] for name, nat in nats.items()} == {"dev": 1, "staging": 1, "prod": 3}
    assert [nats[name]["one_per_az"] for name in ("dev", "staging", "prod")] == [False, False, True]


def test_budgets_and_components(bundled: Baseline) -> None:
    budgets = {name: env(bundled, name)["budget"] for name in ("dev", "staging", "prod")}
    assert {name: b["total"] for name, b in budgets.items()} == {
        "dev": 495,
        "staging": 1195,
        "prod": 6135,
    }
    assert budgets["dev"]["components"] == {
        "compute": 300,
        "database": 100,
        "storage": 50,
        "network": 45,
    }
    assert budgets["staging"]["components"] == {
        "compute": 800,
        "database": 200,
        "storage": 150,
        "network": 45,
    }
    assert budgets["prod"]["components"] == {
        "compute": 4000,
        "database": 1500,
        "storage": 500,
        "network": 135,
    }


def test_compute_and_data_facts(bundled: Baseline) -> None:
    types = {
        name: env(bundled, name)["eks"]["instance_types"] for name in ("dev", "staging", "prod")
    }
    assert types == {"dev": ["t3.medium"], "staging": ["t3.large"], "prod": ["m5.xlarge"]}
    counts = {name: env(bundled, name)["eks"]["node_count"] for name in ("dev", "staging", "prod")}
    assert counts == {
        "dev": {"min": 1, "max": 10},
        "staging": {"min": 2, "max": 15},
        "prod": {"min": 3, "max": 30},
    }
    prod_db = env(bundled, "prod")["database"]
    assert (prod_db["instance_class"], prod_db["multi_az"], prod_db["read_replicas"]) == (
        "db.r5.xlarge",
        True,
        2,
    )
    assert env(bundled, "prod")["cache"]["node_type"] == "cache.r6g.large"
    assert env(bundled, "prod")["storage"]["ebs_allowed_types"] == ["gp3", "io2"]
    assert bundled.data["regions"] == {"primary": "us-west-2", "dr": "us-east-1"}


def test_contradictions_are_resolved_as_data(bundled: Baseline) -> None:
    prod_mix = env(bundled, "prod")["eks"]["capacity_mix"]
    assert prod_mix["spot"] == {"target": 0, "min": 0, "max": 20}
    assert [prod_mix[k]["target"] for k in ("reserved", "savings_plans", "on_demand")] == [
        60,
        30,
        10,
    ]
    staging_db = env(bundled, "staging")["database"]
    assert staging_db["mode"] == "provisioned"
    assert set(staging_db["accepted_modes"]) == {"provisioned", "serverless-v2"}
    assert "staging" in bundled.data["commitments"]["reserved_instances"]["environments"]
    assert bundled.data["commitments"]["reserved_instances"]["term_years"]["prod"] == 3
    assert bundled.data["security"]["eks"]["pod_security"]["mechanism"] == "pod-security-admission"
    document = bundled.data["document"]
    assert document["next_review"] > document["created"]


def test_every_controls_contradiction_has_a_decision(bundled: Baseline) -> None:
    decisions = {d["id"]: d for d in bundled.data["decisions"]}
    from_controls = {ident for ident, d in decisions.items() if d["found_by"] == "controls"}
    assert from_controls == CONTROLS_CONTRADICTIONS
    for decision in decisions.values():
        reading_ids = [r["id"] for r in decision["readings"]]
        assert decision["chosen"] in reading_ids, decision["id"]
        assert decision["reason"].strip(), decision["id"]


def test_every_decision_is_commented_where_it_applies(bundled: Baseline) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    for decision in bundled.data["decisions"]:
        assert re.search(rf"# .*decision: {re.escape(decision['id'])}\b", text), decision["id"]


def test_account_ids_are_twelve_digit_strings(bundled: Baseline) -> None:
    ids = [account["id"] for account in bundled.data["accounts"].values()]
    assert len(ids) == 6
    assert all(isinstance(i, str) and re.fullmatch(r"\d{12}", i) for i in ids)


def test_helpers(bundled: Baseline) -> None:
    assert bundled.workload_environments() == ["dev", "staging", "prod"]
    assert bundled.environment("prod")["vpc"]["cidr"] == "10.2.0.0/16"
    assert bundled.account_environment("555555555555") == "prod"
    assert bundled.account_environment(333333333333) == "dev"
    assert bundled.account_environment("666666666666") == "shared-services"
    assert bundled.account_environment("999999999999") is None
    with pytest.raises(KeyError, match="qa"):
        bundled.environment("qa")


# --- line numbers ---------------------------------------------------------------------


def test_line_of_small_fixture() -> None:
    baseline = parse_baseline(DATA / "lines.yaml")
    expected = {
        "top": 2,
        "top.scalar": 3,
        "top.nested": 4,
        "top.nested.leaf": 5,
        "top.block_list": 7,
        "top.block_list.0": 8,
        "top.block_list.1": 9,
        "top.flow_list": 10,
        "top.flow_list.1": 10,
        "top.objects.0": 12,
        "top.objects.0.name": 12,
        "top.objects.0.value": 13,
        "top.objects.1.name": 14,
    }
    assert {path: baseline.line_of(path) for path in expected} == expected
    assert baseline.line_of("top.missing") is None
    assert baseline.line_of("top.block_list.2") is None


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("environments.prod.vpc.cidr", "cidr: 10.2.0.0/16"),
        ("environments.prod.vpc.nat_gateways.count", "count: 3"),
        ("environments.staging.budget.total", "total: 1195"),
        ("environments.prod.vpc.subnet_tiers.private.cidrs.2", "10.2.12.0/24"),
        ("security.listener_tls_policies.0", "- ELBSecurityPolicy-TLS13-1-2-2021-06"),
        ("regions.dr", "dr: us-east-1"),
    ],
)
def test_line_of_bundled(bundled: Baseline, path: str, text: str) -> None:
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    line = bundled.line_of(path)
    assert line is not None
    assert text in lines[line - 1]


def test_line_of_distinguishes_environments(bundled: Baseline) -> None:
    paths = [f"environments.{name}.vpc.cidr" for name in ("dev", "staging", "prod")]
    lines = [bundled.line_of(p) for p in paths]
    assert lines == sorted(lines)
    assert len(set(lines)) == 3


# --- broken baselines -----------------------------------------------------------------


def line_of_text(text: str, marker: str) -> int:
    """1-based line where ``marker`` starts in ``text``."""
    return text[: text.index(marker)].count("\n") + 1


MUTATIONS = [
    pytest.param(
        "      nat_gateways:\n        count: 3",
        "      nat_gatways:\n        count: 3",
        "environments.prod.vpc.nat_gatways",
        "unknown key 'nat_gatways'",
        "      nat_gatways:",
        id="typo-key",
    ),
    pytest.param(
        "      cidr: 10.2.0.0/16",
        "      cidr: 10.2.0.0/33",
        "environments.prod.vpc.cidr",
        "'10.2.0.0/33' is not a valid CIDR",
        "      cidr: 10.2.0.0/33",
        id="bad-cidr",
    ),
    pytest.param(
        "[10.1.10.0/24, 10.1.11.0/24, 10.1.12.0/24]",
        "[10.1.10.0/24, 10.1.11.1/24, 10.1.12.0/24]",
        "environments.staging.vpc.subnet_tiers.private.cidrs.1",
        "host bits are set",
        "          cidrs: [10.1.10.0/24, 10.1.11.1/24",
        id="cidr-host-bits",
    ),
    pytest.param(
        "      cidr: 10.2.0.0/16\n      az_count: 3\n",
        "      cidr: 10.2.0.0/16\n",
        "environments.prod.vpc",
        "missing required key 'az_count'",
        "    vpc:\n      cidr: 10.2.0.0/16",
        id="missing-required-key",
    ),
    pytest.param(
        "        count: 3\n",
        "        count: three\n",
        "environments.prod.vpc.nat_gateways.count",
        "'three' is not of type 'integer'",
        "        count: three",
        id="wrong-type",
    ),
    pytest.param(
        "  prod:\n    account: prod\n",
        "  prod:\n    account: production\n",
        "environments.prod.account",
        "'production' is not a key of accounts",
        "    account: production",
        id="unknown-account-key",
    ),
    pytest.param(
        "  dr: us-east-1\n",
        "  dr: us-east-1\n  dr: us-east-2\n",
        "regions.dr",
        "duplicate key 'dr'",
        "  dr: us-east-2",
        id="duplicate-key",
    ),
    pytest.param(
        "  dr: us-east-1\n",
        "  dr: [us-east-1\n",
        "regions.dr",
        "invalid YAML",
        "  dr: [us-east-1",
        id="yaml-syntax-error",
    ),
    pytest.param(
        "      ebs_allowed_types: [gp3, io2]",
        "      ebs_allowed_types: [gp3, io3]",
        "environments.prod.storage.ebs_allowed_types.1",
        "'io3' is not one of",
        "      ebs_allowed_types: [gp3, io3]",
        id="enum",
    ),
    pytest.param(
        "        spot: {target: 0, min: 0, max: 20}",
        "        spot: {target: 0, min: 0, max: 120}",
        "environments.prod.eks.capacity_mix.spot.max",
        "120 is greater than the maximum of 100",
        "        spot: {target: 0, min: 0, max: 120}",
        id="percentage-over-100",
    ),
    pytest.param(
        '    id: "555555555555"',
        '    id: "55555555555"',
        "accounts.prod.id",
        "does not match",
        '    id: "55555555555"',
        id="short-account-id",
    ),
    pytest.param(
        '    id: "555555555555"',
        '    id: "444444444444"',
        "accounts.prod.id",
        "also the id of accounts.staging",
        '    id: "444444444444"\n    environment: prod',
        id="duplicate-account-id",
    ),
    pytest.param(
        "  alerts_required: [dev, staging, prod]",
        "  alerts_required: [dev, stagin, prod]",
        "budgets.alerts_required.1",
        "'stagin' is not a key of environments",
        "  alerts_required: [dev, stagin, prod]",
        id="unknown-environment-reference",
    ),
    pytest.param(
        "      total: 6135",
        "      total: .inf",
        "environments.prod.budget.total",
        "not a finite number",
        "      total: .inf",
        id="non-finite-number",
    ),
    pytest.param(
        "schema_version: 1",
        "schema_version: !!python/object/apply:os.system ['true']",
        "schema_version",
        "could not determine a constructor",
        "schema_version: !!python",
        id="python-tag",
    ),
    pytest.param(
        "      mechanism: pod-security-admission",
        "      mechanism: pod-security-policy",
        "security.eks.pod_security.mechanism",
        "'pod-security-policy' is not one of",
        "      mechanism: pod-security-policy",
        id="pod-security-policy-rejected",
    ),
    pytest.param(
        "  network:\n    account: network\n    workload: false",
        "  network:\n    account: network\n    workload: true",
        "environments.network",
        "missing required key 'vpc'",
        "  network:\n    account: network\n    workload: true",
        id="workload-needs-sections",
    ),
]


@pytest.mark.parametrize(("old", "new", "inner_path", "reason", "marker"), MUTATIONS)
def test_broken_bundled_copy_is_rejected(
    tmp_path: Path, old: str, new: str, inner_path: str, reason: str, marker: str
) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    broken = text.replace(old, new, 1)
    target = tmp_path / "broken.yaml"
    target.write_text(broken, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        load_baseline(target)
    message = str(caught.value)
    assert message.startswith(f"{target}: {inner_path}: "), message
    assert reason in message
    assert re.search(rf"\bline {line_of_text(broken, marker)}\b", message), message
    assert "\n" not in message
    assert isinstance(caught.value, InputError)
    assert caught.value.source == str(target)


def test_typo_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8").replace("nat_gateways:", "nat_gatways:", 1)
    target = tmp_path / "typo.yaml"
    target.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        load_baseline(target)
    assert caught.value.hint == "did you mean 'nat_gateways'?"
    assert "more problem" not in str(caught.value)  # the missing key it caused is not repeated


def test_unquoted_account_id_gets_a_hint(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8").replace('id: "555555555555"', "id: 555555555555")
    target = tmp_path / "int-id.yaml"
    target.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError, match=r"accounts\.prod\.id: 555555555555 is not of type"):
        load_baseline(target)


def test_further_problems_are_counted(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    text = text.replace("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/40", 1)
    text = text.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33", 1)
    target = tmp_path / "two.yaml"
    target.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        load_baseline(target)
    message = str(caught.value)
    assert "environments.dev.vpc.cidr: '10.0.0.0/40'" in message
    assert message.endswith("; and 1 more problem")


def test_unquoted_dates_stay_strings(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8").replace(
        'created: "2025-08-16"', "created: 2025-08-16"
    )
    target = tmp_path / "date.yaml"
    target.write_text(text, encoding="utf-8")
    assert load_baseline(target).data["document"]["created"] == "2025-08-16"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "duplicate_key.yaml",
            "regions.primary: duplicate key 'primary' (first at line 2) (line 4)",
        ),
        ("syntax_error.yaml", "regions.dr: invalid YAML: "),
        ("python_tag.yaml", "schema_version: invalid YAML: could not determine a constructor"),
        ("empty.yaml", "the file is empty"),
        ("not_mapping.yaml", "the top level must be a mapping of sections, found list"),
    ],
)
def test_broken_fixture_is_rejected(fixture: str, expected: str) -> None:
    path = DATA / fixture
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


def test_syntax_error_names_both_lines() -> None:
    with pytest.raises(BaselineError) as caught:
        load_baseline(DATA / "syntax_error.yaml")
    assert "(line 4, column 15)" in str(caught.value)
    assert "starts at line 3" in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert str(caught.value).startswith(f"{path}: no such file")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="is a directory"):
        load_baseline(tmp_path)


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema_version: 1\ntitle: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert str(caught.value).startswith(f"{path}: not UTF-8 text: byte 0xe9 at line 2")


def test_recursive_alias_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &loop\n  - *loop\n", encoding="utf-8")
    with pytest.raises(BaselineError, match="refers to its own ancestor"):
        load_baseline(path)


def test_deep_nesting_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(BaselineError, match="nested too deeply"):
        load_baseline(path)


# --- the schema -----------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def mappings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every mapping inside ``value``."""
    if isinstance(value, dict):
        yield path
        for key, child in value.items():
            yield from mappings(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from mappings(child, (*path, index))


def test_an_unknown_key_is_rejected_in_every_mapping(bundled: Baseline) -> None:
    validator = Draft202012Validator(schema())
    assert validator.is_valid(bundled.data)
    accepted = []
    for path in mappings(bundled.data):
        data = copy.deepcopy(bundled.data)
        target = data
        for part in path:
            target = target[part]
        target["zz_typo"] = True
        if validator.is_valid(data):
            accepted.append(".".join(map(str, path)) or "<top level>")
    assert accepted == []
