"""Strict JSON decoding for input files: standard numbers only, bounded depth, InputError.

Python's decoder accepts ``NaN`` and ``Infinity``, turns ``1e400`` into infinity, keeps
integers of any size (the Rego engine takes 64 bits at most), fails with a bare
``ValueError`` on integers longer than 4300 digits and with ``RecursionError`` on deep
nesting. Input files (plans, inventories) go through here so each of those is one
``InputError`` line, and no value that JSON cannot represent reaches a report.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from scanner.errors import InputError

MAX_DEPTH = 128  # real plans stay under 30 levels; deeper trees would exhaust the stack


class _NotANumber(ValueError):
    """NaN, Infinity or a float out of range."""


def _no_constant(literal: str) -> float:
    raise _NotANumber(f"{literal} is not a JSON number")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        shown = literal if len(literal) <= 40 else literal[:39] + "…"
        raise _NotANumber(f"the number {shown} is out of range")
    return value


INT_RANGE = (-(2**63), 2**64 - 1)  # int64 and uint64: what JSON tools and Rego read exactly


def _bounded_int(literal: str) -> int:
    value = int(literal)
    if len(literal) >= 19 and not INT_RANGE[0] <= value <= INT_RANGE[1]:
        shown = literal if len(literal) <= 40 else literal[:39] + "…"
        raise _NotANumber(f"the integer {shown} is out of range (64 bits at most)")
    return value


_DECODER = json.JSONDecoder(
    parse_constant=_no_constant, parse_float=_finite_float, parse_int=_bounded_int
)


def decode_json(text: str, source: str, start: int = 0) -> tuple[Any, int]:
    """``(value, end)`` of the JSON value at ``start``; ``json.JSONDecodeError`` for syntax.

    Everything else that stops the decoder is an ``InputError`` naming ``source``.
    """
    try:
        return _DECODER.raw_decode(text, start)
    except json.JSONDecodeError:
        raise
    except _NotANumber as exc:
        raise InputError(f"malformed JSON: {exc}", source=source) from None
    except RecursionError:
        raise InputError(_too_deep(), source=source) from None
    except ValueError:  # an integer longer than Python converts (4300 digits by default)
        limit = sys.get_int_max_str_digits()
        raise InputError(
            f"malformed JSON: a number has more than {limit} digits", source=source
        ) from None


def check_depth(document: Any, source: str) -> None:
    """Raise InputError when arrays and objects nest deeper than ``MAX_DEPTH``."""
    if type(document) is not dict and type(document) is not list:
        return
    stack: list[tuple[Any, int]] = [(document, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > MAX_DEPTH:
            raise InputError(_too_deep(), source=source)
        children = node.values() if type(node) is dict else node
        for child in children:
            if type(child) is dict or type(child) is list:
                push((child, depth + 1))


def _too_deep() -> str:
    return f"the JSON is nested too deeply (more than {MAX_DEPTH} levels)"
