"""Findings: the verdict of one rule on one resource or scope, with a stable fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What a rule concluded for one resource or scope."""

    FAIL = "FAIL"
    PASS = "PASS"
    UNKNOWN = "UNKNOWN"  # the deciding value is known only after apply
    NOT_COLLECTED = "NOT_COLLECTED"  # the inputs were not collected for this scope
    WAIVED = "WAIVED"
    ERROR = "ERROR"  # the rule itself broke


class Severity(StrEnum):
    """Default and effective severities, lowest to highest."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order info < low < medium < high < critical."""
        return list(Severity).index(self)

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Accept full names and the one-letter forms used in CONTROLS.md (C/H/M/L)."""
        short = {"c": "critical", "h": "high", "m": "medium", "l": "low", "i": "info"}
        text = str(value).strip().lower()
        return cls(short.get(text, text))


# Statuses that mean "the scan could not judge": they count toward incompleteness.
INCOMPLETE_STATUSES = frozenset({Status.UNKNOWN, Status.NOT_COLLECTED, Status.ERROR})


def fingerprint(
    rule_id: str,
    environment: str | None,
    account: str | None,
    region: str | None,
    resource_id: str,
) -> str:
    """Stable identity of a finding: a hash of rule, scope and logical resource identity.

    Never includes line numbers, timestamps or attribute values, so it survives
    re-generated plans, re-ordered resources and unrelated changes.
    """
    parts = [rule_id, environment or "", account or "", region or "", resource_id]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass
class Finding:
    """One rule's verdict on one resource (or on a scope such as an environment)."""

    rule_id: str
    title: str
    severity: Severity
    status: Status
    message: str
    resource_id: str
    resource_type: str | None = None
    address: str | None = None
    environment: str | None = None
    account: str | None = None
    region: str | None = None
    expected: Any = None
    actual: Any = None
    remediation: str | None = None
    source: str | None = None  # "plan" or "live"
    fingerprint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.severity = Severity.parse(self.severity)
        self.status = Status(self.status)
        if not self.fingerprint:
            self.fingerprint = fingerprint(
                self.rule_id, self.environment, self.account, self.region, self.resource_id
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (enums as strings)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def count_by_status(findings: list[Finding]) -> dict[str, int]:
    """Counts for every status (zeros included), in declaration order."""
    counts = {status.value: 0 for status in Status}
    for item in findings:
        counts[item.status.value] += 1
    return counts
