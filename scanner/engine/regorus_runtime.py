"""Import regorus with a clean environment and turn its errors into one-line messages."""

from __future__ import annotations

import os
import re

# regorus appends a Rust stack backtrace to every error message when RUST_BACKTRACE is
# set; unset it before the extension module is loaded and ever consulted.
os.environ.pop("RUST_BACKTRACE", None)

import regorus

from scanner.engine.cidr import EXTENSIONS

_LOCATION = re.compile(r"-->\s*(?P<where>\S+:\d+:\d+)")
_ERROR = re.compile(r"^error:\s*(?P<text>.+)$", re.MULTILINE)


def new_engine() -> regorus.Engine:
    """A regorus engine (Rego v1) with archscan's extensions registered."""
    engine = regorus.Engine()
    for name, (arity, function) in EXTENSIONS.items():
        engine.add_extension(name, arity, function)
    return engine


def one_line(error: BaseException) -> str:
    """``file:line:col: message`` from a regorus error, without source excerpts or backtraces."""
    text = str(error).split("Stack backtrace:")[0].strip()
    where = _LOCATION.search(text)
    what = _ERROR.search(text)
    if where and what:
        return f"{where.group('where')}: {what.group('text').strip()}"
    if what:
        return what.group("text").strip()
    return " ".join(text.split())
