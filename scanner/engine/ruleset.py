"""All rules of a run: Rego policy folders plus Python rule folders, ids unique."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanner.engine.metadata import RuleMeta
from scanner.engine.python_rules import PythonRule, load_python_rules
from scanner.engine.rego import RegoPolicySet
from scanner.errors import PolicyError, UsageError
from scanner.paths import bundled_dir


@dataclass
class RuleSet:
    """The loaded rules, indexed by id."""

    rego: RegoPolicySet
    python: list[PythonRule]

    @classmethod
    def load(
        cls,
        policy_dirs: list[Path] | None = None,
        rules_dirs: list[Path] | None = None,
        *,
        include_bundled: bool = True,
    ) -> RuleSet:
        """Bundled policies and rules, plus any user folders."""
        policies = ([bundled_dir("policies")] if include_bundled else []) + list(policy_dirs or [])
        python = ([bundled_dir("rules")] if include_bundled else []) + list(rules_dirs or [])
        ruleset = cls(RegoPolicySet.load(policies), load_python_rules(python))
        ruleset._check_unique()
        return ruleset

    def _check_unique(self) -> None:
        seen: dict[str, str] = {}
        for meta in self.all_meta():
            where = f"{meta.source_file}:{meta.source_line}"
            if meta.id in seen:
                raise PolicyError(
                    f"rule {meta.id} is defined twice (also at {seen[meta.id]})", source=where
                )
            seen[meta.id] = where

    def all_meta(self) -> list[RuleMeta]:
        """Metadata of every rule, sorted by id."""
        metas = list(self.rego.rules) + [rule.meta for rule in self.python]
        return sorted(metas, key=lambda meta: meta.id)

    def by_id(self) -> dict[str, RuleMeta]:
        """Metadata indexed by rule id."""
        return {meta.id: meta for meta in self.all_meta()}

    def select(self, include: list[str] | None, exclude: list[str] | None) -> set[str]:
        """Rule ids to run; an id that names no rule is a usage error."""
        known = self.by_id()
        for rule_id in list(include or []) + list(exclude or []):
            if rule_id.upper() not in known:
                raise UsageError(
                    f"unknown rule {rule_id!r}",
                    hint="`archscan rules list` shows the rule ids",
                )
        chosen = {r.upper() for r in include} if include else set(known)
        return chosen - {r.upper() for r in exclude or []}
