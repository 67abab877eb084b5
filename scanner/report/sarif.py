"""SARIF 2.1.0 log for GitHub code scanning and other SARIF consumers.

One run per environment, each under its own GitHub category
(``automationDetails.id`` = ``archscan/<plan|live>/<environment>/``); GitHub accepts
several runs in one file when their categories differ (docs/sarif.md). FAIL and
WAIVED findings are ``kind: fail`` results with a level from their severity (WAIVED
carries an accepted external suppression naming the waiver). UNKNOWN and
NOT_COLLECTED are ``kind: open`` (the tool lacked the information to decide) and
ERROR is ``kind: review`` (a person must look); SARIF 2.1.0 section 3.27.10
requires ``level: none`` for any kind other than ``fail``, so these carry their
status in the message text instead. PASS findings are not emitted. A run above
GitHub's 25,000 results folds its largest (rule, status) groups into one result each,
with a warning notification. Locations: see locations.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.engine.metadata import RuleMeta
from scanner.errors import UsageError
from scanner.findings import Finding, Severity, Status, count_by_status
from scanner.inventory.model import CoverageStatus
from scanner.report.context import ReportContext
from scanner.report.escaping import markdown_text, one_line, truncate
from scanner.report.locations import Locator, Place
from scanner.report.summary import (
    coverage_gaps,
    fail_by_severity,
    group_by_environment,
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
MAX_RESULTS = 25_000  # GitHub: results per run (more rejects the upload)
MAX_RUNS = 20  # GitHub: runs per file
MAX_RULES = 25_000  # GitHub: rules per run
SAMPLE_SIZE = 20  # resource ids listed in an aggregated result's properties
SRCROOT = "%SRCROOT%"
UNRESOLVED_SCOPE = "unresolved"
WAIVER_DETAILS = ("owner", "ticket", "expires")
BASELINE_STATES = frozenset({"new", "unchanged", "updated", "absent"})

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
    """Control family of a rule id: ``NET-001`` -> ``network``, ``CKV_AWS_1`` -> ``checkov``."""
    if rule_id.upper().startswith("CKV"):
        return "checkov"
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


def physical_location(place: Place) -> dict[str, Any]:
    """artifactLocation (relative URIs against ``%SRCROOT%``, the base folder) and region."""
    artifact: dict[str, Any] = {"uri": place.uri}
    if place.relative:
        artifact["uriBaseId"] = SRCROOT
    return {"artifactLocation": artifact, "region": place.span.to_region()}


def locations(finding: Finding, locator: Locator) -> dict[str, Any]:
    """``locations`` (exactly one: GitHub uses only the first) and ``relatedLocations``."""
    primary, related = locator.locate(finding)
    label = resource_label(finding)
    logical = {"name": label, "fullyQualifiedName": finding.resource_id, "kind": "resource"}
    first = {"physicalLocation": physical_location(primary), "logicalLocations": [logical]}
    placed: dict[str, Any] = {"locations": [first]}
    if related:
        placed["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": physical_location(place),
                "message": {"text": place.description or "related"},
            }
            for number, place in enumerate(related, 1)
        ]
    return placed


def waiver_text(finding: Finding) -> str:
    """``<reason> (owner X, ticket Y, expires Z)`` from the waiver the finding carries."""
    waiver = finding.extra.get("waiver")
    if not isinstance(waiver, dict):
        return one_line(waiver_justification(finding))
    reason = one_line(str(waiver.get("reason") or waiver.get("justification") or "")) or "waived"
    details = [f"{key} {one_line(str(waiver[key]))}" for key in WAIVER_DETAILS if waiver.get(key)]
    return f"{reason} ({', '.join(details)})" if details else reason


def suppression(finding: Finding) -> dict[str, Any]:
    """An accepted external suppression: the waiver file, not the scanned code, decided it."""
    record: dict[str, Any] = {
        "kind": "external",
        "status": "accepted",
        "justification": waiver_text(finding),
    }
    waiver = finding.extra.get("waiver")
    if isinstance(waiver, dict):
        bag = {
            name: one_line(str(waiver[key]))
            for key, name in (("id", "waiverId"), *((k, k) for k in WAIVER_DETAILS))
            if waiver.get(key)
        }
        if bag:
            record["properties"] = bag
    return record


def build_result(
    finding: Finding, rule_index: int, locator: Locator, occurrence: int
) -> dict[str, Any]:
    """One SARIF result with exactly one location."""
    kind = KINDS[finding.status]
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": LEVELS[finding.severity] if kind == "fail" else "none",
        "message": {"text": result_message(finding)},
        **locations(finding, locator),
        # Derived from the stable fingerprint only, never from the line, so an alert
        # survives a regenerated plan; the counter separates same-identity duplicates.
        "partialFingerprints": {"primaryLocationLineHash": f"{finding.fingerprint}:{occurrence}"},
        "properties": result_properties(finding),
    }
    state = finding.extra.get("baseline_state")
    if state in BASELINE_STATES:
        result["baselineState"] = state
    if finding.status is Status.WAIVED:
        result["suppressions"] = [suppression(finding)]
    return result


# --- aggregation above GitHub's result limit -------------------------------------------

Group = tuple[str, Status]


def groups_to_aggregate(findings: list[Finding], limit: int) -> set[Group]:
    """(rule, status) groups folded into one result each until the run fits ``limit``.

    The largest groups go first (ties by rule id and status), so as many findings as
    possible keep their own result and the choice is the same on every run.
    """
    sizes = Counter((f.rule_id, f.status) for f in findings)
    total = sum(sizes.values())
    chosen: set[Group] = set()
    order = sorted(sizes.items(), key=lambda item: (-item[1], item[0][0], item[0][1].value))
    for group, size in order:
        if total <= limit:
            break
        if size > 1:
            chosen.add(group)
            total -= size - 1
    return chosen


def aggregate_result(
    group: list[Finding], scope: str, rule_index: int, locator: Locator
) -> dict[str, Any]:
    """One result standing for every finding of one rule and status in a run."""
    first = group[0]
    kind = KINDS[first.status]
    identity = "\x1f".join(("aggregate", first.rule_id, scope, first.status.value))
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    text = (
        f"{len(group):,} {first.status.value} results of {first.rule_id} aggregated into one "
        f"(GitHub accepts at most {MAX_RESULTS:,} results per run; the JSON report lists each). "
        f"First: {result_message(first)}"
    )
    properties: dict[str, Any] = {
        "status": first.status.value,
        "severity": first.severity.value,
        "aggregated": True,
        "count": len(group),
        "resourceIds": [f.resource_id for f in group[:SAMPLE_SIZE]],
    }
    result: dict[str, Any] = {
        "ruleId": first.rule_id,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": LEVELS[first.severity] if kind == "fail" else "none",
        "message": {"text": text},
        **locations(first, locator),
        "partialFingerprints": {"primaryLocationLineHash": f"{digest}:1"},
        "properties": properties,
    }
    if first.status is Status.WAIVED:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{len(group):,} waived findings (see the JSON report)",
            }
        ]
    return result


def run_results(
    findings: list[Finding],
    scope: str,
    rule_index: dict[str, int],
    locator: Locator,
    limit: int,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Results of one run in report order, aggregated when above ``limit``; and what was."""
    reported = [f for f in sorted_findings(findings) if f.status is not Status.PASS]
    folded = groups_to_aggregate(reported, limit)
    members: dict[Group, list[Finding]] = {}
    seen: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for finding in reported:
        group = (finding.rule_id, finding.status)
        if group in folded:
            if group not in members:
                members[group] = []
                results.append({"__group__": group})  # placeholder keeps report order
            members[group].append(finding)
            continue
        seen[finding.fingerprint] = seen.get(finding.fingerprint, 0) + 1
        results.append(
            build_result(finding, rule_index[finding.rule_id], locator, seen[finding.fingerprint])
        )
    for position, result in enumerate(results):
        if "__group__" in result:
            group = result["__group__"]
            results[position] = aggregate_result(
                members[group], scope, rule_index[group[0]], locator
            )
    counts = {f"{rule} {status.value}": len(members[(rule, status)]) for rule, status in members}
    return results, dict(sorted(counts.items()))


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


