"""Index of a plan's ``configuration`` tree: modules, resources, calls, outputs, expressions."""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.addresses import parse_steps

ConfigPath = tuple[str, ...]
Expression = dict[str, Any]

_EXPRESSION_KEYS = frozenset({"references", "constant_value"})
_MAX_DEPTH = 32


def is_expression(node: Any) -> bool:
    """True for an expression object (``references`` and/or ``constant_value``)."""
    return isinstance(node, dict) and bool(node) and node.keys() <= _EXPRESSION_KEYS


class ConfigIndex:
    """Every module of the configuration by path, built in one walk."""

    def __init__(self, configuration: dict[str, Any] | None, variables: dict[str, Any] | None):
        self.present = bool(configuration)
        self.provider_config: dict[str, Any] = dict(
            (configuration or {}).get("provider_config") or {}
        )
        self._modules: dict[ConfigPath, dict[str, Any]] = {}
        self._resources: dict[tuple[ConfigPath, str], dict[str, Any]] = {}
        self._variables = variables or {}
        root = (configuration or {}).get("root_module") or {}
        stack: list[tuple[ConfigPath, dict[str, Any]]] = [((), root)]
        while stack:
            path, module = stack.pop()
            self._modules[path] = module
            for resource in module.get("resources") or []:
                address = resource.get("address")
                if isinstance(address, str):
                    self._resources[(path, address)] = resource
            for name, call in (module.get("module_calls") or {}).items():
                child = call.get("module") if isinstance(call, dict) else None
                if isinstance(child, dict):
                    stack.append(((*path, name), child))

    def module(self, path: ConfigPath) -> dict[str, Any] | None:
        """The module configuration at ``path`` (call names from the root)."""
        return self._modules.get(path)

    def resource(self, path: ConfigPath, mode: str, rtype: str, name: str) -> dict[str, Any] | None:
        """The configuration block of ``type.name`` (``data.type.name``) in module ``path``."""
        key = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
        return self._resources.get((path, key))

    def call(self, path: ConfigPath, name: str) -> dict[str, Any] | None:
        """The ``module "name"`` call inside module ``path``."""
        module = self._modules.get(path)
        calls = (module or {}).get("module_calls") or {}
        call = calls.get(name)
        return call if isinstance(call, dict) else None

    def output(self, path: ConfigPath, name: str) -> Expression | None:
        """The expression of output ``name`` of module ``path``."""
        module = self._modules.get(path)
        output = ((module or {}).get("outputs") or {}).get(name)
        if isinstance(output, dict) and isinstance(output.get("expression"), dict):
            return output["expression"]
        return None

    def variable(self, path: ConfigPath, name: str) -> dict[str, Any] | None:
        """The declaration of variable ``name`` in module ``path``."""
        module = self._modules.get(path)
        declared = ((module or {}).get("variables") or {}).get(name)
        return declared if isinstance(declared, dict) else None

    def root_variable_value(self, name: str) -> tuple[bool, Any]:
        """(found, value) of a root input variable; sensitive variables are never returned."""
        declared = self.variable((), name) or {}
        if declared.get("sensitive"):
            return False, None
        given = self._variables.get(name)
        if isinstance(given, dict) and "value" in given:
            return True, given["value"]
        if "default" in declared:
            return True, declared["default"]
        return False, None

    def constant(self, expr: Any, path: ConfigPath, depth: int = 0) -> tuple[bool, Any]:
        """(found, value) of an expression that is a constant or a chain of ``var.x``.

        Module inputs are followed through the calling module's expressions up to
        root variables; anything else (locals, resources, functions) is not found.
        """
        if depth > _MAX_DEPTH or not is_expression(expr):
            return False, None
        if "constant_value" in expr:
            return True, expr["constant_value"]
        names = {
            steps[1]
            for ref in expr.get("references") or []
            if (steps := parse_steps(ref)) and steps[0] == "var" and len(steps) >= 2
        }
        others = [r for r in expr.get("references") or [] if not r.startswith("var.")]
        if len(names) != 1 or others:
            return False, None
        name = str(next(iter(names)))
        if not path:
            return self.root_variable_value(name)
        call = self.call(path[:-1], path[-1]) or {}
        given = (call.get("expressions") or {}).get(name)
        if given is not None:
            return self.constant(given, path[:-1], depth + 1)
        declared = self.variable(path, name) or {}
        if "default" in declared:
            return True, declared["default"]
        return False, None


def expression_at(expressions: Any, path: tuple[str | int, ...]) -> Expression | None:
    """The expression for an attribute path inside a resource's ``expressions``.

    Nested blocks are lists (or objects) of expressions mirroring the value; when a
    whole block is given as one expression, that coarser expression is returned.
    """
    node = expressions
    for step in path:
        if is_expression(node):
            return node
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int):
            node = node[step] if step < len(node) else None
        else:
            return None
        if node is None:
            return None
    return node if is_expression(node) else None
