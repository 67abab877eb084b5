"""Merge shard inventories into the inventory one unsharded run would have written.

Resources are deduplicated by id, coverage entries by (account, region, service) with a
gap winning over ``ok`` (fail closed). Inventories written with ``--shard`` must form one
complete set: the same N, every index 0..N-1 exactly once, the same discovered accounts;
otherwise the merge refuses, because a missing shard would silently drop accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scanner.errors import InputError, UsageError
from scanner.inventory.io import validate_inventory
from scanner.inventory.model import Change, CoverageEntry, CoverageStatus, Inventory, Resource
from scanner.merge.documents import Document

SOURCE_LISTS = ("accounts", "regions", "services")
LOST_MESSAGE = (
    "discovered by a shard but collected by none (the organization changed during the run)"
)


def merge_inventory_documents(documents: list[Document]) -> Inventory:
    """Validate each input against the inventory schema, check the shard set, merge."""
    inventories = []
    for document in documents:
        validate_inventory(document.data, document.source)
        inventories.append(Inventory.from_dict(document.data))
    _check_one_kind(inventories, documents)
    order = _check_shards(inventories, documents)
    return merge_inventories([inventories[index] for index in order])


def merge_inventories(inventories: list[Inventory]) -> Inventory:
    """One inventory holding every input's resources, changes, coverage and warnings."""
    first = inventories[0]
    source = {key: value for key, value in first.source.items() if key != "shard"}
    for key in SOURCE_LISTS:
        if any(key in inv.source for inv in inventories):
            source[key] = _ordered_union(inv.source.get(key, []) for inv in inventories)
    if "accounts" in source:
        source["accounts"] = sorted(source["accounts"])
    if len(inventories) > 1:
        source["merged_from"] = len(inventories)
    stamps = [inv.generated_at for inv in inventories if inv.generated_at]
    lost = _lost_accounts(inventories)
    lost_coverage = [
        CoverageEntry(account, "global", service, CoverageStatus.ERROR, None, LOST_MESSAGE)
        for account in lost
        for service in source.get("services", [])
    ]
    lost_warning = [f"{LOST_MESSAGE}: {', '.join(lost)}"] if lost else []
    return Inventory(
        source=source,
        resources=_unique((r for inv in inventories for r in inv.resources), _resource_id),
        changes=_unique((c for inv in inventories for c in inv.changes), _change_address),
        coverage=merge_coverage(
            [entry for inv in inventories for entry in inv.coverage] + lost_coverage
        ),
        warnings=_ordered_union(inv.warnings for inv in inventories) + lost_warning,
        generated_at=max(stamps) if stamps else None,
        schema_version=first.schema_version,
    )


def merge_coverage(entries: Iterable[CoverageEntry]) -> list[CoverageEntry]:
    """One entry per (account, region, service); a gap wins over ``ok``, the first gap stays."""
    merged: dict[tuple[Any, Any, str], CoverageEntry] = {}
    for entry in entries:
        key = (entry.account, entry.region, entry.service)
        held = merged.get(key)
        if held is None or (held.status == CoverageStatus.OK and entry.status != CoverageStatus.OK):
            merged[key] = entry
    return list(merged.values())


def _resource_id(resource: Resource) -> str:
    return resource.id


def _change_address(change: Change) -> str:
    return change.address


def _unique(items: Iterable[Any], key: Callable[[Any], str]) -> list[Any]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _ordered_union(lists: Iterable[Iterable[Any]]) -> list[Any]:
    seen: dict[Any, None] = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def _check_one_kind(inventories: list[Inventory], documents: list[Document]) -> None:
    kinds = {inv.kind for inv in inventories}
    if len(kinds) > 1:
        listing = ", ".join(
            f"{d.source} is {i.kind}" for d, i in zip(documents, inventories, strict=True)
        )
        raise UsageError(f"cannot merge plan and live inventories: {listing}")
    callers = {inv.source.get("caller_account") for inv in inventories} - {None}
    if len(callers) > 1:
        raise UsageError(
            f"inventories come from different management accounts: {', '.join(sorted(callers))}"
        )


def _check_shards(inventories: list[Inventory], documents: list[Document]) -> list[int]:
    """Input positions in shard order; raise unless the shards form one complete set."""
    shards = [inv.source.get("shard") for inv in inventories]
    if not any(shards):
        return list(range(len(inventories)))
    for document, shard in zip(documents, shards, strict=True):
        if not isinstance(shard, dict):
            raise InputError(
                "was not written with --shard, the other inputs were",
                source=document.source,
                hint="merge the shards of one run only",
            )
    counts = {int(shard["count"]) for shard in shards}  # type: ignore[index]
    if len(counts) > 1:
        raise UsageError(f"the inputs were split into different shard counts: {sorted(counts)}")
    count = counts.pop()
    positions: dict[int, int] = {}
    for position, shard in enumerate(shards):
        index = int(shard["index"])  # type: ignore[index]
        if index in positions:
            first, again = documents[positions[index]].source, documents[position].source
            raise UsageError(f"shard {index}/{count} is given twice: {first} and {again}")
        positions[index] = position
    missing = sorted(set(range(count)) - set(positions))
    if missing:
        names = ", ".join(f"{index}/{count}" for index in missing)
        raise UsageError(
            f"incomplete shard set: missing {names}",
            hint="every shard's accounts would be absent from the merged inventory",
        )
    return [positions[index] for index in range(count)]


def _lost_accounts(inventories: list[Inventory]) -> list[str]:
    """Accounts some shard discovered that no shard collected (the organization changed)."""
    discovered: set[str] = set()
    collected: set[str] = set()
    for inv in inventories:
        shard = inv.source.get("shard")
        if isinstance(shard, dict):
            discovered.update(shard.get("discovered", []))
            collected.update(inv.source.get("accounts", []))
    return sorted(discovered - collected)
