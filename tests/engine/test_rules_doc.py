"""docs/rules.md is generated from the rules' metadata and must not be stale."""

from __future__ import annotations

from pathlib import Path

from scanner.engine.rules_doc import render_rules_doc
from scanner.engine.ruleset import RuleSet

REPO = Path(__file__).resolve().parents[2]


def test_rules_doc_is_current() -> None:
    expected = render_rules_doc(RuleSet.load().all_meta())
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run `archscan rules docs -o docs/rules.md`"


def test_every_rule_has_a_section() -> None:
    text = render_rules_doc(RuleSet.load().all_meta())
    for meta in RuleSet.load().all_meta():
        assert f"## {meta.id}\n" in text