def waiver_notes(ctx: ReportContext) -> list[dict[str, Any]]:
    """Expired and stale waivers (``ctx.extra["waivers"]``) as warnings."""
    waivers = ctx.extra.get("waivers")
    if not isinstance(waivers, dict):
        return []
    notes = []
    for state, meaning in (
        ("expired", "expired: its findings count again"),
        ("stale", "stale: it matches no finding"),
    ):
        for waiver in waivers.get(state) or []:
            if isinstance(waiver, dict):
                name = one_line(str(waiver.get("id") or waiver.get("rule") or "?"))
                details = [
                    f"{key} {one_line(str(waiver[key]))}"
                    for key in WAIVER_DETAILS
                    if waiver.get(key)
                ]
                rules = ", ".join(str(rule) for rule in waiver.get("rules") or [])
                if rules:
                    details.insert(0, f"rules {one_line(rules)}")
                label = f"{name} ({', '.join(details)})" if details else name
            else:
                label = one_line(str(waiver))
            text = f"Waiver {label} is {meaning}"
            notes.append({"level": "warning", "message": {"text": text}})
    return notes


def notifications(
    ctx: ReportContext, findings: list[Finding], rule_index: dict[str, int]
) -> list[dict[str, Any]]:
    """Warnings, collection gaps, waivers and this run's broken rules as notifications."""
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
    items += waiver_notes(ctx)
    for finding in sorted_findings(f for f in findings if f.status is Status.ERROR):
        text = f"Rule {finding.rule_id} failed on {resource_label(finding)}: "
        items.append(
            {
                "level": "error",
                "message": {"text": text + one_line(finding.message or "no message")},
                "associatedRule": {"id": finding.rule_id, "index": rule_index[finding.rule_id]},
            }
        )
    return items


