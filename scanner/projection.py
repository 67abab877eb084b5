"""Post-apply projection: a live snapshot as it will be once a Terraform plan is applied.

Plan resources are identified by Terraform addresses, live ones by AWS ids and ARNs. The
join goes through the plan's ``before`` values (the prior state Terraform refreshed),
which carry the real ``id`` and ``arn`` of every resource the plan updates, replaces,
deletes or leaves alone. Creates are added; updates and replacements take the place of
the live resource they match (keeping its live id, so live references and fingerprints
still meet); deletes remove it. Changes the projection cannot apply are reported as
*unresolved* and leave the run incomplete under fail-closed.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scanner.collect.terraform import collect_plan, load_plan_document
from scanner.collect.terraform.registry import FOLDERS, canonical_type
from scanner.collect.terraform.values import strip_sensitive
from scanner.errors import ExitCode, InputError
from scanner.gate import UnknownMode
from scanner.inventory.io import load_inventory
from scanner.inventory.model import Inventory, Resource

_SHOWN = 3
_REPLACING = frozenset({"update", "delete"})  # with "create": a replacement


@dataclass
class PlanEntry:
    """What the plan says about one managed resource address, for the join."""

    address: str
    type: str  # canonical inventory type
    raw_type: str  # Terraform type (folded types keep theirs)
    actions: list[str]
    ids: set[str]  # AWS id and ARN from ``before`` (``after`` for unchanged resources)
    parent: str | None = None  # for split resources: the parent argument's known value


@dataclass
class Projection:
    """The projected inventory and what the projection did and could not do."""

    inventory: Inventory
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unmatched_updates: list[str] = field(default_factory=list)
    unmatched_deletes: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # make the run incomplete
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts and addresses, recorded in the projected inventory's ``source``."""
        return {
            "created": sorted(self.created),
            "updated": sorted(self.updated),
            "deleted": sorted(self.deleted),
            "unmatched_updates": sorted(self.unmatched_updates),
            "unmatched_deletes": sorted(self.unmatched_deletes),
            "unresolved": sorted(self.unresolved),
        }

    def exit_code(self, code: int, unknown: UnknownMode, soft_fail: bool) -> int:
        """The gate with the projection's gaps: unresolved changes make a clean run exit 3."""
        if soft_fail or code != ExitCode.CLEAN or not self.unresolved:
            return code
        return ExitCode.INCOMPLETE if unknown == UnknownMode.FAIL else code


def project_files(
    plan_path: str | os.PathLike[str],
    snapshot_path: str | os.PathLike[str],
    plan: Inventory | None = None,
) -> Projection:
    """Load a plan (or reuse its collected inventory) and a live snapshot, and project."""
    live = load_inventory(snapshot_path)
    if live.kind != "live":
        raise InputError(
            f"is a {live.kind} inventory, not a live snapshot",
            source=str(snapshot_path),
            hint="write one with `archscan snapshot -o FILE`",
        )
    document, _ = load_plan_document(plan_path)
    collected = plan if plan is not None else collect_plan(plan_path)
    return project(live, collected, plan_entries(document), (str(plan_path), str(snapshot_path)))


def plan_entries(document: dict[str, Any]) -> dict[str, PlanEntry]:
    """Managed resource changes by address, with the AWS identities their prior state holds."""
    entries: dict[str, PlanEntry] = {}
    for change in document.get("resource_changes") or []:
        if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
            continue
        if change.get("deposed"):
            continue
        detail = change.get("change") or {}
        actions = [str(a) for a in detail.get("actions") or []]
        raw_type = str(change.get("type") or "")
        unchanged = actions in (["no-op"], ["read"])
        values = detail.get("after") if unchanged else detail.get("before")
        marks = detail.get("after_sensitive") if unchanged else detail.get("before_sensitive")
        known = strip_sensitive(values, marks) if isinstance(values, dict) else None
        entry = PlanEntry(
            address=str(change.get("address", "")),
            type=canonical_type(raw_type),
            raw_type=raw_type,
            actions=actions,
            ids=_identities(known),
        )
        folder = FOLDERS.get(raw_type)
        if folder is not None:
            entry.parent = _parent_value(detail, folder.parent_argument)
        entries[entry.address] = entry
    return entries


