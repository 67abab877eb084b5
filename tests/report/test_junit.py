"""JUnit XML report."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from scanner.findings import Status
from scanner.report import junit
from scanner.report.context import ReportContext

if TYPE_CHECKING:
    from .conftest import Factory

OUTCOME = {
    Status.FAIL: "failure",
    Status.ERROR: "error",
    Status.UNKNOWN: "skipped",
    Status.NOT_COLLECTED: "skipped",
    Status.WAIVED: "skipped",
}


def parse(ctx: ReportContext) -> ET.Element:
    text = junit.render(ctx)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def attribute_counts(node: ET.Element) -> dict[str, int]:
    return {key: int(node.get(key, "-1")) for key in ("tests", "failures", "errors", "skipped")}


def child_counts(cases: list[ET.Element]) -> dict[str, int]:
    return {
        "tests": len(cases),
        "failures": sum(case.find("failure") is not None for case in cases),
        "errors": sum(case.find("error") is not None for case in cases),
        "skipped": sum(case.find("skipped") is not None for case in cases),
    }


def test_counts_match_testcases_everywhere(any_context: ReportContext) -> None:
    root = parse(any_context)
    assert root.tag == "testsuites"
    all_cases = root.findall("./testsuite/testcase")
    assert attribute_counts(root) == child_counts(all_cases)
    for suite in root.findall("testsuite"):
        assert attribute_counts(suite) == child_counts(suite.findall("testcase"))
    assert len(all_cases) == len(any_context.findings)


def test_counts_of_the_mixed_run(factory: type[Factory]) -> None:
    root = parse(factory.mixed())
    assert attribute_counts(root) == {"tests": 12, "failures": 6, "errors": 1, "skipped": 3}


def test_one_suite_per_rule_with_its_title(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    root = parse(ctx)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted(ctx.rules)
    for suite in suites:
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["title"] == ctx.rules[suite.get("name")].title
        assert properties["severity"] == ctx.rules[suite.get("name")].severity.value
        assert {case.get("classname") for case in suite.findall("testcase")} <= {suite.get("name")}


def test_rule_without_findings_is_an_empty_suite(factory: type[Factory]) -> None:
    ctx = factory.context(
        [factory.finding()], rules={"NET-001": factory.rule(), "SEC-005": factory.rule("SEC-005")}
    )
    suite = parse(ctx).find("testsuite[@name='SEC-005']")
    assert suite is not None
    assert attribute_counts(suite) == {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}


def test_outcome_elements_by_status(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    root = parse(ctx)
    for finding in ctx.findings:
        suite = root.find(f"testsuite[@name='{finding.rule_id}']")
        assert suite is not None
        cases = [
            c
            for c in suite.findall("testcase")
            if c.get("name") == (finding.address or finding.resource_id)
        ]
        assert len(cases) == 1, finding
        children = [child.tag for child in cases[0]]
        expected = OUTCOME.get(finding.status)
        assert children == ([expected] if expected else [])


def test_failure_carries_severity_and_evidence(factory: type[Factory]) -> None:
    root = parse(factory.mixed())
    failure = root.find("testsuite[@name='NET-002']/testcase/failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message") == "NET-002 on aws_vpc.prod"
    assert "expected: 10.2.0.0/16" in (failure.text or "")
    assert "actual: 10.9.0.0/16" in (failure.text or "")


def test_skipped_messages(factory: type[Factory]) -> None:
    root = parse(factory.mixed())
    waived = root.find("testsuite[@name='DB-004']/testcase/skipped")
    unknown = root.find("testsuite[@name='NET-003']/testcase/skipped")
    not_collected = root.find("testsuite[@name='SEC-004']/testcase/skipped")
    assert waived is not None and unknown is not None and not_collected is not None
    assert waived.get("message") == "waived: migration in progress (owner data-team)"
    assert (unknown.get("message") or "").startswith("UNKNOWN: ")
    assert (not_collected.get("message") or "").startswith("NOT_COLLECTED: ")


def test_error_element_for_broken_rules(factory: type[Factory]) -> None:
    error = parse(factory.mixed()).find("testsuite[@name='CMP-008']/testcase/error")
    assert error is not None
    assert error.get("message") == "rego: undefined fn"


def test_one_address_in_several_scopes_gets_distinct_names(factory: type[Factory]) -> None:
    findings = [
        factory.finding(resource_id="module.vpc.aws_vpc.this", environment="dev", account="1"),
        factory.finding(resource_id="module.vpc.aws_vpc.this", environment="prod", account="2"),
        factory.finding(resource_id="aws_vpc.single"),
    ]
    names = sorted(
        case.get("name") or "" for case in parse(factory.context(findings)).iter("testcase")
    )
    assert names == [
        "aws_vpc.single",
        "module.vpc.aws_vpc.this [dev 1 us-west-2]",
        "module.vpc.aws_vpc.this [prod 2 us-west-2]",
    ]


def test_hostile_strings_are_escaped_and_survive_parsing(factory: type[Factory]) -> None:
    ctx = factory.hostile()
    text = junit.render(ctx)
    assert "<script>" not in text
    root = ET.fromstring(text.encode("utf-8"))
    failing = next(f for f in ctx.findings if f.status is Status.FAIL)
    names = {case.get("name") for case in root.iter("testcase")}
    # the address has no character XML forbids, so it comes back exactly
    assert failing.address in names
    failure = root.find(".//failure")
    assert failure is not None
    assert "<script>" in (failure.get("message") or "")
    # control characters (ESC, NUL, BEL) cannot be carried by XML 1.0: replaced, not dropped
    assert "\x1b" not in text and "\x00" not in text
    assert "\ufffd[31mred" in (failure.get("message") or "")


def test_empty_run_is_valid(factory: type[Factory]) -> None:
    root = parse(factory.context())
    assert attribute_counts(root) == {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    assert root.findall("testsuite") == []


def test_deterministic(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    shuffled = factory.mixed(findings=list(reversed(ctx.findings)))
    assert junit.render(ctx) == junit.render(shuffled)
