"""Report test contexts built by a small factory, plus paths to the shared references."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scanner.engine.metadata import RuleMeta
from scanner.findings import Finding, Severity, Status
from scanner.inventory.model import CoverageEntry, CoverageStatus
from scanner.report.context import ReportContext

REPO = Path(__file__).resolve().parents[2]
HOSTILE = 'x<script>alert(1)</script> | `tick` &amp; **bold** [l](http://e) @octo/team\nnew"line'
CONTROL = "esc\x1b[31mred\x1b[0m nul\x00 bell\x07"


def shared_dir() -> Path:
    """The shared references folder: ARCHSCAN_SHARED, else ``../shared`` beside the repo."""
    configured = os.environ.get("ARCHSCAN_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


def make_rule(rule_id: str = "NET-001", **overrides: Any) -> RuleMeta:
    """A rule's metadata with readable defaults."""
    values: dict[str, Any] = {
        "id": rule_id,
        "title": f"Title of {rule_id}",
        "severity": Severity.HIGH,
        "description": f"What {rule_id} checks.",
        "rationale": f"Why {rule_id} matters.",
        "remediation": f"How to fix {rule_id}.",
        "seed": "VPC boxes",
        "frameworks": {"cis-aws": ["5.1"]},
    }
    values.update(overrides)
    return RuleMeta(**values)


def make_finding(
    rule_id: str = "NET-001",
    status: Status | str = Status.FAIL,
    resource_id: str = "aws_vpc.main",
    **overrides: Any,
) -> Finding:
    """A finding on a plan resource; the address defaults to the resource id."""
    values: dict[str, Any] = {
        "rule_id": rule_id,
        "title": f"Title of {rule_id}",
        "severity": Severity.HIGH,
        "status": status,
        "message": f"{rule_id} on {resource_id}",
        "resource_id": resource_id,
        "address": resource_id,
        "resource_type": resource_id.split(".")[0] if "." in resource_id else None,
        "environment": "prod",
        "account": "111111111111",
        "region": "us-west-2",
        "expected": "10.2.0.0/16",
        "actual": "10.9.0.0/16",
        "source": "plan",
    }
    values.update(overrides)
    return Finding(**values)


def make_context(findings: list[Finding] | None = None, **overrides: Any) -> ReportContext:
    """A context whose rule catalogue covers every rule its findings name."""
    findings = list(findings or [])
    rules = {f.rule_id: make_rule(f.rule_id, severity=f.severity) for f in findings}
    values: dict[str, Any] = {
        "findings": findings,
        "rules": rules,
        "tool_version": "0.1.0",
        "baseline_path": "baselines/reference.yaml",
        "baseline_digest": "sha256:0123abcd",
        "inputs": [],
        "source_kind": "plan",
        "resource_count": 10,
        "started_at": "2025-01-02T03:04:05Z",
        "finished_at": "2025-01-02T03:04:09Z",
        "fail_on": Severity.HIGH,
        "exit_code": 1 if any(f.status is Status.FAIL for f in findings) else 0,
    }
    values.update(overrides)
    return ReportContext(**values)


def mixed_findings() -> list[Finding]:
    """Every status, every severity, three environments (one unresolved)."""
    return [
        make_finding("NET-002", Status.FAIL, "aws_vpc.prod", severity="critical"),
        make_finding("NET-001", Status.FAIL, "aws_vpc.prod"),
        make_finding("NET-001", Status.FAIL, "aws_vpc.dev", environment="dev"),
        make_finding("NET-006", Status.FAIL, "aws_subnet.public[0]", severity="medium"),
        make_finding("NET-011", Status.FAIL, "aws_subnet.private[0]", severity="low"),
        make_finding(
            "TAG-001", Status.FAIL, "aws_s3_bucket.logs", severity="info", environment=None
        ),
        make_finding("NET-001", Status.PASS, "aws_vpc.staging", environment="staging"),
        make_finding("NET-003", Status.PASS, "aws_subnet.public[0]"),
        make_finding("NET-003", Status.UNKNOWN, "aws_subnet.private[0]", actual=None),
        make_finding("SEC-004", Status.NOT_COLLECTED, "prod", address=None, severity="high"),
        make_finding(
            "DB-004",
            Status.WAIVED,
            "aws_rds_cluster.main",
            severity="critical",
            extra={"waiver": {"reason": "migration in progress", "owner": "data-team"}},
        ),
        make_finding("CMP-008", Status.ERROR, "aws_eks_cluster.main", message="rego: undefined fn"),
    ]


