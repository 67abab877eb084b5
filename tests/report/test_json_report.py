"""JSON report and its schema."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from scanner.findings import Severity
from scanner.report import json_report
from scanner.report.context import ReportContext

if TYPE_CHECKING:
    from .conftest import Factory


def validator() -> jsonschema.Draft202012Validator:
    schema = json_report.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors_of(document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(document)]


def test_schema_is_draft_2020_12_for_version_1_0() -> None:
    schema = json_report.load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["report_version"]["const"] == json_report.REPORT_VERSION == "1.0"


def test_every_context_validates(any_context: ReportContext) -> None:
    document = json.loads(json_report.render(any_context))
    assert errors_of(document) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("summary", "by_status", "FAIL"), -1),
        (("findings", 0, "status"), "BROKEN"),
        (("findings", 0, "severity"), "severe"),
        (("coverage", 0, "status"), "maybe"),
        (("report_version",), "2.0"),
        (("tool", "name"), "other"),
    ],
)
def test_schema_rejects_malformed_reports(
    factory: type[Factory], path: tuple[Any, ...], value: Any
) -> None:
    document = json.loads(json_report.render(factory.mixed()))
    broken = copy.deepcopy(document)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(broken), f"schema accepted {path} = {value!r}"


def test_schema_rejects_unknown_and_missing_fields(factory: type[Factory]) -> None:
    document = json.loads(json_report.render(factory.mixed()))
    extra = copy.deepcopy(document)
    extra["findings"][0]["surprise"] = True
    assert errors_of(extra)
    missing = copy.deepcopy(document)
    del missing["findings"][0]["fingerprint"]
    assert errors_of(missing)


def test_content_of_a_finding(factory: type[Factory]) -> None:
    document = json.loads(json_report.render(factory.mixed()))
    waived = next(f for f in document["findings"] if f["status"] == "WAIVED")
    assert waived == {
        "rule_id": "DB-004",
        "title": "Title of DB-004",
        "severity": "critical",
        "status": "WAIVED",
        "environment": "prod",
        "account": "111111111111",
        "region": "us-west-2",
        "resource_id": "aws_rds_cluster.main",
        "address": "aws_rds_cluster.main",
        "resource_type": "aws_rds_cluster",
        "message": "DB-004 on aws_rds_cluster.main",
        "expected": "10.2.0.0/16",
        "actual": "10.9.0.0/16",
        "fingerprint": waived["fingerprint"],
        "remediation": None,
        "waiver": {"owner": "data-team", "reason": "migration in progress"},
    }
    assert len(waived["fingerprint"]) == 32


def test_summary_counts(factory: type[Factory]) -> None:
    ctx = factory.mixed(exit_code=3, fail_on=Severity.CRITICAL)
    summary = json.loads(json_report.render(ctx))["summary"]
    assert summary == {
        "rules": 9,
        "resources": 10,
        "findings": 12,
        "by_status": {
            "FAIL": 6,
            "PASS": 2,
            "UNKNOWN": 1,
            "NOT_COLLECTED": 1,
            "WAIVED": 1,
            "ERROR": 1,
        },
        "fail_by_severity": {"critical": 1, "high": 2, "medium": 1, "low": 1, "info": 1},
        "exit_code": 3,
        "fail_on": "critical",
    }


def test_run_metadata(factory: type[Factory]) -> None:
    ctx = factory.mixed(inputs=["plans/prod.json"], source_kind="plan")
    document = json.loads(json_report.render(ctx))
    assert document["tool"] == {"name": "archscan", "version": "0.1.0"}
    assert document["baseline"] == {"path": "baselines/reference.yaml", "digest": "sha256:0123abcd"}
    assert document["inputs"] == ["plans/prod.json"]
    assert document["started_at"] == "2025-01-02T03:04:05Z"
    assert document["unmapped_types"] == {"aws_bar": 1, "aws_foo": 2}
    assert document["warnings"] == ["plan has 2 resources with unknown provider"]
    assert [c["service"] for c in document["coverage"]] == ["config", "ec2"]
    assert [r["id"] for r in document["rules"]] == sorted(r["id"] for r in document["rules"])
    assert document["rules"][0]["frameworks"] == {"cis-aws": ["5.1"]}


def test_findings_sorted_by_severity_then_rule_then_resource(factory: type[Factory]) -> None:
    findings = json.loads(json_report.render(factory.mixed()))["findings"]
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    keys = [(rank[f["severity"]], f["rule_id"], f["resource_id"]) for f in findings]
    assert keys == sorted(keys)
    assert findings[0]["severity"] == "critical" and findings[-1]["severity"] == "info"


def test_deterministic_whatever_the_input_order(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    reordered = factory.mixed(
        findings=list(reversed(ctx.findings)), coverage=list(reversed(ctx.coverage))
    )
    assert json_report.render(ctx) == json_report.render(reordered)


def test_odd_values_become_plain_json(factory: type[Factory]) -> None:
    finding = factory.finding(
        expected={"b": {3, 1, 2}, "a": (1, 2)}, actual=[float("inf"), Severity.LOW]
    )
    text = json_report.render(factory.context([finding]))
    document = json.loads(text)
    assert document["findings"][0]["expected"] == {"a": [1, 2], "b": [1, 2, 3]}
    assert document["findings"][0]["actual"] == ["inf", "low"]
    assert "NaN" not in text and "Infinity" not in text


def test_hostile_strings_round_trip_exactly(factory: type[Factory]) -> None:
    ctx = factory.hostile()
    document = json.loads(json_report.render(ctx))
    messages = {f["message"] for f in document["findings"]}
    assert {f.message for f in ctx.findings} == messages


def test_documentation_names_every_schema_field() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "report-json.md").read_text()
    schema = json_report.load_schema()
    groups = {
        "top level": schema["properties"],
        "summary": schema["properties"]["summary"]["properties"],
        "rule": schema["$defs"]["rule"]["properties"],
        "finding": schema["$defs"]["finding"]["properties"],
    }
    documented = set(re.findall(r"^\| `([^|]+)` \|", docs, flags=re.MULTILINE))
    documented = {name for cell in documented for name in re.split(r"`, `", cell)}
    missing = {group: sorted(set(fields) - documented) for group, fields in groups.items()}
    assert all(not names for names in missing.values()), missing
