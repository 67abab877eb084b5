"""Read and write inventory documents, validated against ``schema.json``."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from scanner.errors import InputError
from scanner.inventory.model import SCHEMA_VERSION, Inventory
from scanner.jsonload import check_depth, decode_json

_HINT = "write one with `archscan plan --snapshot-out` or `archscan snapshot`"


@lru_cache(maxsize=1)
def inventory_schema() -> dict[str, Any]:
    """The inventory JSON Schema (draft 2020-12) shipped with the package."""
    text = resources.files("scanner.inventory").joinpath("schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(inventory_schema())


def validate_inventory(document: Any, source: str) -> None:
    """Raise ``InputError`` naming the JSON path and the reason of the first problem."""
    errors = list(_validator().iter_errors(document))
    if not errors:
        return
    error = best_match(errors)
    raise InputError(
        f"invalid inventory at {_json_path(error)}: {_reason(error)}", source=source, hint=_HINT
    )


def load_inventory(path: str | os.PathLike[str]) -> Inventory:
    """Load and validate an inventory file written by ``dump_inventory``."""
    source = str(path)
    document = _read_json(Path(path), source)
    if isinstance(document, dict):
        version = document.get("schema_version")
        if version is not None and version != SCHEMA_VERSION:
            raise InputError(
                f"unsupported inventory schema_version {version!r} "
                f"(this archscan reads {SCHEMA_VERSION})",
                source=source,
                hint="write the inventory again with this archscan",
            )
    validate_inventory(document, source)
    return Inventory.from_dict(document)


def dump_inventory(inventory: Inventory) -> str:
    """The inventory as a JSON document (UTF-8 text, two-space indent, trailing newline)."""
    return json.dumps(inventory.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _read_json(path: Path, source: str) -> Any:
    if path.is_dir():
        raise InputError("is a directory, not an inventory file", source=source, hint=_HINT)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", source=source, hint=_HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if not data.strip():
        raise InputError("file is empty", source=source, hint=_HINT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            source=source,
        ) from None
    del data
    try:
        document, end = decode_json(text, source, _skip_space(text, 0))
        end = _skip_space(text, end)
        if end < len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
        ) from None
    check_depth(document, source)
    return document


def _skip_space(text: str, pos: int) -> int:
    """Offset of the first character at or after ``pos`` that is not JSON whitespace."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _json_path(error: ValidationError) -> str:
    """``$.resources[3].refs.vpc`` for the place an error points at."""
    text = "$"
    for step in error.absolute_path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def _reason(error: ValidationError) -> str:
    message = error.message
    if len(message) > 160:
        message = message[:157] + "..."
    return message.replace("\n", " ")
