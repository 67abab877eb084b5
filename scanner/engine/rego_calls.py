"""Check at load time that every function a policy calls exists.

regorus reports an unknown function only when the rule that calls it runs, so a typo
in a rarely-firing branch would surface as a runtime error in production. This walks
the parsed AST of every module, resolves each call against user-defined functions
(same package, ``data.`` paths and import aliases) and otherwise probes the engine's
builtins and extensions with a one-line policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from scanner.engine.regorus_runtime import new_engine


@dataclass(frozen=True)
class Call:
    """A function call found in a policy."""

    name: str
    file: str
    line: int
    col: int


def _ref_name(node: Any) -> str | None:
    """Dotted name of a ``Var`` / ``RefDot`` chain, or None for dynamic references."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    kind, body = next(iter(node.items()))
    if kind == "Var":
        return str(body["value"])
    if kind == "RefDot":
        base = _ref_name(body["refr"])
        return f"{base}.{body['field'][1]}" if base else None
    return None


def _walk(node: Any, found: list[dict[str, Any]]) -> None:
    """Collect every ``Call`` node below ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Call" and isinstance(value, dict):
                found.append(value)
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def _module_info(module: dict[str, Any]) -> tuple[str, dict[str, str], set[str]]:
    """(package path, import aliases, names of functions the module defines)."""
    ast = module["ast"]
    package = "data." + (_ref_name(ast["package"]["refr"]) or "")
    aliases: dict[str, str] = {}
    for item in ast.get("imports", []):
        target = _ref_name(item.get("refr"))
        if not target or not target.startswith("data."):
            continue
        alias = item.get("as")  # only a span: the name is read from the source text
        if isinstance(alias, dict):
            alias_name = module["source"]["contents"][alias["start"] : alias["end"]]
        else:
            alias_name = target.rsplit(".", 1)[-1]
        aliases[alias_name] = target
    functions: set[str] = set()
    for rule in ast.get("rules", []):
        spec = rule.get("Spec") if isinstance(rule, dict) else None
        head = spec.get("head", {}) if spec else {}
        if "Func" in head:
            name = _ref_name(head["Func"]["refr"])
            if name:
                functions.add(f"{package}.{name}")
    return package, aliases, functions


def find_unknown_calls(ast_json: str) -> list[Call]:
    """Calls in the loaded modules that resolve to no function, builtin or extension."""
    modules = json.loads(ast_json)
    infos = [_module_info(module) for module in modules]
    defined = set().union(*(functions for _, _, functions in infos)) if infos else set()
    unknown: list[Call] = []
    for module, (package, aliases, _) in zip(modules, infos, strict=True):
        calls: list[dict[str, Any]] = []
        _walk(module["ast"], calls)
        for call in calls:
            name = _ref_name(call.get("fcn"))
            if name is None:
                continue
            span = call.get("span", {})
            if _resolves(name, package, aliases, defined):
                continue
            unknown.append(
                Call(name, module["source"]["file"], span.get("line", 0), span.get("col", 0))
            )
    return unknown


def _resolves(name: str, package: str, aliases: dict[str, str], defined: set[str]) -> bool:
    head, _, rest = name.partition(".")
    if head == "data":
        return name in defined
    if f"{package}.{name}" in defined:
        return True
    if head in aliases and rest:
        return f"{aliases[head]}.{rest}" in defined
    return builtin_exists(name)


@lru_cache(maxsize=1024)
def builtin_exists(name: str) -> bool:
    """True when the engine knows ``name`` as a builtin or registered extension."""
    engine = new_engine()
    engine.add_policy(
        "probe.rego", f"package archscan_probe\nimport rego.v1\np if {{ {name}() }}\n"
    )
    try:
        engine.eval_rule("data.archscan_probe.p")
    except RuntimeError as exc:
        return "could not find function" not in str(exc)
    return True