def mixed_coverage() -> list[CoverageEntry]:
    """One collected service and one denied."""
    return [
        CoverageEntry("111111111111", "us-west-2", "ec2", CoverageStatus.OK),
        CoverageEntry(
            "111111111111",
            "us-west-2",
            "config",
            CoverageStatus.DENIED,
            api_call="DescribeConfigurationRecorders",
            message="AccessDenied",
        ),
    ]


def mixed_context(**overrides: Any) -> ReportContext:
    """The mixed findings with coverage gaps, unmapped types and warnings."""
    values: dict[str, Any] = {
        "coverage": mixed_coverage(),
        "unmapped_types": {"aws_foo": 2, "aws_bar": 1},
        "warnings": ["plan has 2 resources with unknown provider"],
        "exit_code": 1,
    }
    findings = overrides.pop("findings", None)
    values.update(overrides)
    return make_context(mixed_findings() if findings is None else findings, **values)


def hostile_context(**overrides: Any) -> ReportContext:
    """Resource-controlled strings with HTML, pipes, backticks, newlines and control codes."""
    findings = [
        make_finding(
            "NET-010",
            Status.FAIL,
            f'aws_security_group.sg["{HOSTILE}"]',
            message=f"ingress from {HOSTILE} {CONTROL}",
            environment=f"prod|{HOSTILE}",
            expected={"<k>": HOSTILE},
            actual=[CONTROL, float("nan")],
        ),
        make_finding(
            "NET-010",
            Status.UNKNOWN,
            f'aws_security_group.other["{CONTROL}"]',
            message=f"unknown {CONTROL}",
        ),
        make_finding(
            "NET-010",
            Status.WAIVED,
            "aws_security_group.waived",
            extra={"waiver": {"reason": HOSTILE}},
        ),
    ]
    values: dict[str, Any] = {
        "warnings": [f"warning {HOSTILE}"],
        "coverage": [
            CoverageEntry(
                "2222", "eu-west-1", f"s3{HOSTILE}", CoverageStatus.ERROR, message=HOSTILE
            )
        ],
        "unmapped_types": {f"aws_{HOSTILE}": 1},
        "baseline_path": f"base{HOSTILE}.yaml",
    }
    values.update(overrides)
    return make_context(findings, **values)


ContextFactory = Callable[..., ReportContext]
CONTEXTS: dict[str, ContextFactory] = {
    "empty": make_context,
    "mixed": mixed_context,
    "hostile": hostile_context,
}


@pytest.fixture(params=sorted(CONTEXTS))
def any_context(request: pytest.FixtureRequest) -> ReportContext:
    """Each of the empty, mixed and hostile contexts in turn."""
    return CONTEXTS[request.param]()


@pytest.fixture
def plan_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a small Terraform plan JSON naming ``addresses``; pretty or on one line."""

    def write(addresses: list[str], *, pretty: bool = True, name: str = "plan.json") -> Path:
        resources = [
            {"address": address, "mode": "managed", "type": address.split(".")[0], "name": "x"}
            for address in addresses
        ]
        document = {
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": [dict(r, change={"actions": ["create"]}) for r in resources],
        }
        path = tmp_path / name
        text = (
            json.dumps(document, indent=2)
            if pretty
            else json.dumps(document, separators=(",", ":"))
        )
        path.write_text(text, encoding="utf-8")
        return path

    return write


class Factory:
    """The factory functions and hostile strings, handed to tests as the ``factory`` fixture."""

    HOSTILE = HOSTILE
    CONTROL = CONTROL
    rule = staticmethod(make_rule)
    finding = staticmethod(make_finding)
    context = staticmethod(make_context)
    mixed = staticmethod(mixed_context)
    hostile = staticmethod(hostile_context)
    shared_dir = staticmethod(shared_dir)


@pytest.fixture
def factory() -> type[Factory]:
    """Builders for report contexts (see :class:`Factory`)."""
    return Factory