def aggregation_notes(aggregated: dict[str, int]) -> list[dict[str, Any]]:
    """One warning per (rule, status) folded into a single result."""
    return [
        {
            "level": "warning",
            "message": {
                "text": f"{count:,} {group} results aggregated into one: the run would exceed "
                f"GitHub's limit of {MAX_RESULTS:,} results per run"
            },
        }
        for group, count in aggregated.items()
    ]


def invocation(ctx: ReportContext, notes: list[dict[str, Any]], base_dir: Path) -> dict[str, Any]:
    """invocations[0]: success flag, exit code, working directory, times, notifications."""
    record: dict[str, Any] = {
        "executionSuccessful": not any(f.status is Status.ERROR for f in ctx.findings),
        "exitCode": ctx.exit_code,
        "workingDirectory": {"uri": folder_uri(base_dir)},
    }
    for key, value in (("startTimeUtc", ctx.started_at), ("endTimeUtc", ctx.finished_at)):
        stamp = utc_timestamp(value)
        if stamp:
            record[key] = stamp
    if notes:
        record["toolExecutionNotifications"] = notes
    return record


def folder_uri(folder: Path) -> str:
    """Absolute ``file:`` URI of a folder, ending in ``/`` (SARIF 3.14.14)."""
    return folder.resolve().as_uri().rstrip("/") + "/"


def scope_name(environment: str | None) -> str:
    """The environment part of a category: its name made safe, ``unresolved`` for None."""
    if environment is None:
        return UNRESOLVED_SCOPE
    return _NOT_SEGMENT.sub("-", environment) or UNRESOLVED_SCOPE


def automation_id(source_kind: str, scope: str) -> str:
    """``archscan/<source_kind>/<scope>/``: the GitHub category ends in ``/``."""
    kind = _NOT_SEGMENT.sub("-", source_kind) or "unknown"
    return f"{TOOL_NAME}/{kind}/{scope}/"


