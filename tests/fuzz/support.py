"""What every fuzz test checks: a loader returns a result or raises ArchscanError, nothing else.

The CLI variant runs ``scanner.cli.main`` in-process and checks what a user would see: exit
0/1/3 with a report, or exit 2 with exactly one ``archscan: error:`` line and no traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from scanner.cli import main
from scanner.errors import ArchscanError

T = TypeVar("T")
VALID_RUN = {0, 1, 3}


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example (hypothesis examples cannot share pytest's tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="archscan-fuzz-") as folder:
        yield Path(folder)


def load_or_error(loader: Callable[[Path], T], path: Path) -> T | ArchscanError:
    """The loader's result, or the ArchscanError it raised; any other exception propagates."""
    try:
        return loader(path)
    except ArchscanError as exc:
        message = str(exc)
        assert message and "\n" not in message.strip(), f"error is not one line: {message!r}"
        assert "Traceback" not in message
        return exc


def strict_json(text: str) -> Any:
    """Parse ``text`` as standard JSON: NaN and Infinity are not JSON and fail here."""

    def refuse(literal: str) -> Any:
        raise AssertionError(f"output holds {literal}, which is not JSON")

    return json.loads(text, parse_constant=refuse)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``archscan ARGS`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as caught,
    ):
        main([str(a) for a in args])
    return int(caught.value.code or 0), out.getvalue(), err.getvalue()


def assert_clean_outcome(code: int, out: str, err: str, input_path: Path) -> None:
    """A valid run, or exit 2 with exactly one error line naming the input and no traceback."""
    assert "Traceback" not in err and "Traceback" not in out
    assert "internal error" not in err, err
    if code in VALID_RUN:
        return
    assert code == 2, (code, err)
    errors = [line for line in err.splitlines() if line.startswith("archscan: error:")]
    assert len(errors) == 1, err
    assert len([line for line in err.splitlines() if not line.startswith("archscan: ")]) == 0, err
    assert str(input_path) in errors[0] or input_path.name in errors[0], err
    assert out == ""
