"""The shape of a plan that the collector walks: containers of the right type, not too deep.

Terraform's JSON output format fixes which parts of a plan are objects, arrays and
strings. The collector relies on those parts (it iterates ``resource_changes``, reads
``change.actions``, follows ``configuration`` module calls), so a document that breaks
them is refused here with the JSON path of the first problem, before anything walks it.
Values inside resources (``after``, ``values``) are free-form: mappers check what they read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from scanner.errors import InputError
from scanner.messages import printable


@dataclass(frozen=True)
class Shape:
    """Accepted types of a node (null is always accepted), and shapes of its children.

    ``fields`` names the known keys of an object; ``each`` is the shape of every item of an
    array or every value of an object used as a map; ``expressions`` marks a subtree of
    configuration expressions, where every ``references`` must be a list of strings.
    """

    kinds: tuple[type, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    each: str | None = None
    expressions: bool = False
    required: tuple[str, ...] = ()  # keys that must hold a non-empty value


_NAMES = {dict: "an object", list: "an array", str: "a string", int: "an integer"}

# Fields that name a resource instance, in resource_changes and planned_values alike.
_IDENTITY = {
    "address": "text",
    "module_address": "text",
    "mode": "text",
    "type": "text",
    "name": "text",
    "index": "key",
    "provider_name": "text",
}

SHAPES: dict[str, Shape] = {
    "any": Shape(),
    "text": Shape((str,)),
    "key": Shape((str, int)),
    "object": Shape((dict,)),
    "texts": Shape((list,), each="text"),
    "expressions": Shape((dict, list), expressions=True),
    "expression": Shape((dict,), fields={"references": "texts"}),
    "plan": Shape(
        (dict,),
        fields={
            "terraform_version": "text",
            "variables": "variables",
            "planned_values": "values",
            "resource_changes": "changes",
            "prior_state": "state",
            "configuration": "configuration",
        },
    ),
    "variables": Shape((dict,), each="object"),
    "state": Shape((dict,), fields={"values": "values"}),
    "values": Shape((dict,), fields={"root_module": "module", "outputs": "object"}),
    "module": Shape(
        (dict,),
        fields={"address": "text", "resources": "resources", "child_modules": "modules"},
    ),
    "modules": Shape((list,), each="module"),
    "resources": Shape((list,), each="resource"),
    "resource": Shape((dict,), fields={**_IDENTITY, "values": "object"}),
    "changes": Shape((list,), each="change"),
    "change": Shape((dict,), fields={**_IDENTITY, "change": "detail"}, required=("address",)),
    "detail": Shape((dict,), fields={"actions": "texts"}),
    "configuration": Shape(
        (dict,), fields={"provider_config": "providers", "root_module": "config_module"}
    ),
    "providers": Shape((dict,), each="provider"),
    "provider": Shape(
        (dict,),
        fields={
            "name": "text",
            "full_name": "text",
            "alias": "text",
            "module_address": "text",
            "expressions": "expressions",
        },
    ),
    "config_module": Shape(
        (dict,),
        fields={
            "resources": "config_resources",
            "module_calls": "calls",
            "outputs": "outputs",
            "variables": "variables",
        },
    ),
    "config_resources": Shape((list,), each="config_resource"),
    "config_resource": Shape(
        (dict,),
        fields={
            "address": "text",
            "mode": "text",
            "type": "text",
            "name": "text",
            "provider_config_key": "text",
            "expressions": "expressions",
            "count_expression": "expression",
            "for_each_expression": "expression",
        },
    ),
    "calls": Shape((dict,), each="call"),
    "call": Shape(
        (dict,),
        fields={
            "source": "text",
            "expressions": "expressions",
            "module": "config_module",
            "count_expression": "expression",
            "for_each_expression": "expression",
        },
    ),
    "outputs": Shape((dict,), each="output"),
    "output": Shape((dict,), fields={"expression": "expression"}),
}


def check_plan_shape(plan: dict[str, Any], source: str) -> None:
    """Raise InputError naming the first node whose type breaks the plan format."""
    stack: list[tuple[Any, str, str]] = [(plan, "plan", "")]
    while stack:
        node, name, path = stack.pop()
        shape = SHAPES[name]
        if node is None or not shape.kinds:
            continue
        if not isinstance(node, shape.kinds) or isinstance(node, bool):
            _refuse(source, path, f"expected {_kinds(shape)}, found {_kind(node)}")
        if shape.expressions:
            _check_references(node, source, path)
        elif isinstance(node, dict):
            for key in shape.required:
                if node.get(key) in (None, "", [], {}):
                    _refuse(source, path, f"`{key}` is missing or empty")
            for key, child_name in shape.fields.items():
                if key in node:
                    stack.append((node[key], child_name, _join(path, key)))
            if shape.each:
                stack.extend((v, shape.each, _join(path, str(k))) for k, v in node.items())
        elif isinstance(node, list) and shape.each:
            stack.extend((v, shape.each, f"{path}[{i}]") for i, v in enumerate(node))


def _check_references(root: Any, source: str, path: str) -> None:
    """Inside expressions, every ``references`` is a list of strings."""
    stack: list[tuple[Any, str]] = [(root, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            references = node.get("references")
            valid = isinstance(references, list) and all(isinstance(r, str) for r in references)
            if references is not None and not valid:
                _refuse(source, _join(where, "references"), "expected an array of strings")
            # constant values are data: a tag may well be called "references"
            skip = ("references", "constant_value")
            stack.extend((v, _join(where, str(k))) for k, v in node.items() if k not in skip)
        elif isinstance(node, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(node))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kinds(shape: Shape) -> str:
    return " or ".join(_NAMES.get(kind, kind.__name__) for kind in shape.kinds)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return _NAMES.get(type(value), type(value).__name__)


def _refuse(source: str, path: str, reason: str) -> NoReturn:
    raise InputError(
        f"not a Terraform JSON plan: `{printable(path or '<top level>')}`: {reason}",
        source=source,
        hint="give archscan the output of `terraform show -json`",
    )
