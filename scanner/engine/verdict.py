"""A rule's raw verdict on one resource or scope, before it becomes a Finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VERDICT_STATUSES = frozenset({"FAIL", "PASS", "UNKNOWN", "NOT_COLLECTED"})


@dataclass
class Verdict:
    """What a Python rule yields (Rego rules produce the same fields as objects)."""

    resource: str
    status: str
    message: str = ""
    expected: Any = None
    actual: Any = None
    environment: str | None = None
    account: str | None = None
    region: str | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Verdict:
        """Build from a Rego verdict object, checking the fields a rule must give."""
        if "resource" not in data or "status" not in data:
            raise ValueError(f"verdict lacks resource or status: {data!r}")
        status = str(data["status"]).upper()
        if status not in VERDICT_STATUSES:
            raise ValueError(f"verdict has unknown status {data['status']!r}")
        return cls(
            resource=str(data["resource"]),
            status=status,
            message=str(data.get("message", "")),
            expected=data.get("expected"),
            actual=data.get("actual"),
            environment=data.get("environment"),
            account=data.get("account"),
            region=data.get("region"),
        )