def environment_runs(ctx: ReportContext) -> list[tuple[str, list[Finding]]]:
    """(scope, findings) per run: one per environment the scan judged, PASS included.

    An environment with only PASS findings still gets an (empty) run, so its upload
    closes the alerts it fixed. A scan without findings is one run, ``--env`` or ``all``.
    """
    groups = group_by_environment(ctx.findings)
    if ctx.environment and not any(env == ctx.environment for env, _ in groups):
        groups.append((ctx.environment, []))
    if not groups:
        return [(scope_name(ctx.environment) if ctx.environment else "all", [])]
    scoped = [(scope_name(env), findings) for env, findings in groups]
    merged: dict[str, list[Finding]] = {}
    for scope, findings in scoped:  # "a b" and "a-b" share a category: one run
        merged.setdefault(scope, []).extend(findings)
    return sorted(merged.items())


def categories(ctx: ReportContext) -> list[str]:
    """The GitHub categories (automationDetails ids) a SARIF log of ``ctx`` uploads."""
    return [automation_id(ctx.source_kind, scope) for scope, _ in environment_runs(ctx)]


def driver(ctx: ReportContext, rules: list[RuleMeta]) -> dict[str, Any]:
    """tool.driver: name, versions, information URI and the rule catalogue."""
    version = ctx.tool_version or __version__
    component: dict[str, Any] = {"name": TOOL_NAME, "version": version}
    if _SEMVER.match(version):
        component["semanticVersion"] = version
    component["informationUri"] = INFORMATION_URI
    component["rules"] = [rule_descriptor(rule) for rule in rules]
    return component


def build_run(
    ctx: ReportContext,
    scope: str,
    findings: list[Finding],
    rules: list[RuleMeta],
    locator: Locator,
    base_dir: Path,
    limit: int,
) -> dict[str, Any]:
    """One run: the findings of one environment under its own category."""
    rule_index = {rule.id: position for position, rule in enumerate(rules)}
    results, aggregated = run_results(findings, scope, rule_index, locator, limit)
    notes = notifications(ctx, findings, rule_index) + aggregation_notes(aggregated)
    summary: dict[str, Any] = {
        "sourceKind": ctx.source_kind,
        "environment": scope,
        "baseline": {"path": ctx.baseline_path, "digest": ctx.baseline_digest},
        "resources": resource_total(ctx),
        "byStatus": count_by_status(findings),
        "failBySeverity": fail_by_severity(findings),
        "failOn": Severity.parse(ctx.fail_on).value,
        "exitCode": ctx.exit_code,
    }
    if aggregated:
        summary["aggregated"] = aggregated
    return {
        "tool": {"driver": driver(ctx, rules)},
        "automationDetails": {"id": automation_id(ctx.source_kind, scope)},
        "invocations": [invocation(ctx, notes, base_dir)],
        "originalUriBaseIds": {SRCROOT: {"uri": folder_uri(base_dir)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"archscan": summary},
    }


def build(
    ctx: ReportContext,
    base_dir: Path,
    tf_dir: str | os.PathLike[str] | None = None,
    limit: int = MAX_RESULTS,
) -> dict[str, Any]:
    """The SARIF log as plain data: one run per environment."""
    rules = catalogue(ctx)
    if len(rules) > MAX_RULES:
        raise UsageError(
            f"{len(rules):,} rules in one run; GitHub accepts at most {MAX_RULES:,}",
            hint="select fewer rules with --rule",
        )
    runs = environment_runs(ctx)
    if len(runs) > MAX_RUNS:
        raise UsageError(
            f"SARIF needs one run per environment ({len(runs)}); GitHub accepts at most "
            f"{MAX_RUNS} runs per file",
            hint="scan fewer environments at a time (--env)",
        )
    locator = Locator(ctx, base_dir, tf_dir)
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            build_run(ctx, scope, findings, rules, locator, base_dir, limit)
            for scope, findings in runs
        ],
    }


def default_base_dir(start: Path | None = None) -> Path:
    """The Git work tree holding ``start`` (the cwd), where GitHub's paths begin; else ``start``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def render(
    ctx: ReportContext,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    tf_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The SARIF log text; URIs are relative to ``base_dir`` (default: the Git work tree of
    the cwd, else the cwd); with ``tf_dir`` plan findings point at their .tf blocks."""
    root = Path(base_dir) if base_dir is not None else default_base_dir()
    log = build(ctx, root, tf_dir)
    return json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
