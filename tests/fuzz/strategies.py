"""Hypothesis strategies shared by the loader fuzz tests: JSON, mutations, encodings, text.

Documents are mutated as Python trees (a node replaced by a value of another type, a key
deleted, odd Unicode planted) and as bytes (cut short, re-encoded). Every strategy shrinks
towards the untouched fixture, so a failure reports the smallest change that breaks a loader.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

Path_ = tuple[str | int, ...]

HUGE_NUMBERS = [10**400, -(10**400), 2**63, -(2**63) - 1, 2**64, 1e308, -1e308, 5e-324]
# Raw JSON number literals Python's encoder never writes but a file may hold.
RAW_NUMBERS = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" + "0" * 5000, "-0", "1E+2"]
ODD_TEXT = [
    "\ud800",  # lone high surrogate: escaped as \ud800 in JSON
    "\udfff",
    "\x00",
    "nul\x00inside",
    "\u202e\u202dreversed",  # RTL override
    "\u200f\u200e",  # RTL / LTR marks
    "\ufeff",  # BOM inside a string
    "\ufeffaws_vpc.main",
    "\u0301\u0301combining",
    "😀\U0010ffff",
    "\x1b[31mred\x1b[0m",
    "line\nbreak\r\n\u2028\u2029",
    "<script>alert(1)</script>",
    "`tick` | pipe",
    "a" * 5000,
    "",
]


def scaled(fraction: float) -> settings:
    """Settings with a fraction of the active profile's ``max_examples`` (at least 5)."""
    return settings(max_examples=max(5, int(settings.default.max_examples * fraction)))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from(HUGE_NUMBERS),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.sampled_from(ODD_TEXT),
    )


def json_values(max_leaves: int = 25) -> st.SearchStrategy[Any]:
    """Any JSON-like value: scalars (odd ones included) nested in lists and objects."""
    return st.recursive(
        scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(st.one_of(st.text(max_size=10), st.sampled_from(ODD_TEXT)), children),
        ),
        max_leaves=max_leaves,
    )


@st.composite
def node_path(draw: st.DrawFn, tree: Any, max_depth: int = 12) -> Path_:
    """A random node's path, found by descending from the root (shrinks towards the root)."""
    path: list[str | int] = []
    node = tree
    while isinstance(node, dict | list) and node and len(path) < max_depth:
        if draw(st.integers(0, 9)) < 2:  # stop here one time in five
            break
        step = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        path.append(step)
        node = node[step]
    return tuple(path)


def _parent(tree: Any, path: Path_) -> Any:
    node = tree
    for step in path[:-1]:
        node = node[step]
    return node


def _replace(tree: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    _parent(tree, path)[path[-1]] = value
    return tree


def _delete(tree: Any, path: Path_, _value: Any) -> Any:
    if path:
        parent = _parent(tree, path)
        del parent[path[-1]]
    return tree


def _plant_text(tree: Any, path: Path_, value: Any) -> Any:
    """Odd text appended to a string, or replacing a key of an object."""
    if not path:
        return tree
    parent = _parent(tree, path)
    node = parent[path[-1]]
    if isinstance(node, str):
        parent[path[-1]] = node + value
    elif isinstance(parent, dict):
        parent[value] = parent.pop(path[-1])
    return tree


def _wrap(tree: Any, path: Path_, value: Any) -> Any:
    """A node wrapped in a list or an object: right content, wrong shape."""
    if not path:
        return [tree]
    parent = _parent(tree, path)
    node = parent[path[-1]]
    parent[path[-1]] = [node] if value else {"value": node}
    return tree


_OPS: dict[str, tuple[Callable[[Any, Path_, Any], Any], st.SearchStrategy[Any]]] = {
    "replace": (_replace, json_values(max_leaves=6)),
    "delete": (_delete, st.none()),
    "text": (_plant_text, st.sampled_from(ODD_TEXT)),
    "wrap": (_wrap, st.booleans()),
}


@st.composite
def mutated(draw: st.DrawFn, documents: dict[str, Any], max_ops: int = 3) -> tuple[str, Any]:
    """(name, a deep copy of one of ``documents`` with 1..max_ops random mutations)."""
    name = draw(st.sampled_from(sorted(documents)))
    tree = copy.deepcopy(documents[name])
    for _ in range(draw(st.integers(1, max_ops))):
        path = draw(node_path(tree))
        op, values = _OPS[draw(st.sampled_from(sorted(_OPS)))]
        tree = op(tree, path, draw(values))
    return name, tree


_RAW = "\u2063raw-literal\u2063"


def with_raw_literal(tree: Any, path: Path_, literal: str) -> str:
    """``tree`` serialized with the node at ``path`` replaced by a raw JSON ``literal``."""
    tree = _replace(copy.deepcopy(tree), path, _RAW)
    return serialize(tree).replace(json.dumps(_RAW), literal)


def serialize(value: Any, *, ascii_only: bool = True, indent: int | None = None) -> str:
    """JSON text as Python writes it (NaN and Infinity included, surrogates escaped)."""
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True, indent=indent)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]


def encode(text: str, encoding: str) -> bytes:
    """Bytes of ``text``; lone surrogates pass through (invalid UTF-8/16, as a broken file)."""
    return text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """``text`` in a random encoding, UTF-8 most often."""
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ENCODINGS))
    return encode(text, encoding)


def depth_offsets(text: str) -> dict[int, list[int]]:
    """Offsets just inside each opening bracket, by the nesting depth reached there."""
    found: dict[int, list[int]] = {}
    depth, in_string, escaped = 0, False, False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            found.setdefault(depth, []).append(offset + 1)
        elif char in "]}":
            depth -= 1
    return found


@st.composite
def truncated(draw: st.DrawFn, text: str, offsets: dict[int, list[int]]) -> str:
    """``text`` cut at a random byte, or just inside a bracket at a random depth."""
    if draw(st.booleans()):
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    depth = draw(st.sampled_from(sorted(offsets)))
    cut = draw(st.sampled_from(offsets[depth]))
    return text[: cut + draw(st.integers(0, 3))]


def nested(depth: int, inner: str = "1", opener: str = "[") -> str:
    """``depth`` levels of arrays or objects around ``inner``."""
    if opener == "[":
        return "[" * depth + inner + "]" * depth
    return '{"a":' * depth + inner + "}" * depth


def walk_strings(value: Any) -> Iterator[str]:
    """Every string (keys included) in a JSON-like tree, without recursion."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
