"""SARIF 2.1.0 log for GitHub code scanning and other SARIF consumers.

One run. FAIL and WAIVED findings are ``kind: fail`` results with a level from
their severity (WAIVED carries an accepted external suppression). UNKNOWN and
NOT_COLLECTED are ``kind: open`` (the tool lacked the information to decide) and
ERROR is ``kind: review`` (a person must look); SARIF 2.1.0 section 3.27.10
requires ``level: none`` for any kind other than ``fail``, so these carry their
status in the message text instead. PASS findings are not emitted.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.engine.metadata import RuleMeta
from scanner.findings import Finding, Severity, Status
from scanner.inventory.model import CoverageStatus
from scanner.report.context import ReportContext
from scanner.report.escaping import markdown_text, one_line, truncate
from scanner.report.locations import Locator
from scanner.report.summary import (
    coverage_gaps,
    fail_by_severity,
    plain,
    resource_label,
    resource_total,
    sorted_findings,
    waiver_justification,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "archscan"
INFORMATION_URI = "https://pypi.org/project/archscan/"
DESCRIPTION_LIMIT = 1024  # GitHub: short/full description at most 1024 characters
NAME_LIMIT = 255
TAG_LIMIT = 20

SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
KINDS = {
    Status.FAIL: "fail",
    Status.WAIVED: "fail",
    Status.UNKNOWN: "open",
    Status.NOT_COLLECTED: "open",
    Status.ERROR: "review",
}
MESSAGE_PREFIX = {
    Status.UNKNOWN: "UNKNOWN (known only after apply): ",
    Status.NOT_COLLECTED: "NOT_COLLECTED (input data was not collected): ",
    Status.ERROR: "ERROR (the rule failed to evaluate): ",
}
FAMILIES = {
    "ORG": "organization",
    "NET": "network",
    "CMP": "compute",
    "DB": "database",
    "CACHE": "cache",
    "STO": "storage",
    "EDGE": "edge",
    "SEC": "security-services",
    "OBS": "observability",
    "DR": "disaster-recovery",
    "TAG": "tagging",
    "COST": "cost",
}

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")
_NOT_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")


def friendly_name(rule_id: str, title: str) -> str:
    """A PascalCase rule name from its title (SARIF convention), at most 255 characters."""
    words = [word for word in _NOT_NAME.split(title or rule_id) if word]
    name = "".join(word[0].upper() + word[1:] for word in words) or _NOT_NAME.sub("", rule_id)
    return name[:NAME_LIMIT] or "Rule"


def family(rule_id: str) -> str:
    """Control family of a rule id (``NET-001`` -> ``network``)."""
    prefix = rule_id.split("-", 1)[0].upper()
    return FAMILIES.get(prefix, _NOT_SEGMENT.sub("-", prefix.lower()) or "other")


def rule_tags(rule: RuleMeta) -> list[str]:
    """``security``, the control family, then the compliance frameworks (at most 20)."""
    tags = ["security", family(rule.id)]
    for framework in sorted(rule.frameworks, key=str):
        tag = _NOT_SEGMENT.sub("-", str(framework)).strip("-").lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:TAG_LIMIT]


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each collapsed to one line."""
    return [one_line(part) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def rule_help(rule: RuleMeta) -> dict[str, str]:
    """``help.text`` and ``help.markdown``: rationale, remediation and seed section."""
    sections = [
        ("Rationale", rule.rationale or rule.description),
        ("Remediation", rule.remediation),
        ("Reference architecture section", rule.seed),
    ]
    text = [one_line(rule.title or rule.id)]
    markdown = [f"**{markdown_text(rule.title or rule.id)}**"]
    for label, body in sections:
        parts = paragraphs(body)
        if parts:
            text.append(f"{label}: " + "\n".join(parts))
            markdown.append(f"**{label}.** " + "\n\n".join(markdown_text(p) for p in parts))
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def rule_descriptor(rule: RuleMeta) -> dict[str, Any]:
    """A reportingDescriptor with everything GitHub requires or displays."""
    title = one_line(rule.title) or rule.id
    full = one_line(rule.description or rule.rationale or rule.title) or rule.id
    properties: dict[str, Any] = {"tags": rule_tags(rule)}
    if rule.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": friendly_name(rule.id, rule.title),
        "shortDescription": {"text": truncate(title, DESCRIPTION_LIMIT)},
        "fullDescription": {"text": truncate(full, DESCRIPTION_LIMIT)},
        "help": rule_help(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }
    return descriptor


def catalogue(ctx: ReportContext) -> list[RuleMeta]:
    """Rules of the run sorted by id; a rule known only from a finding gets minimal metadata."""
    rules = dict(ctx.rules)
    for finding in ctx.findings:
        if finding.rule_id not in rules:
            rules[finding.rule_id] = RuleMeta(
                id=finding.rule_id,
                title=finding.title,
                severity=finding.severity,
                remediation=finding.remediation or "",
            )
    return [rules[rule_id] for rule_id in sorted(rules)]


def result_message(finding: Finding) -> str:
    """Result text: the finding's message, prefixed by the status when it is not a failure."""
    text = one_line(finding.message or finding.title or finding.rule_id)
    return MESSAGE_PREFIX.get(finding.status, "") + text


def result_properties(finding: Finding) -> dict[str, Any]:
    """Scope and evidence of a finding, for consumers that read property bags."""
    properties: dict[str, Any] = {
        "status": finding.status.value,
        "severity": finding.severity.value,
    }
    scope = {
        "environment": finding.environment,
        "account": finding.account,
        "region": finding.region,
        "resourceId": finding.resource_id,
        "resourceType": finding.resource_type,
    }
    properties.update({key: value for key, value in scope.items() if value})
    if finding.expected is not None:
        properties["expected"] = plain(finding.expected)
    if finding.actual is not None:
        properties["actual"] = plain(finding.actual)
    properties["fingerprint"] = finding.fingerprint
    return properties


def build_result(
    finding: Finding, rule_index: int, locator: Locator, occurrence: int
) -> dict[str, Any]:
    """One SARIF result with exactly one location."""
    kind = KINDS[finding.status]
    uri, span = locator.locate(finding)
    label = resource_label(finding)
    logical = {"name": label, "fullyQualifiedName": finding.resource_id, "kind": "resource"}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": LEVELS[finding.severity] if kind == "fail" else "none",
        "message": {"text": result_message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": span.to_region(),
                },
                "logicalLocations": [logical],
            }
        ],
        # Derived from the stable fingerprint only, never from the line, so an alert
        # survives a regenerated plan; the counter separates same-identity duplicates.
        "partialFingerprints": {"primaryLocationLineHash": f"{finding.fingerprint}:{occurrence}"},
        "properties": result_properties(finding),
    }
    if finding.status is Status.WAIVED:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": one_line(waiver_justification(finding)),
            }
        ]
    return result


