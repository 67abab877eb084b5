"""Fuzzing the waiver loader: ``load_waivers`` returns a WaiverFile or raises InputError.

Inputs: the example waiver file with mutated values (wrong types, deleted keys, odd
Unicode), its text cut short or with YAML features planted, and random values.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner.errors import ArchscanError
from tests.fuzz.strategies import ODD_TEXT, encoded, json_values, mutated, scaled
from tests.fuzz.support import load_or_error, scratch
from tests.fuzz.test_baseline_fuzz import YAML_SNIPPETS, as_yaml

waivers = pytest.importorskip("scanner.waivers", reason="the waiver loader is not there yet")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "waivers.yaml"
RULES = ["NET-001", "NET-004", "STO-001", "TAG-001"]


@cache
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@cache
def example_documents() -> dict[str, Any]:
    return {"example": yaml.safe_load(example_text())}


def check_waiver_bytes(data: bytes, known_rules: list[str] | None = None) -> None:
    with scratch() as folder:
        path = folder / "waivers.yaml"
        path.write_bytes(data)
        result = load_or_error(lambda p: waivers.load_waivers(p, known_rules), path)
        if isinstance(result, ArchscanError):
            return
        assert all(w.rules for w in result.waivers)


@scaled(0.5)
@given(case=mutated(example_documents()), check_rules=st.booleans())
def test_mutated_example_waivers(case: tuple[str, Any], check_rules: bool) -> None:
    data = as_yaml(case[1]).encode("utf-8", errors="surrogatepass")
    check_waiver_bytes(data, RULES if check_rules else None)


@scaled(0.25)
@given(value=json_values())
def test_random_values(value: Any) -> None:
    check_waiver_bytes(as_yaml(value).encode("utf-8", errors="surrogatepass"))


@scaled(0.25)
@given(data=st.data())
def test_example_text_planted_cut_or_reencoded(data: st.DataObject) -> None:
    lines = example_text().splitlines(keepends=True)
    at = data.draw(st.integers(0, len(lines)))
    indent = " " * data.draw(st.sampled_from([0, 2, 4]))
    lines.insert(at, indent + data.draw(st.sampled_from(YAML_SNIPPETS + ODD_TEXT)) + "\n")
    text = "".join(lines)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    check_waiver_bytes(data.draw(encoded(text)))


def test_unknown_key_with_a_newline_stays_on_one_line() -> None:
    """Found by test_mutated_example_waivers: a key's raw text split the one error line."""
    check_waiver_bytes(b'version: 1\nwaivers: []\n"bad\\nkey": 1\n')
