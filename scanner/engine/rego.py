"""Rego policies evaluated by the embedded regorus engine.

A policy file belongs to one control family (``package archscan.network``). Each control
is a set rule annotated with ``# METADATA`` whose ``custom.id`` names the control; its
members are verdict objects::

    {"resource": <resource id or scope>, "status": "FAIL" | "PASS" | "UNKNOWN",
     "message": str, "expected": any, "actual": any}

Verdicts may also carry ``environment``, ``account`` and ``region`` for scope-level
results. Emitting PASS and UNKNOWN explicitly (not only ``deny``) is what lets a scan
tell "checked and fine" from "never looked".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.engine import rego_check_cache
from scanner.engine.metadata import RuleMeta
from scanner.engine.rego_calls import find_unknown_calls
from scanner.engine.rego_metadata import Annotation, parse_annotations
from scanner.engine.rego_parallel import answers, split_by_family, worker_count
from scanner.engine.regorus_runtime import new_engine, one_line
from scanner.errors import PolicyError
from scanner.findings import Severity

REQUIRED_CUSTOM = ("id", "severity")
UNDEFINED = "<undefined>"  # what regorus's *_as_json calls return for an undefined rule


@dataclass
class PolicyFile:
    """One loaded ``.rego`` file."""

    path: Path
    source: str
    is_test: bool


@dataclass
class RegoPolicySet:
    """The Rego files of one or more policy folders, checked and ready to evaluate."""

    files: list[PolicyFile]
    rules: list[RuleMeta] = field(default_factory=list)

    @classmethod
    def load(cls, folders: list[Path], *, include_tests: bool = False) -> RegoPolicySet:
        """Load every ``.rego`` file below ``folders``; test files only when asked."""
        files: list[PolicyFile] = []
        for folder in folders:
            if not folder.is_dir():
                raise PolicyError("policy folder does not exist", source=str(folder))
            for path in sorted(folder.rglob("*.rego")):
                is_test = path.stem.endswith("_test")
                if is_test and not include_tests:
                    continue
                try:
                    source = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise PolicyError(f"cannot read policy: {exc}", source=str(path)) from None
                files.append(PolicyFile(path, source, is_test))
        policy_set = cls(files)
        engine = policy_set.new_engine()  # raises on syntax errors
        # The call check costs about 0.3 s; a policy set that passed it is remembered.
        key = rego_check_cache.digest((str(item.path), item.source) for item in files)
        if not rego_check_cache.known_good(key):
            _check_calls(engine)
            rego_check_cache.remember(key)
        policy_set.rules = policy_set._collect_rules()
        return policy_set

    def new_engine(self) -> Any:
        """An engine holding every policy of the set (engines are bound to one thread)."""
        engine = new_engine()
        for item in self.files:
            try:
                engine.add_policy(str(item.path), item.source)
            except RuntimeError as exc:
                raise PolicyError(one_line(exc), hint="fix the Rego syntax") from None
        return engine

    def _collect_rules(self) -> list[RuleMeta]:
        rules: list[RuleMeta] = []
        seen: dict[str, str] = {}
        for item in self.files:
            if item.is_test:
                continue
            for note in parse_annotations(item.source, str(item.path)):
                custom = note.fields.get("custom") or {}
                if "id" not in custom:
                    continue  # an annotation of a helper rule, not a control
                meta = _rule_meta(note, item.path)
                if meta.id in seen:
                    raise PolicyError(
                        f"rule {meta.id} is defined twice (also in {seen[meta.id]})",
                        source=f"{item.path}:{note.line}",
                    )
                seen[meta.id] = f"{item.path}:{note.line}"
                rules.append(meta)
        return rules

    def evaluate(
        self, input_document: dict[str, Any], baseline: dict[str, Any], rule_ids: set[str]
    ) -> dict[str, list[dict[str, Any]] | str]:
        """Verdicts per rule id; a string instead of a list is the error that rule raised."""
        selected = [rule for rule in self.rules if rule.id in rule_ids]
        if not selected:
            return {}
        engine = self.new_engine()
        engine.add_data({"baseline": baseline})
        engine.set_input(input_document)  # converted in Rust: no JSON text in between
        resources = sum(len(items) for items in input_document.get("by_type", {}).values())
        groups = split_by_family(selected, worker_count(resources))
        try:
            values: dict[str, Any] = {}
            for text in answers(engine, [_batch_query(group) for group in groups]):
                if text is None:
                    raise RuntimeError("a batch failed")
                values.update(json.loads(text)["result"][0]["bindings"]["x"])
            return {rule_id: _as_verdicts(value) for rule_id, value in values.items()}
        except (RuntimeError, KeyError, IndexError):
            pass  # one rule broke: evaluate each alone to attribute the error
        results: dict[str, list[dict[str, Any]] | str] = {}
        for rule in selected:
            try:
                results[rule.id] = _as_verdicts(
                    json.loads(engine.eval_rule_as_json(rule.entrypoint))
                )
            except RuntimeError as exc:
                results[rule.id] = one_line(exc)
        return results


def _check_calls(engine: Any) -> None:
    """Raise PolicyError naming the first call that resolves to no function."""
    unknown = find_unknown_calls(engine.get_ast_as_json())
    if unknown:
        first = unknown[0]
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise PolicyError(
            f"unknown function {first.name}(){more}",
            source=f"{first.file}:{first.line}:{first.col}",
            hint="check the spelling, or that the package defining it is loaded",
        )


def _batch_query(rules: list[RuleMeta]) -> str:
    """One object of every rule's value, so helper rules they share are computed once.

    One rule per line: regorus rejects lines past about 1,000 columns, and a failed batch
    falls back to evaluating every rule alone.
    """
    return "{\n" + ",\n".join(f'"{r.id}": {r.entrypoint}' for r in rules) + "\n}"


def _as_verdicts(value: Any) -> list[dict[str, Any]]:
    """Normalize a rule's value (a set, or undefined) into a list of verdict objects."""
    if value is None or value == UNDEFINED:
        return []
    if isinstance(value, dict) and "set!" in value:
        value = value["set!"]
    if not isinstance(value, list):
        raise TypeError(f"rule did not produce a set of verdicts: {value!r}")
    return [item for item in value if isinstance(item, dict)]


def _rule_meta(note: Annotation, path: Path) -> RuleMeta:
    custom = note.fields.get("custom") or {}
    missing = [key for key in REQUIRED_CUSTOM if key not in custom]
    if missing or "title" not in note.fields:
        absent = ", ".join((["title"] if "title" not in note.fields else []) + missing)
        raise PolicyError(f"METADATA lacks {absent}", source=f"{path}:{note.line}")
    try:
        severity = Severity.parse(custom["severity"])
    except ValueError:
        raise PolicyError(
            f"unknown severity {custom['severity']!r}", source=f"{path}:{note.line}"
        ) from None
    return RuleMeta(
        id=str(custom["id"]),
        title=str(note.fields["title"]),
        severity=severity,
        description=str(note.fields.get("description", "")).strip(),
        rationale=str(custom.get("rationale", "")).strip(),
        remediation=str(custom.get("remediation", "")).strip(),
        seed=str(custom.get("seed", "")),
        inputs=list(custom.get("inputs", ["plan", "live"])),
        reads=list(custom.get("reads", [])),
        frameworks=dict(custom.get("frameworks", {})),
        baseline_paths=list(custom.get("baseline", [])),
        language="rego",
        source_file=str(path),
        source_line=note.line,
        entrypoint=f"data.{note.package}.{note.rule}",
    )
