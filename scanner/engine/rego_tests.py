"""`archscan rules test`: run ``test_*`` rules of ``*_test.rego`` files in the embedded engine.

Tests see the bundled baseline as ``data.baseline`` (override it with ``with``), like
``opa test`` with the baseline loaded as data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from scanner.baseline import load_baseline
from scanner.engine.rego import UNDEFINED, RegoPolicySet
from scanner.engine.rego_metadata import package_of
from scanner.engine.regorus_runtime import one_line
from scanner.paths import bundled_dir, default_baseline

_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]*)\b", re.MULTILINE)


@dataclass
class RegoTestResult:
    """Outcome of one Rego test rule."""

    name: str
    location: str
    passed: bool
    detail: str = ""


def run_rego_tests(folders: list[Path], include_bundled: bool = True) -> list[RegoTestResult]:
    """Run every test rule found in the bundled policies and ``folders``."""
    roots = ([bundled_dir("policies")] if include_bundled else []) + folders
    policies = RegoPolicySet.load(roots, include_tests=True)
    engine = policies.new_engine()
    engine.add_data({"baseline": load_baseline(default_baseline()).data})
    results: list[RegoTestResult] = []
    for item in policies.files:
        if not item.is_test:
            continue
        package = package_of(item.source)
        for match in _TEST_RULE.finditer(item.source):
            name = match.group(1)
            if any(
                r.name.endswith(f".{name}") and r.location.startswith(str(item.path))
                for r in results
            ):
                continue  # a rule with several bodies is one test
            line = item.source.count("\n", 0, match.start()) + 1
            results.append(_run_one(engine, f"data.{package}.{name}", f"{item.path}:{line}"))
    return results


def _run_one(engine: object, rule: str, location: str) -> RegoTestResult:
    try:
        value = json.loads(engine.eval_rule_as_json(rule))  # type: ignore[attr-defined]
    except RuntimeError as exc:
        return RegoTestResult(rule, location, False, one_line(exc))
    if value is True:
        return RegoTestResult(rule, location, True)
    undefined = value is None or value == UNDEFINED
    return RegoTestResult(
        rule, location, False, "undefined" if undefined else f"returned {value!r}"
    )
