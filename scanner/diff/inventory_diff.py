"""Resource drift between two inventories: added, removed and changed resources by id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Resource fields compared; ``environment`` and ``env_signals`` are left out because the
# baseline of the run derives them, so they change with the baseline, not the estate.
COMPARED_FIELDS = (
    "type",
    "account",
    "region",
    "name",
    "address",
    "tags",
    "attributes",
    "refs",
    "unknown",
    "change",
    "source",
    "mapped",
)
# Values that move on their own between two collections of an unchanged estate.
VOLATILE_PATHS = ("attributes.age_days",)
SUMMARY_FIELDS = ("id", "type", "account", "region", "name")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ABSENT = object()


@dataclass
class AttributeChange:
    """One path of a resource whose value differs; ``kind`` is added, removed or changed."""

    path: str
    kind: str
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


@dataclass
class ResourceDrift:
    """A resource present on both sides whose compared fields differ."""

    resource: dict[str, Any]  # id, type, account, region, name (new side)
    changes: list[AttributeChange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.resource, "changes": [c.to_dict() for c in self.changes]}


@dataclass
class InventoryDiff:
    """Resources added, removed and changed between two inventories."""

    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[ResourceDrift] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [drift.to_dict() for drift in self.changed],
        }


def diff_inventories(
    old: Iterable[dict[str, Any]],
    new: Iterable[dict[str, Any]],
    ignore: Iterable[str] = (),
) -> InventoryDiff:
    """Compare the ``resources`` of two inventory documents, keyed by resource id.

    ``ignore`` adds dotted paths (``attributes.state``, ``tags.LastSeen``) to the volatile
    ones that are never reported.
    """
    skipped = tuple(VOLATILE_PATHS) + tuple(ignore)
    before = {str(r["id"]): r for r in old}
    after = {str(r["id"]): r for r in new}
    result = InventoryDiff(
        added=[_summary(after[i]) for i in sorted(set(after) - set(before))],
        removed=[_summary(before[i]) for i in sorted(set(before) - set(after))],
    )
    for resource_id in sorted(set(before) & set(after)):
        changes: list[AttributeChange] = []
        for name in COMPARED_FIELDS:
            _compare(name, before[resource_id].get(name), after[resource_id].get(name), changes)
        kept = [c for c in changes if not _ignored(c.path, skipped)]
        if kept:
            result.changed.append(ResourceDrift(_summary(after[resource_id]), kept))
    return result


def _summary(resource: dict[str, Any]) -> dict[str, Any]:
    return {key: resource.get(key) for key in SUMMARY_FIELDS}


def _compare(path: str, old: Any, new: Any, out: list[AttributeChange]) -> None:
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            _compare(_child(path, key), old.get(key, _ABSENT), new.get(key, _ABSENT), out)
    elif _scalars(old) and _scalars(new):
        if sorted(map(str, old)) != sorted(map(str, new)):  # ids, paths, zones: order is noise
            out.append(AttributeChange(path, "changed", old, new))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for position, (first, second) in enumerate(zip(old, new, strict=True)):
            _compare(f"{path}[{position}]", first, second, out)
    elif old is _ABSENT:
        out.append(AttributeChange(path, "added", None, new))
    elif new is _ABSENT:
        out.append(AttributeChange(path, "removed", old, None))
    else:
        out.append(AttributeChange(path, "changed", old, new))


def _scalars(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, str | int | float | bool) or item is None for item in value
    )


def _child(path: str, key: Any) -> str:
    text = str(key)
    return f"{path}.{text}" if _PLAIN_KEY.match(text) else f"{path}[{text!r}]"


def _ignored(path: str, skipped: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in skipped)
