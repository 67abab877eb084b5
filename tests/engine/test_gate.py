"""Exit codes from findings: thresholds, fail-closed unknowns, soft fail."""

from __future__ import annotations

import pytest

from scanner.errors import ExitCode
from scanner.findings import Finding, Severity, Status
from scanner.gate import UnknownMode, exit_code


def finding(status: Status, severity: str = "high", rid: str = "r") -> Finding:
    return Finding("NET-001", "t", Severity.parse(severity), status, "m", rid)


@pytest.mark.parametrize(
    ("findings", "fail_on", "unknown", "expected"),
    [
        ([], Severity.HIGH, UnknownMode.FAIL, ExitCode.CLEAN),
        ([finding(Status.PASS)], Severity.HIGH, UnknownMode.FAIL, ExitCode.CLEAN),
        ([finding(Status.FAIL, "critical")], Severity.HIGH, UnknownMode.FAIL, ExitCode.FINDINGS),
        ([finding(Status.FAIL, "medium")], Severity.HIGH, UnknownMode.FAIL, ExitCode.CLEAN),
        ([finding(Status.FAIL, "medium")], Severity.MEDIUM, UnknownMode.FAIL, ExitCode.FINDINGS),
        ([finding(Status.UNKNOWN, "high")], Severity.HIGH, UnknownMode.FAIL, ExitCode.INCOMPLETE),
        ([finding(Status.UNKNOWN, "low")], Severity.HIGH, UnknownMode.FAIL, ExitCode.CLEAN),
        (
            [finding(Status.NOT_COLLECTED, "critical")],
            Severity.HIGH,
            UnknownMode.FAIL,
            ExitCode.INCOMPLETE,
        ),
        ([finding(Status.ERROR, "low")], Severity.HIGH, UnknownMode.FAIL, ExitCode.INCOMPLETE),
        ([finding(Status.UNKNOWN, "high")], Severity.HIGH, UnknownMode.WARN, ExitCode.CLEAN),
        (
            [finding(Status.UNKNOWN), finding(Status.FAIL, rid="x")],
            Severity.HIGH,
            UnknownMode.FAIL,
            ExitCode.FINDINGS,
        ),
        ([finding(Status.WAIVED, "critical")], Severity.HIGH, UnknownMode.FAIL, ExitCode.CLEAN),
    ],
)
def test_exit_code(findings, fail_on, unknown, expected) -> None:  # type: ignore[no-untyped-def]
    assert exit_code(findings, fail_on, unknown) == expected


def test_soft_fail_always_clean() -> None:
    assert exit_code([finding(Status.FAIL, "critical")], soft_fail=True) == ExitCode.CLEAN
