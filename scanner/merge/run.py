"""merge_files(): read, check, merge and render, without writing anything."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.errors import ExitCode
from scanner.findings import Severity
from scanner.gate import UnknownMode
from scanner.inventory.io import dump_inventory
from scanner.merge.documents import Kind, load_documents
from scanner.merge.inventories import merge_inventory_documents
from scanner.merge.reports import merge_report_documents
from scanner.merge.sarif import merge_sarif_documents


@dataclass
class MergeOptions:
    """Gate settings for merged reports (inventories carry no verdicts)."""

    kind: Kind | None = None  # refuse inputs of another kind
    fail_on: Severity | None = None  # default: the inputs' own threshold
    unknown: UnknownMode = UnknownMode.FAIL
    soft_fail: bool = False


@dataclass
class MergeResult:
    """The merged document's kind, text and the exit code the merge command returns."""

    kind: Kind
    text: str
    exit_code: int
    inputs: int


def merge_files(paths: list[Path], options: MergeOptions | None = None) -> MergeResult:
    """Merge inventories, JSON reports or SARIF logs of one kind into one document."""
    settings = options or MergeOptions()
    documents = load_documents(paths, settings.kind)
    kind = documents[0].kind
    gate = (settings.fail_on, settings.unknown, settings.soft_fail)
    if kind is Kind.INVENTORY:
        text = dump_inventory(merge_inventory_documents(documents))
        return MergeResult(kind, text, int(ExitCode.CLEAN), len(documents))
    if kind is Kind.REPORT:
        report = merge_report_documents(documents, *gate)
        return MergeResult(kind, _text(report), int(report["summary"]["exit_code"]), len(documents))
    log = merge_sarif_documents(documents, *gate)
    return MergeResult(kind, _text(log), int(ExitCode.CLEAN), len(documents))


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
