"""Read the two sides of a diff and tell inventories from JSON reports by their content."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from scanner.errors import InputError
from scanner.inventory.io import validate_inventory
from scanner.report.json_report import load_schema

INVENTORY = "inventory"
REPORT = "report"
_HINT = (
    "give two inventories (`archscan snapshot -o`, `plan --snapshot-out`) "
    "or two JSON reports (`--format json`, `--json`)"
)


@dataclass
class DiffInput:
    """One side of a diff: its path, what it is and its validated JSON document."""

    path: str
    kind: str  # INVENTORY or REPORT
    document: dict[str, Any]


def load_input(path: str | os.PathLike[str]) -> DiffInput:
    """Read ``path``, decide whether it is an inventory or a report, and validate it."""
    source = str(path)
    document = _read_json(Path(path), source)
    kind = detect_kind(document)
    if kind is None:
        raise InputError(
            "neither an archscan inventory (schema_version, resources) "
            "nor a JSON report (report_version, findings)",
            source=source,
            hint=_HINT,
        )
    if kind == INVENTORY:
        validate_inventory(document, source)
    else:
        _validate_report(document, source)
    return DiffInput(source, kind, document)


def detect_kind(document: Any) -> str | None:
    """``inventory``, ``report`` or None, from the top-level keys."""
    if not isinstance(document, dict):
        return None
    if "schema_version" in document and "resources" in document:
        return INVENTORY
    if "report_version" in document and "findings" in document:
        return REPORT
    return None


def load_pair(
    old: str | os.PathLike[str], new: str | os.PathLike[str]
) -> tuple[DiffInput, DiffInput]:
    """Both sides, which must be of the same kind."""
    first, second = load_input(old), load_input(new)
    if first.kind != second.kind:
        raise InputError(
            f"is a JSON {second.kind} but {first.path} is a JSON {first.kind}: "
            "both sides of a diff must be of the same kind",
            source=second.path,
            hint=_HINT,
        )
    return first, second


@cache
def _report_validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def _validate_report(document: dict[str, Any], source: str) -> None:
    error = best_match(_report_validator().iter_errors(document))
    if error is not None:
        reason = " ".join(error.message.split())[:160]
        raise InputError(f"invalid JSON report at {error.json_path}: {reason}", source=source)


def _read_json(path: Path, source: str) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", source=source, hint=_HINT) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", source=source, hint=_HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if not raw.strip():
        raise InputError("file is empty", source=source, hint=_HINT)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (offset {exc.start})", source=source) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
        ) from None
