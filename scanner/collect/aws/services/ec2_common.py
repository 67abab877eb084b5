"""Helpers shared by the EC2 and Auto Scaling collectors: tagged resources, refs, times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.inventory.model import Resource

Item = dict[str, Any]


def tagged(
    ctx: CollectContext,
    rid: str,
    rtype: str,
    item: Item,
    attributes: dict[str, Any],
    refs: dict[str, str | list[str] | None] | None = None,
    name: str | None = None,
) -> Resource:
    """A live resource with the item's tags, named by ``name`` or its ``Name`` tag."""
    tags = tags_of(item.get("Tags"))
    return ctx.resource(
        rid,
        rtype,
        name=name or tags.get("Name"),
        tags=tags,
        attributes=attributes,
        refs=links(refs or {}),
    )


def links(refs: dict[str, str | list[str] | None]) -> dict[str, str | list[str]]:
    """Refs without the links the source does not give (empty ids dropped)."""
    out: dict[str, str | list[str]] = {}
    for key, value in refs.items():
        if isinstance(value, list):
            out[key] = [v for v in value if v]
        elif value:
            out[key] = value
    return out


def present(**values: Any) -> dict[str, Any]:
    """Only the attributes the source gives: None and "" are absent, not null."""
    return {key: value for key, value in values.items() if value is not None and value != ""}


def iso(value: Any) -> str | None:
    """An AWS timestamp as ISO 8601 in UTC (``2026-11-25T18:00:00Z``)."""
    moment = as_datetime(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def as_datetime(value: Any) -> datetime | None:
    """A timezone-aware datetime from botocore's datetime or an ISO string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def age_days(value: Any, now: datetime | None = None) -> int | None:
    """Whole days since ``value``."""
    moment = as_datetime(value)
    if moment is None:
        return None
    return max(0, ((now or datetime.now(UTC)) - moment).days)