def _identities(values: dict[str, Any] | None) -> set[str]:
    if not values:
        return set()
    return {str(values[k]) for k in ("id", "arn") if isinstance(values.get(k), str) and values[k]}


def _parent_value(detail: dict[str, Any], argument: str) -> str | None:
    for side in ("after", "before"):
        values = detail.get(side)
        if isinstance(values, dict) and isinstance(values.get(argument), str):
            return str(values[argument])
    return None


@cache
def live_collected_types() -> frozenset[str]:
    """Canonical types some live collector produces: deleting one unseen is a gap."""
    from scanner.collect.aws.registry import all_specs

    return frozenset(t for spec in all_specs().values() for t in spec.types)


def project(
    live: Inventory,
    plan: Inventory,
    entries: dict[str, PlanEntry],
    inputs: tuple[str, str] = ("", ""),
) -> Projection:
    """The live inventory with the plan applied (neither input is modified).

    ``inputs`` names the plan and snapshot files, recorded in the result's ``source``.
    """
    resources = [copy.deepcopy(r) for r in live.resources]
    index = _live_index(resources)
    result = Projection(inventory=live)
    matches = {
        entry.address: position
        for entry in entries.values()
        if (position := _match(index, entry)) is not None
    }
    renames = {address: resources[pos].id for address, pos in matches.items()}
    touched = _touched_parents(entries, result)
    removed: set[int] = set()
    added: list[Resource] = []
    accounts = _accounts(live)
    for planned in plan.resources:
        kind = _kind(planned.change)
        if kind == "keep" and planned.id not in touched:
            continue  # unchanged: the live view stays
        resource = _rewrite(copy.deepcopy(planned), renames)
        position = matches.get(planned.id)
        if kind == "create":
            result.created.append(planned.id)
            added.append(_fill_account(resource, accounts))
        elif position is not None:
            result.updated.append(planned.id)
            resources[position] = _overlay(resources[position], resource)
        else:
            result.unmatched_updates.append(planned.id)
            added.append(_fill_account(resource, accounts))
    for entry in entries.values():
        if entry.actions != ["delete"] or entry.raw_type in FOLDERS:
            continue
        position = matches.get(entry.address)
        if position is not None:
            removed.add(position)
            result.deleted.append(entry.address)
            continue
        result.unmatched_deletes.append(entry.address)
        if entry.type in live_collected_types():
            result.unresolved.append(entry.address)
    kept = [r for pos, r in enumerate(resources) if pos not in removed]
    _add_warnings(result)
    result.inventory = Inventory(
        source=_source(live, plan, result, inputs),
        resources=kept + added,
        changes=list(plan.changes),
        coverage=list(live.coverage),
        warnings=list(live.warnings) + list(plan.warnings) + result.warnings,
        generated_at=live.generated_at,
    )
    return result


def _kind(actions: list[str] | None) -> str:
    """``create``, ``replace`` (an update or a delete-and-create) or ``keep``."""
    found = set(actions or [])
    if found & _REPLACING:
        return "replace"
    return "create" if "create" in found else "keep"


def _live_index(resources: list[Resource]) -> dict[tuple[str, str], int]:
    index: dict[tuple[str, str], int] = {}
    for position, resource in enumerate(resources):
        index.setdefault((resource.type, resource.id), position)
        arn = resource.attributes.get("arn")
        if isinstance(arn, str) and arn:
            index.setdefault((resource.type, arn), position)
    return index


def _match(index: dict[tuple[str, str], int], entry: PlanEntry) -> int | None:
    found = {index[(entry.type, i)] for i in entry.ids if (entry.type, i) in index}
    return found.pop() if len(found) == 1 else None


