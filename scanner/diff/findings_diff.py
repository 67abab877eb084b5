"""Findings of two runs compared by fingerprint: new, resolved and changed verdicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner.findings import Severity, Status

# When a fingerprint occurs more than once in a run, the worst verdict stands for it.
_WORST_FIRST = (
    Status.FAIL,
    Status.ERROR,
    Status.UNKNOWN,
    Status.NOT_COLLECTED,
    Status.WAIVED,
    Status.PASS,
)
COMPARED = ("status", "severity", "message")
IDENTITY = ("fingerprint", "rule_id", "title", "resource_id", "environment", "account", "region")


@dataclass
class FindingDelta:
    """One fingerprint on both sides: identity, and the compared fields on each side."""

    identity: dict[str, Any]
    old: dict[str, Any] | None  # status, severity, message; None when absent
    new: dict[str, Any] | None
    fields: list[str] = field(default_factory=list)  # compared fields that differ

    @property
    def severity(self) -> Severity:
        """The severity that matters: the new side's when present."""
        side = self.new or self.old or {}
        return Severity.parse(side.get("severity", "info"))

    def to_dict(self) -> dict[str, Any]:
        return {**self.identity, "old": self.old, "new": self.new, "fields": list(self.fields)}


@dataclass
class FindingsDiff:
    """What changed between the findings of two runs."""

    new: list[FindingDelta] = field(default_factory=list)  # FAIL now, not FAIL before
    resolved: list[FindingDelta] = field(default_factory=list)  # FAIL before, not FAIL now
    changed: list[FindingDelta] = field(default_factory=list)  # other status/severity/message
    unchanged: int = 0
    appeared: int = 0  # absent before, present now and not FAIL
    disappeared: int = 0  # present before and not FAIL, absent now

    def new_at_or_above(self, threshold: Severity) -> list[FindingDelta]:
        """New failures whose severity reaches ``threshold``."""
        return [d for d in self.new if d.severity.rank >= threshold.rank]


def diff_findings(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> FindingsDiff:
    """Compare findings (JSON report entries) keyed by fingerprint."""
    before, after = _by_fingerprint(old), _by_fingerprint(new)
    result = FindingsDiff()
    for fingerprint in sorted(set(before) | set(after)):
        was, now = before.get(fingerprint), after.get(fingerprint)
        delta = FindingDelta(
            identity={key: (now or was or {}).get(key) for key in IDENTITY},
            old=_compared(was),
            new=_compared(now),
        )
        delta.fields = [
            key for key in COMPARED if (delta.old or {}).get(key) != (delta.new or {}).get(key)
        ]
        failed_before, failed_now = _failed(was), _failed(now)
        if failed_now and not failed_before:
            result.new.append(delta)
        elif failed_before and not failed_now:
            result.resolved.append(delta)
        elif was is None:
            result.appeared += 1
        elif now is None:
            result.disappeared += 1
        elif delta.fields:
            result.changed.append(delta)
        else:
            result.unchanged += 1
    for group in (result.new, result.resolved, result.changed):
        group.sort(key=_order)
    return result


def _by_fingerprint(findings: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    chosen: dict[str, dict[str, Any]] = {}
    for finding in findings:
        key = str(finding.get("fingerprint") or "")
        current = chosen.get(key)
        if current is None or _rank(finding) < _rank(current):
            chosen[key] = finding
    return chosen


def _rank(finding: dict[str, Any]) -> int:
    status = finding.get("status")
    return next((i for i, s in enumerate(_WORST_FIRST) if s.value == status), len(_WORST_FIRST))


def _failed(finding: dict[str, Any] | None) -> bool:
    return finding is not None and finding.get("status") == Status.FAIL.value


def _compared(finding: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if finding is None else {key: finding.get(key) for key in COMPARED}


def _order(delta: FindingDelta) -> tuple[Any, ...]:
    return (
        -delta.severity.rank,
        str(delta.identity.get("rule_id") or ""),
        str(delta.identity.get("resource_id") or ""),
        str(delta.identity.get("fingerprint") or ""),
    )
