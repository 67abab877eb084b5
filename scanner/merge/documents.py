"""Read merge inputs and tell an inventory, a JSON report and a SARIF log apart by content."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from scanner.errors import InputError, UsageError

_HINT = "give inventories (snapshot), JSON reports (--json) or SARIF logs (--sarif) of one kind"


class Kind(StrEnum):
    """What a merge input is."""

    INVENTORY = "inventory"
    REPORT = "report"
    SARIF = "sarif"


@dataclass
class Document:
    """One parsed input and the file it came from."""

    source: str
    kind: Kind
    data: dict[str, Any]


def detect_kind(data: Any) -> Kind | None:
    """The kind of a parsed JSON document, or None when it is none of the three."""
    if not isinstance(data, dict):
        return None
    if "report_version" in data and "findings" in data:
        return Kind.REPORT
    if isinstance(data.get("runs"), list) and str(data.get("version", "")).startswith("2.1"):
        return Kind.SARIF
    if "schema_version" in data and "resources" in data and "source" in data:
        return Kind.INVENTORY
    return None


def load_documents(paths: list[Path], expected: Kind | None = None) -> list[Document]:
    """Parse every input; refuse unknown kinds and a mix of kinds."""
    if not paths:
        raise UsageError("nothing to merge", hint=_HINT)
    documents = [_load(path) for path in paths]
    kinds = {doc.kind for doc in documents}
    if len(kinds) > 1:
        listing = ", ".join(f"{doc.source} is a {doc.kind}" for doc in documents)
        raise UsageError(f"cannot merge different kinds of files: {listing}", hint=_HINT)
    kind = documents[0].kind
    if expected and kind != expected:
        raise InputError(f"is a {kind}, not a {expected}", source=documents[0].source)
    seen: dict[Path, str] = {}
    for path in paths:
        key = path.resolve()
        if key in seen:
            raise UsageError(f"{path} is given twice", hint="each shard's file once")
        seen[key] = str(path)
    return documents


def _load(path: Path) -> Document:
    source = str(path)
    if path.is_dir():
        raise InputError("is a directory, not a file", source=source, hint=_HINT)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", source=source) from None
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8 text", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if not text.strip():
        raise InputError("file is empty", source=source, hint=_HINT)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
        ) from None
    kind = detect_kind(data)
    if kind is None:
        raise InputError(
            "not an archscan inventory, JSON report or SARIF log", source=source, hint=_HINT
        )
    return Document(source, kind, data)
