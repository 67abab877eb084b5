"""The net.cidr_* extensions, called directly and through the embedded engine."""

from __future__ import annotations

import json

import pytest

from scanner.engine.cidr import cidr_contains_matches, cidr_intersects, cidr_merge
from scanner.engine.regorus_runtime import new_engine


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("10.0.0.0/16", "10.0.128.0/17", True),
        ("10.0.0.0/16", "10.1.0.0/16", False),
        ("10.0.0.0/8", "10.255.255.255", True),
        ("10.0.0.0/8", "fd00::/8", False),
        ("fd00::/8", "fd00:1::/32", True),
    ],
)
def test_cidr_intersects(a: str, b: str, expected: bool) -> None:
    assert cidr_intersects(a, b) is expected


def test_cidr_merge_collapses_adjacent_and_contained() -> None:
    merged = cidr_merge(["10.0.0.0/24", "10.0.1.0/24", "10.0.1.128/25", "192.168.0.1", "fd00::/64"])
    assert merged == ["10.0.0.0/23", "192.168.0.1/32", "fd00::/64"]


def test_cidr_contains_matches_returns_index_pairs() -> None:
    matches = cidr_contains_matches(
        ["10.0.0.0/8", "192.168.0.0/16"], ["10.1.2.3", "172.16.0.1", "192.168.1.0/24"]
    )
    assert matches == [[0, 0], [1, 2]]
    keyed = cidr_contains_matches({"vpc": "10.2.0.0/16"}, {"a": "10.2.1.0/24", "b": "10.3.0.0/24"})
    assert keyed == [["vpc", "a"]]


def test_extensions_answer_inside_rego() -> None:
    engine = new_engine()
    engine.add_policy(
        "t.rego",
        "package t\nimport rego.v1\n"
        'r := {"i": net.cidr_intersects("10.0.0.0/16", "10.0.1.0/24"),'
        ' "m": net.cidr_merge(["10.0.0.0/24", "10.0.1.0/24"]),'
        ' "c": net.cidr_contains_matches(["10.0.0.0/8"], ["10.9.0.0/16"]),'
        ' "n": not_intersecting}\n'
        'not_intersecting if not net.cidr_intersects("10.0.0.0/16", "10.1.0.0/16")\n',
    )
    value = json.loads(engine.eval_rule_as_json("data.t.r"))
    assert value == {"i": True, "m": ["10.0.0.0/23"], "c": [[0, 0]], "n": True}


def test_bad_cidr_is_an_error_not_a_false() -> None:
    engine = new_engine()
    engine.add_policy(
        "t.rego", 'package t\nimport rego.v1\nr := net.cidr_intersects("nonsense", "10.0.0.0/8")\n'
    )
    with pytest.raises(RuntimeError):
        engine.eval_rule_as_json("data.t.r")
