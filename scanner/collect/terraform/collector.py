"""``collect_plan``: a Terraform JSON plan file in, an Inventory out."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from scanner.collect.terraform.configuration import ConfigIndex
from scanner.collect.terraform.coverage import plan_coverage
from scanner.collect.terraform.load import load_plan_document
from scanner.collect.terraform.mapping import UNKNOWN, MapContext
from scanner.collect.terraform.merge import enrich, fold
from scanner.collect.terraform.providers import ProviderInfo, Providers
from scanner.collect.terraform.references import Resolver
from scanner.collect.terraform.registry import FOLDERS, MAPPERS, Folder, canonical_type
from scanner.collect.terraform.values import (
    drop_secret_names,
    has_unknown,
    is_secret_name,
    unknown_paths,
)
from scanner.collect.terraform.walk import Instance, build_index
from scanner.gc_pause import gc_paused
from scanner.inventory.model import Inventory, Resource


def collect_plan(path: str | os.PathLike[str]) -> Inventory:
    """Read a ``terraform show -json`` plan and normalize it into an Inventory.

    ``environment`` and ``env_signals`` stay empty: environments are resolved later
    from the baseline. Raises ``InputError`` for files that are not plans.
    """
    with gc_paused():
        return _collect(str(path))


def _collect(source: str) -> Inventory:
    plan, notes = load_plan_document(source)
    config = ConfigIndex(plan.get("configuration"), plan.get("variables"))
    index = build_index(plan, config)
    resolver = Resolver(index, config)
    providers = Providers(config)
    resources: list[Resource] = []
    folded: list[tuple[Instance, Folder]] = []
    for instance in index.instances:
        folder = FOLDERS.get(instance.type)
        if folder is not None:
            folded.append((instance, folder))
        else:
            resources.append(_resource(instance, resolver, providers))
    by_id = {resource.id: resource for resource in resources}
    warnings = list(notes)
    warnings.extend(f"{source}: {note}" for note in fold(folded, by_id, resolver))
    enrich(resources, by_id)
    return Inventory(
        source={
            "kind": "plan",
            "path": source,
            "terraform_version": _text(plan.get("terraform_version")),
            "format_version": _text(plan.get("format_version")),
        },
        resources=resources,
        changes=index.changes,
        coverage=plan_coverage(resources),
        warnings=warnings,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _resource(instance: Instance, resolver: Resolver, providers: Providers) -> Resource:
    """Map one instance: canonical fields for known types, raw known values otherwise."""
    ctx = MapContext(instance, resolver)
    mapper = MAPPERS.get(instance.type)
    provider = providers.for_instance(instance)
    if mapper is not None:
        mapper(ctx)
        attributes, unknown = ctx.attributes, ctx.unknown
    else:
        attributes = drop_secret_names(instance.after)
        unknown = [
            path
            for path in unknown_paths(instance.unknown)
            if not any(is_secret_name(part) for part in path.split("."))
        ]
    tags, tags_unknown = (ctx.tags, False) if ctx.tags is not None else _tags(ctx, provider)
    if tags_unknown and "tags" not in unknown:
        unknown.append("tags")
    name = ctx.name or tags.get("Name")
    if name is None and mapper is None:
        raw_name = instance.after.get("name")
        name = raw_name if isinstance(raw_name, str) and raw_name else None
    return Resource(
        id=instance.address,
        type=canonical_type(instance.type),
        account=provider.account,
        region=provider.region,
        name=name,
        address=instance.address,
        tags=tags,
        attributes=attributes,
        refs=ctx.refs,
        unknown=unknown,
        change=instance.actions,
        source="plan",
        mapped=mapper is not None,
    )


def _tags(ctx: MapContext, provider: ProviderInfo) -> tuple[dict[str, str], bool]:
    """Tags as a string map: ``tags_all`` when known, else ``tags`` over provider defaults."""
    tags_all = ctx.get("tags_all", partial=True)
    if isinstance(tags_all, dict) and not _partly_unknown(ctx, "tags_all"):
        return _strings(tags_all), False
    tags = ctx.get("tags", partial=True)
    merged = dict(provider.default_tags or {})
    unknown = tags_all is UNKNOWN and provider.default_tags_unknown
    if tags is UNKNOWN:
        return merged, True
    if isinstance(tags, dict):
        merged.update(_strings(tags))
        unknown = unknown or _partly_unknown(ctx, "tags")
    return merged, unknown


def _partly_unknown(ctx: MapContext, field: str) -> bool:
    marks = ctx.instance.unknown.get(field) if isinstance(ctx.instance.unknown, dict) else None
    return has_unknown(marks)


def _strings(tags: dict[str, Any]) -> dict[str, str]:
    return {str(k): v for k, v in tags.items() if isinstance(v, str)}
