"""The findings baseline behind ``--new-only``: fingerprints of findings already known.

``archscan baseline-findings create`` records the fingerprint of every finding that is not
a PASS (with its rule, resource and scope, for people reading the file). A later run
given ``--new-only FILE`` marks each finding ``extra["baseline_state"]`` "unchanged" when
its fingerprint is recorded, "new" otherwise; the gate then counts only new findings.
Fingerprints hash rule id, environment, account, region and resource identity, so they
survive re-generated plans, re-ordered resources, unrelated attribute changes and
Terraform versions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from scanner.errors import InputError
from scanner.findings import Finding, Status

KIND = "archscan-findings-baseline"
SCHEMA_VERSION = 1
HINT = "create it with `archscan baseline-findings create`"
NEW = "new"
UNCHANGED = "unchanged"

_ENTRY = {
    "type": "object",
    "required": ["fingerprint", "rule_id", "resource"],
    "properties": {
        "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{1,64}$"},
        "rule_id": {"type": "string"},
        "resource": {"type": "string"},
        "status": {"type": "string"},
        "environment": {"type": ["string", "null"]},
        "account": {"type": ["string", "null"]},
        "region": {"type": ["string", "null"]},
    },
}
FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["kind", "schema_version", "tool_version", "created_at", "findings"],
    "properties": {
        "kind": {"const": KIND},
        "schema_version": {"const": SCHEMA_VERSION},
        "tool_version": {"type": "string"},
        "created_at": {"type": "string"},
        "source": {"type": "array", "items": {"type": "string"}},
        "findings": {"type": "array", "items": _ENTRY},
    },
}


@dataclass(frozen=True)
class FindingsBaseline:
    """A loaded findings baseline: where it came from and the fingerprints it records."""

    path: Path
    fingerprints: frozenset[str]
    tool_version: str
    created_at: str


def entry(finding: Finding) -> dict[str, Any]:
    """One recorded finding: the fingerprint, and what it is for a human reader."""
    original = finding.extra.get("waived_status") if finding.status is Status.WAIVED else None
    return {
        "fingerprint": finding.fingerprint,
        "rule_id": finding.rule_id,
        "resource": finding.address or finding.resource_id,
        "status": original or finding.status.value,
        "environment": finding.environment,
        "account": finding.account,
        "region": finding.region,
    }


def build_document(
    findings: Iterable[Finding], tool_version: str, created_at: str, sources: list[str]
) -> dict[str, Any]:
    """The findings-baseline document: every finding that is not a PASS, once, sorted."""
    unique = {f.fingerprint: entry(f) for f in findings if f.status is not Status.PASS}
    rows = sorted(unique.values(), key=lambda e: (e["rule_id"], e["resource"], e["fingerprint"]))
    return {
        "kind": KIND,
        "schema_version": SCHEMA_VERSION,
        "tool_version": tool_version,
        "created_at": created_at,
        "source": list(sources),
        "findings": rows,
    }


def dump_document(document: dict[str, Any]) -> str:
    """Two-space JSON with a trailing newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_json(path: Path, what: str, hint: str) -> Any:
    """A JSON file's content; InputError naming the file for anything unreadable."""
    source = str(path)
    if not path.is_file():
        reason = f"is a directory, not {what}" if path.is_dir() else "no such file"
        raise InputError(reason, source=source, hint=hint)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte offset {exc.start})", source=source) from None
    if not text.strip():
        raise InputError(f"the file is empty: expected {what}", source=source, hint=hint)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
        ) from None


def load_findings_baseline(path: str | Path) -> FindingsBaseline:
    """Read and validate a findings baseline; InputError (exit 2) says what is wrong."""
    source = Path(path)
    document = read_json(source, "a findings baseline", HINT)
    if not isinstance(document, dict) or document.get("kind") != KIND:
        report = isinstance(document, dict) and "report_version" in document
        raise InputError(
            "a JSON report, not a findings baseline"
            if report
            else f'not a findings baseline (no "kind": "{KIND}")',
            source=str(source),
            hint="archscan baseline-findings create --from-report REPORT -o FILE"
            if report
            else HINT,
        )
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(
            f"unsupported schema_version {version!r} (this archscan reads {SCHEMA_VERSION})",
            source=str(source),
            hint=HINT,
        )
    check_schema(FILE_SCHEMA, document, source, HINT)
    return FindingsBaseline(
        path=source,
        fingerprints=frozenset(item["fingerprint"] for item in document["findings"]),
        tool_version=document["tool_version"],
        created_at=document["created_at"],
    )


def check_schema(schema: dict[str, Any], document: Any, source: Path, hint: str) -> None:
    """InputError with the JSON path and reason of the deepest schema violation, if any."""
    errors = sorted(
        Draft202012Validator(schema).iter_errors(document),
        key=lambda e: (-len(e.absolute_path), e.message),
    )
    if errors:
        first = errors[0]
        where = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in first.absolute_path)
        raise InputError(
            f"${where}: {first.message[:160]}",
            source=str(source),
            hint=hint if first.validator in ("required", "const") else None,
        )


def findings_from_report(path: str | Path) -> list[Finding]:
    """The findings of a JSON report (``--json``), validated by the report schema."""
    from scanner.report.json_report import load_schema

    source = Path(path)
    document = read_json(source, "a JSON report", "write one with `archscan plan ... --json FILE`")
    check_schema(load_schema(), document, source, "the file must be an archscan JSON report")
    findings = []
    for item in document["findings"]:
        finding = Finding.from_dict(item)
        if item.get("waived_status"):
            finding.extra["waived_status"] = item["waived_status"]
        findings.append(finding)
    return findings


def mark_baseline_state(findings: Iterable[Finding], baseline: FindingsBaseline) -> dict[str, Any]:
    """Set ``extra["baseline_state"]`` on every finding; return counts for the reports.

    ``new`` and ``unchanged`` count findings that are not PASS; ``absent`` counts recorded
    fingerprints no such finding has any more (fixed, or no longer evaluated).
    """
    seen: set[str] = set()
    counts = {NEW: 0, UNCHANGED: 0}
    for finding in findings:
        state = UNCHANGED if finding.fingerprint in baseline.fingerprints else NEW
        finding.extra["baseline_state"] = state
        if finding.status is not Status.PASS:
            counts[state] += 1
            seen.add(finding.fingerprint)
    return {
        "file": str(baseline.path),
        "created_at": baseline.created_at,
        "new": counts[NEW],
        "unchanged": counts[UNCHANGED],
        "absent": len(baseline.fingerprints - seen),
    }