def _touched_parents(entries: dict[str, PlanEntry], result: Projection) -> set[str]:
    """Addresses of unchanged parents whose split resources (routes, rules) change."""
    by_identity = {
        (entry.type, identity): entry.address
        for entry in entries.values()
        for identity in entry.ids
    }
    touched: set[str] = set()
    for entry in entries.values():
        folder = FOLDERS.get(entry.raw_type)
        if folder is None or entry.actions in (["no-op"], ["read"], ["forget"]):
            continue
        if entry.parent is None:
            continue  # unknown until apply: its parent is created by the plan
        parent = next(
            (
                by_identity[(kind, entry.parent)]
                for kind in folder.parent_types
                if (kind, entry.parent) in by_identity
            ),
            None,
        )
        if parent is None:
            result.unresolved.append(entry.address)  # its parent is outside the plan
        else:
            touched.add(parent)
    return touched


def _rewrite(resource: Resource, renames: dict[str, str]) -> Resource:
    """Point refs (and reference-valued attributes) at live ids where the plan's are known."""
    resource.refs = _renamed(resource.refs, renames)
    resource.attributes = _renamed(resource.attributes, renames)
    return resource


def _renamed(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [_renamed(item, renames) for item in value]
    if isinstance(value, dict):
        return {key: _renamed(item, renames) for key, item in value.items()}
    return value


def _overlay(current: Resource, planned: Resource) -> Resource:
    """The live resource with the plan's values: live-only attributes survive, unknowns drop."""
    attributes = dict(current.attributes) if planned.mapped else {}
    attributes.update(planned.attributes if planned.mapped else current.attributes)
    refs = dict(current.refs)
    refs.update(planned.refs)
    for path in planned.unknown:
        head, _, rest = path.partition(".")
        if head == "refs":
            refs.pop(rest.split(".")[0], None)
        elif head not in planned.attributes:
            attributes.pop(head, None)
    return Resource(
        id=current.id,
        type=current.type,
        account=current.account,
        region=current.region,
        name=planned.name or current.name,
        address=planned.address,
        tags=planned.tags if planned.tags or "tags" in planned.unknown else current.tags,
        attributes=attributes,
        refs=refs,
        unknown=list(planned.unknown),
        change=planned.change,
        source="plan",
        mapped=current.mapped,
    )


def _accounts(live: Inventory) -> set[str]:
    found = {r.account for r in live.resources if r.account}
    found.update(entry.account for entry in live.coverage if entry.account)
    return found


def _fill_account(resource: Resource, accounts: set[str]) -> Resource:
    """A plan that does not name its account targets the snapshot's, when it holds one."""
    if resource.account is None and len(accounts) == 1:
        resource.account = next(iter(accounts))
    return resource


def _add_warnings(result: Projection) -> None:
    groups = (
        (
            result.unmatched_updates,
            "changed by the plan match no resource of the snapshot "
            "by AWS id or ARN: added as new resources",
        ),
        (result.unmatched_deletes, "deleted by the plan match no resource of the snapshot"),
        (result.unresolved, "cannot be applied to the snapshot, so the projection is incomplete"),
    )
    for addresses, text in groups:
        if addresses:
            result.warnings.append(f"projection: {len(addresses)} {_listed(addresses)} {text}")


def _listed(addresses: list[str]) -> str:
    shown = ", ".join(sorted(addresses)[:_SHOWN])
    more = ", ..." if len(addresses) > _SHOWN else ""
    return f"resource{'s' if len(addresses) != 1 else ''} ({shown}{more})"


def _source(
    live: Inventory, plan: Inventory, result: Projection, inputs: tuple[str, str]
) -> dict[str, Any]:
    plan_path = inputs[0] or str(plan.source.get("path", ""))
    snapshot_path = inputs[1] or str(live.source.get("path", ""))
    return {
        **live.source,
        "kind": "live",
        "path": snapshot_path,
        "inputs": [plan_path, snapshot_path],
        "projection": {"plan": dict(plan.source), "snapshot": dict(live.source)} | result.summary(),
    }
