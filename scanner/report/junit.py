"""JUnit XML: one testsuite per rule, one testcase per (rule, resource).

FAIL is a ``<failure>``, ERROR an ``<error>``, UNKNOWN / NOT_COLLECTED / WAIVED a
``<skipped>`` (a waived one with the waiver's justification), PASS an empty testcase.
With ``--waivers``, a ``waivers`` testsuite has one testcase per waiver: an expired
waiver is a ``<failure>`` (it needs renewing or removing), a stale one ``<skipped>``.
Built with xml.etree, so every attribute and text is escaped; characters XML cannot
carry are replaced first.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from scanner.findings import Finding, Status
from scanner.report.acceptance_section import WaiverRow, waiver_file, waiver_rows
from scanner.report.context import ReportContext
from scanner.report.escaping import one_line, xml_safe
from scanner.report.summary import plain, resource_label, rule_ids, waiver_justification

SKIPPED_STATUSES = (Status.UNKNOWN, Status.NOT_COLLECTED, Status.WAIVED)


def element(
    tag: str, attributes: dict[str, Any] | None = None, text: str | None = None
) -> ET.Element:
    """An element whose attribute values and text are XML-safe strings."""
    node = ET.Element(tag, {key: xml_safe(value) for key, value in (attributes or {}).items()})
    if text:
        node.text = xml_safe(text)
    return node


def shown(value: Any) -> str:
    """A compact, deterministic rendering of an expected or actual value."""
    if isinstance(value, str):
        return value
    return json.dumps(plain(value), ensure_ascii=False, sort_keys=True)


def details(finding: Finding) -> str:
    """Body of a failure or error: evidence, scope and remediation, one per line."""
    lines = [finding.message]
    if finding.expected is not None or finding.actual is not None:
        lines.append(f"expected: {shown(finding.expected)}")
        lines.append(f"actual: {shown(finding.actual)}")
    scope = [
        f"{name}: {value}"
        for name, value in (
            ("resource", finding.resource_id),
            ("type", finding.resource_type),
            ("environment", finding.environment),
            ("account", finding.account),
            ("region", finding.region),
        )
        if value
    ]
    lines.extend(scope)
    if finding.remediation:
        lines.append(f"remediation: {finding.remediation}")
    lines.append(f"fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def scope_suffix(finding: Finding) -> str:
    """`` [prod 111111111111 us-west-2]``: tells apart one address seen in several scopes."""
    parts = [part for part in (finding.environment, finding.account, finding.region) if part]
    return f" [{' '.join(parts)}]" if parts else ""


def testcase(finding: Finding, name: str) -> ET.Element:
    """The testcase of one finding, with its outcome child."""
    case = element("testcase", {"classname": finding.rule_id, "name": name})
    message = one_line(finding.message)
    if finding.status is Status.FAIL:
        case.append(
            element(
                "failure",
                {"message": message, "type": finding.severity.value},
                details(finding),
            )
        )
    elif finding.status is Status.ERROR:
        case.append(element("error", {"message": message, "type": "ERROR"}, details(finding)))
    elif finding.status is Status.WAIVED:
        case.append(
            element("skipped", {"message": f"waived: {one_line(waiver_justification(finding))}"})
        )
    elif finding.status in SKIPPED_STATUSES:
        case.append(element("skipped", {"message": f"{finding.status.value}: {message}"}))
    return case


def counts(findings: list[Finding]) -> dict[str, str]:
    """tests / failures / errors / skipped attributes for a group of findings."""
    return {
        "tests": str(len(findings)),
        "failures": str(sum(f.status is Status.FAIL for f in findings)),
        "errors": str(sum(f.status is Status.ERROR for f in findings)),
        "skipped": str(sum(f.status in SKIPPED_STATUSES for f in findings)),
    }


def case_key(finding: Finding) -> tuple[str, ...]:
    """Testcases sorted by resource, then scope, then fingerprint."""
    return (
        resource_label(finding),
        finding.environment or "",
        finding.account or "",
        finding.region or "",
        finding.fingerprint,
    )


def testsuite(ctx: ReportContext, rule_id: str, findings: list[Finding]) -> ET.Element:
    """The testsuite of one rule: its metadata as properties, one testcase per finding."""
    suite = element("testsuite", {"name": rule_id, **counts(findings), "time": "0"})
    rule = ctx.rules.get(rule_id)
    title = rule.title if rule else (findings[0].title if findings else "")
    severity = rule.severity.value if rule else (findings[0].severity.value if findings else "")
    properties = element("properties")
    for name, value in (
        ("title", title),
        ("severity", severity),
        ("seed", rule.seed if rule else ""),
    ):
        if value:
            properties.append(element("property", {"name": name, "value": one_line(value)}))
    if len(properties):
        suite.append(properties)
    labels = Counter(resource_label(finding) for finding in findings)
    for finding in sorted(findings, key=case_key):
        label = resource_label(finding)
        name = label + scope_suffix(finding) if labels[label] > 1 else label
        suite.append(testcase(finding, name))
    return suite


def waiver_case(row: WaiverRow) -> ET.Element:
    """One waiver as a testcase: expired fails, stale is skipped, applied passes."""
    item = row.item
    label = f"{item.get('id', '')} ({row.rules})"
    case = element("testcase", {"classname": "waivers", "name": label})
    who = f"owner {item.get('owner', '')}, ticket {item.get('ticket', '')}"
    if row.state == "expired":
        text = f"waiver expired on {item.get('expires', '')} ({who}): it no longer suppresses"
        body = f"{text}\nreason: {item.get('reason', '')}\nmatched: {item.get('matched', 0)}"
        case.append(element("failure", {"message": text, "type": "expired-waiver"}, body))
    elif row.state == "stale":
        case.append(element("skipped", {"message": f"stale waiver: matches no finding ({who})"}))
    return case


def waivers_suite(ctx: ReportContext) -> ET.Element | None:
    """The ``waivers`` testsuite, when the run was given a waiver file."""
    source = waiver_file(ctx)
    if source is None:
        return None
    rows = waiver_rows(ctx)
    suite = element(
        "testsuite",
        {
            "name": "waivers",
            "tests": str(len(rows)),
            "failures": str(sum(row.state == "expired" for row in rows)),
            "errors": "0",
            "skipped": str(sum(row.state == "stale" for row in rows)),
            "time": "0",
        },
    )
    properties = element("properties")
    properties.append(element("property", {"name": "file", "value": one_line(source)}))
    suite.append(properties)
    for row in rows:
        suite.append(waiver_case(row))
    return suite


def render(ctx: ReportContext) -> str:
    """The JUnit XML document (UTF-8 declaration, indented)."""
    by_rule: dict[str, list[Finding]] = {rule_id: [] for rule_id in rule_ids(ctx)}
    for finding in ctx.findings:
        by_rule[finding.rule_id].append(finding)
    root = element("testsuites", {"name": "archscan", **counts(ctx.findings), "time": "0"})
    for rule_id, findings in by_rule.items():
        root.append(testsuite(ctx, rule_id, findings))
    waivers = waivers_suite(ctx)
    if waivers is not None:
        root.append(waivers)
        for key in ("tests", "failures", "skipped"):
            root.set(key, str(int(root.get(key, "0")) + int(waivers.get(key, "0"))))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