def utc_timestamp(value: str) -> str | None:
    """An ISO 8601 time as SARIF wants it (UTC, ``Z``), or None when absent or unparsable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def notifications(ctx: ReportContext, rule_index: dict[str, int]) -> list[dict[str, Any]]:
    """Warnings, collection gaps and broken rules as tool execution notifications."""
    items: list[dict[str, Any]] = [
        {"level": "warning", "message": {"text": one_line(warning) or "warning"}}
        for warning in ctx.warnings
    ]
    for entry in coverage_gaps(ctx):
        detail = f": {one_line(entry.message)}" if entry.message else ""
        text = (
            f"{entry.service} not collected in account {entry.account}, region {entry.region} "
            f"({CoverageStatus(entry.status).value}){detail}"
        )
        items.append({"level": "warning", "message": {"text": text}})
    for finding in sorted_findings(f for f in ctx.findings if f.status is Status.ERROR):
        text = f"Rule {finding.rule_id} failed on {resource_label(finding)}: "
        items.append(
            {
                "level": "error",
                "message": {"text": text + one_line(finding.message or "no message")},
                "associatedRule": {"id": finding.rule_id, "index": rule_index[finding.rule_id]},
            }
        )
    return items


def invocation(ctx: ReportContext, rule_index: dict[str, int], base_dir: Path) -> dict[str, Any]:
    """invocations[0]: success flag, exit code, working directory, times, notifications."""
    record: dict[str, Any] = {
        "executionSuccessful": not any(f.status is Status.ERROR for f in ctx.findings),
        "exitCode": ctx.exit_code,
        "workingDirectory": {"uri": base_dir.resolve().as_uri().rstrip("/") + "/"},
    }
    for key, value in (("startTimeUtc", ctx.started_at), ("endTimeUtc", ctx.finished_at)):
        stamp = utc_timestamp(value)
        if stamp:
            record[key] = stamp
    notes = notifications(ctx, rule_index)
    if notes:
        record["toolExecutionNotifications"] = notes
    return record


def automation_id(ctx: ReportContext) -> str:
    """``archscan/<source_kind>/<environment or all>/``: the GitHub category ends in ``/``."""
    environments = {finding.environment for finding in ctx.findings}
    only = ctx.environment or (environments.pop() if len(environments) == 1 else None)
    scope = _NOT_SEGMENT.sub("-", only) if only else "all"
    kind = _NOT_SEGMENT.sub("-", ctx.source_kind) or "unknown"
    return f"{TOOL_NAME}/{kind}/{scope}/"


def driver(ctx: ReportContext, rules: list[RuleMeta]) -> dict[str, Any]:
    """tool.driver: name, versions, information URI and the rule catalogue."""
    version = ctx.tool_version or __version__
    component: dict[str, Any] = {"name": TOOL_NAME, "version": version}
    if _SEMVER.match(version):
        component["semanticVersion"] = version
    component["informationUri"] = INFORMATION_URI
    component["rules"] = [rule_descriptor(rule) for rule in rules]
    return component


def build(ctx: ReportContext, base_dir: Path) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules = catalogue(ctx)
    rule_index = {rule.id: position for position, rule in enumerate(rules)}
    locator = Locator(ctx, base_dir)
    seen: dict[str, int] = {}
    results = []
    for finding in sorted_findings(ctx.findings):
        if finding.status is Status.PASS:
            continue
        seen[finding.fingerprint] = seen.get(finding.fingerprint, 0) + 1
        results.append(
            build_result(finding, rule_index[finding.rule_id], locator, seen[finding.fingerprint])
        )
    run = {
        "tool": {"driver": driver(ctx, rules)},
        "automationDetails": {"id": automation_id(ctx)},
        "invocations": [invocation(ctx, rule_index, base_dir)],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "archscan": {
                "sourceKind": ctx.source_kind,
                "baseline": {"path": ctx.baseline_path, "digest": ctx.baseline_digest},
                "resources": resource_total(ctx),
                "byStatus": ctx.counts(),
                "failBySeverity": fail_by_severity(ctx.findings),
                "failOn": Severity.parse(ctx.fail_on).value,
                "exitCode": ctx.exit_code,
            }
        },
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(ctx: ReportContext, *, base_dir: str | os.PathLike[str] | None = None) -> str:
    """The SARIF log text; URIs are made relative to ``base_dir`` (default: the cwd)."""
    root = Path(base_dir) if base_dir is not None else Path.cwd()
    return json.dumps(build(ctx, root), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
