"""Resource, Inventory and the coverage ledger, with their JSON forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = "1.0"


class CoverageStatus(StrEnum):
    """Outcome of collecting one (account, region, service)."""

    OK = "ok"
    DENIED = "denied"
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    ERROR = "error"
    UNSUPPORTED = "unsupported"


@dataclass
class CoverageEntry:
    """Whether one service was collected for one account and region, and why not."""

    account: str | None  # None when a plan does not say
    region: str | None
    service: str
    status: CoverageStatus
    api_call: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "service": self.service,
            "status": CoverageStatus(self.status).value,
            "api_call": self.api_call,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoverageEntry:
        return cls(
            account=data["account"],
            region=data["region"],
            service=data["service"],
            status=CoverageStatus(data["status"]),
            api_call=data.get("api_call"),
            message=data.get("message"),
        )


@dataclass
class Change:
    """What a plan does to one resource address (deletes included)."""

    address: str
    type: str
    actions: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "type": self.type, "actions": list(self.actions)}


@dataclass
class Resource:
    """One resource as rules see it, from a plan or a live account.

    ``attributes`` holds the documented normalized subset for mapped types (raw known
    values for unmapped ones); ``refs`` holds resolved links to other resources' ids
    (a string, or a list of strings); ``unknown`` lists attribute or ref paths
    (dotted, e.g. ``cidr_block`` or ``refs.vpc``) whose value is known only after apply.
    """

    id: str
    type: str
    account: str | None = None
    region: str | None = None
    environment: str | None = None
    name: str | None = None
    address: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str | list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    change: list[str] | None = None
    source: str = "plan"
    mapped: bool = True
    env_signals: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "account": self.account,
            "region": self.region,
            "environment": self.environment,
            "name": self.name,
            "address": self.address,
            "tags": dict(self.tags),
            "attributes": self.attributes,
            "refs": self.refs,
            "unknown": sorted(set(self.unknown)),
            "change": self.change,
            "source": self.source,
            "mapped": self.mapped,
            "env_signals": self.env_signals,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Resource:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Inventory:
    """Everything collected in one run: resources, plan changes and the coverage ledger."""

    source: dict[str, Any]
    resources: list[Resource] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    generated_at: str | None = None
    schema_version: str = SCHEMA_VERSION

    @property
    def kind(self) -> str:
        """``plan`` or ``live``."""
        return str(self.source.get("kind", "plan"))

    def by_id(self) -> dict[str, Resource]:
        """Index of resources by id."""
        return {resource.id: resource for resource in self.resources}

    def unmapped_types(self) -> dict[str, int]:
        """Counts of resources whose type has no mapper (kept with raw attributes)."""
        counts: dict[str, int] = {}
        for resource in self.resources:
            if not resource.mapped:
                counts[resource.type] = counts.get(resource.type, 0) + 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "generated_at": self.generated_at,
            "source": self.source,
            "resources": [resource.to_dict() for resource in self.resources],
            "changes": [change.to_dict() for change in self.changes],
            "coverage": [entry.to_dict() for entry in self.coverage],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inventory:
        return cls(
            schema_version=data["schema_version"],
            generated_at=data.get("generated_at"),
            source=data["source"],
            resources=[Resource.from_dict(item) for item in data.get("resources", [])],
            changes=[Change(**item) for item in data.get("changes", [])],
            coverage=[CoverageEntry.from_dict(item) for item in data.get("coverage", [])],
            warnings=list(data.get("warnings", [])),
        )
