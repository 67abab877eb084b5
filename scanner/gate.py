"""CI gate semantics: from findings to an exit code."""

from __future__ import annotations

from enum import StrEnum

from scanner.errors import ExitCode
from scanner.findings import INCOMPLETE_STATUSES, Finding, Severity, Status


class UnknownMode(StrEnum):
    """What UNKNOWN, NOT_COLLECTED and ERROR results do to the exit code."""

    FAIL = "fail"  # exit 3 (fail closed), the default
    WARN = "warn"  # reported, exit unaffected
    IGNORE = "ignore"  # reported, exit unaffected, no warning line


def exit_code(
    findings: list[Finding],
    fail_on: Severity = Severity.HIGH,
    unknown: UnknownMode = UnknownMode.FAIL,
    soft_fail: bool = False,
) -> ExitCode:
    """0 clean; 1 a FAIL at or above ``fail_on``; 3 incomplete under fail-closed.

    An UNKNOWN or NOT_COLLECTED result counts toward incompleteness only when its rule's
    severity is at or above ``fail_on`` (it could have been a failing finding); an ERROR
    always counts. ``soft_fail`` turns every outcome into 0. With ``--new-only``, findings
    the findings baseline already recorded (``baseline_state`` "unchanged") do not count.
    """
    if soft_fail:
        return ExitCode.CLEAN
    findings = gated(findings)
    if any(f.status == Status.FAIL and f.severity.rank >= fail_on.rank for f in findings):
        return ExitCode.FINDINGS
    if unknown == UnknownMode.FAIL and incomplete(findings, fail_on):
        return ExitCode.INCOMPLETE
    return ExitCode.CLEAN


def incomplete(findings: list[Finding], fail_on: Severity) -> list[Finding]:
    """Findings that leave the verdict open at the ``fail_on`` threshold."""
    return [
        f
        for f in gated(findings)
        if f.status in INCOMPLETE_STATUSES
        and (f.status == Status.ERROR or f.severity.rank >= fail_on.rank)
    ]


def gated(findings: list[Finding]) -> list[Finding]:
    """Findings the gate judges: all, except those a ``--new-only`` baseline recorded."""
    return [f for f in findings if f.extra.get("baseline_state") != "unchanged"]
