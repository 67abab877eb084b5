"""Fuzzing the baseline loader: ``load_baseline`` returns a Baseline or raises BaselineError.

Inputs: random values written as YAML or JSON, the bundled baseline with mutated values,
its text cut short or with YAML features planted at a line start (tags, anchors, aliases,
merge keys, directives, tabs, NUL, byte order marks), and other encodings.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner.baseline import load_baseline
from scanner.baseline.loader import parse_baseline
from scanner.errors import ArchscanError
from scanner.paths import default_baseline
from tests.fuzz.strategies import (
    ODD_TEXT,
    encoded,
    json_values,
    mutated,
    scaled,
    serialize,
)
from tests.fuzz.support import load_or_error, scratch

YAML_SNIPPETS = [
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!timestamp 2024-01-01",
    "&anchor [1, 2]",
    "*anchor",
    "*undefined_alias",
    "<<: {a: 1}",
    "<<: 5",
    "? [complex, key]\n: value",
    "---\nsecond: document",
    "%YAML 1.2\n---",
    "\t- tab",
    "\x00",
    "\ufeff",
    "key: " + "9" * 5000,
    "key: .nan",
    "key: -.inf",
    "key: 0x_1F",
    "key: 1_000",
    "key: 2024-02-30",
    'key: "\\ud800"',
    "key: |\n  block",
    "key: >-\n folded",
    "- item",
    "{flow: [mapping",
    "]",
    "key: value # comment",
    "'quoted key': 1",
    "1: integer key",
    "null: null key",
]


@cache
def reference_text() -> str:
    return default_baseline().read_text(encoding="utf-8")


@cache
def reference_documents() -> dict[str, Any]:
    return {"reference": parse_baseline(default_baseline()).data}


def check_baseline_bytes(data: bytes) -> None:
    with scratch() as folder:
        path = folder / "baseline.yaml"
        path.write_bytes(data)
        result = load_or_error(load_baseline, path)
        if isinstance(result, ArchscanError):
            return
        assert isinstance(result.data, dict)


def as_yaml(value: Any) -> str:
    """YAML as PyYAML writes it, falling back to JSON (which YAML reads too)."""
    try:
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeError, ValueError):
        return serialize(value)


@scaled(0.25)
@given(value=json_values())
def test_random_values(value: Any) -> None:
    check_baseline_bytes(as_yaml(value).encode("utf-8", errors="surrogatepass"))


@scaled(0.1)
@given(case=mutated(reference_documents()))
def test_mutated_reference_baseline(case: tuple[str, Any]) -> None:
    check_baseline_bytes(as_yaml(case[1]).encode("utf-8", errors="surrogatepass"))


@scaled(0.5)
@given(data=st.data())
def test_reference_text_with_planted_yaml(data: st.DataObject) -> None:
    lines = reference_text().splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines)))
        indent = " " * data.draw(st.sampled_from([0, 2, 4, 6]))
        snippet = data.draw(st.sampled_from(YAML_SNIPPETS + ODD_TEXT))
        lines.insert(at, indent + snippet + "\n")
    check_baseline_bytes("".join(lines).encode("utf-8", errors="surrogatepass"))


@scaled(0.25)
@given(data=st.data())
def test_reference_text_cut_short_or_reencoded(data: st.DataObject) -> None:
    text = reference_text()
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    check_baseline_bytes(data.draw(encoded(text)))


def test_alias_bomb_is_refused_quickly() -> None:
    """Nine aliases of nine aliases, eight times over: 43 million values if expanded."""
    lines = ["x0: &x0 [a, a, a, a, a, a, a, a, a]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = reference_text() + "\n".join(lines) + "\n"
    with scratch() as folder:
        path = folder / "bomb.yaml"
        path.write_text(text, encoding="utf-8")
        result = load_or_error(load_baseline, path)
    assert isinstance(result, ArchscanError)
    assert "aliases expand to more than" in str(result)
