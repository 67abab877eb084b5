"""Resolve each resource's environment from the baseline: override, account, tag, VPC CIDR.

Every signal is recorded in ``Resource.env_signals`` so that TAG-001 can report
resources with no signal or with signals that disagree; the first signal present in
the order above becomes ``Resource.environment``.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from typing import Any

from scanner.errors import UsageError
from scanner.inventory.model import Inventory, Resource

SIGNAL_ORDER = ("override", "account", "tag", "cidr")
_MAX_HOPS = 4


def resolve_environments(
    inventory: Inventory, baseline: dict[str, Any], override: str | None = None
) -> None:
    """Set ``environment`` and ``env_signals`` on every resource of ``inventory``."""
    environments = baseline.get("environments", {})
    if override is not None and override not in environments:
        names = ", ".join(sorted(environments))
        raise UsageError(f"--env {override!r} is not an environment of the baseline ({names})")
    by_account = _account_map(baseline)
    by_tag = _tag_map(baseline)
    tag_key = baseline.get("tags", {}).get("environment_tag", "Environment")
    vpc_cidrs = _vpc_cidrs(environments)
    index = inventory.by_id()
    for resource in inventory.resources:
        raw_tag = _tag_value(resource.tags, tag_key)
        signals: dict[str, Any] = {
            "override": override,
            "account": by_account.get(resource.account or ""),
            "tag": by_tag.get(raw_tag.lower()) if raw_tag else None,
            "cidr": _cidr_environment(resource, index, vpc_cidrs),
        }
        if raw_tag and signals["tag"] is None:
            signals["tag_unrecognized"] = raw_tag
        resource.env_signals = signals
        resource.environment = next((signals[k] for k in SIGNAL_ORDER if signals[k]), None)


def _account_map(baseline: dict[str, Any]) -> dict[str, str]:
    accounts = baseline.get("accounts", {})
    mapping: dict[str, str] = {}
    for name, env in baseline.get("environments", {}).items():
        account = accounts.get(env.get("account"), {})
        if account.get("id"):
            mapping[str(account["id"])] = name
    return mapping


def _tag_map(baseline: dict[str, Any]) -> dict[str, str]:
    mapping = {name.lower(): name for name in baseline.get("environments", {})}
    for name, aliases in baseline.get("tags", {}).get("environment_aliases", {}).items():
        for alias in aliases:
            mapping[str(alias).lower()] = name
    return mapping


def _tag_value(tags: dict[str, str], key: str) -> str | None:
    for name, value in tags.items():
        if name.lower() == key.lower() and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _vpc_cidrs(environments: dict[str, Any]) -> list[tuple[Any, str]]:
    cidrs = []
    for name, env in environments.items():
        cidr = (env.get("vpc") or {}).get("cidr")
        if cidr:
            cidrs.append((ipaddress.ip_network(cidr, strict=False), name))
    return cidrs


def _cidr_environment(
    resource: Resource, index: dict[str, Resource], vpc_cidrs: list[tuple[Any, str]]
) -> str | None:
    vpc = _find_vpc(resource, index)
    cidr = vpc.attributes.get("cidr_block") if vpc else None
    if not isinstance(cidr, str):
        return None
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
    for documented, name in vpc_cidrs:
        if network.version == documented.version and network.subnet_of(documented):
            return name
    return None


def _find_vpc(resource: Resource, index: dict[str, Resource]) -> Resource | None:
    """The VPC a resource lives in, following refs breadth-first (subnet, cluster, ...)."""
    queue: deque[tuple[Resource, int]] = deque([(resource, 0)])
    seen = {resource.id}
    while queue:
        current, hops = queue.popleft()
        if current.type == "aws_vpc":
            return current
        if hops >= _MAX_HOPS:
            continue
        for target in _ref_targets(current):
            linked = index.get(target)
            if linked is not None and linked.id not in seen:
                seen.add(linked.id)
                queue.append((linked, hops + 1))
    return None


def _ref_targets(resource: Resource) -> list[str]:
    preferred = ("vpc", "subnet", "subnets", "cluster", "load_balancer", "subnet_group")
    targets: list[str] = []
    for name in preferred:
        value = resource.refs.get(name)
        if isinstance(value, str):
            targets.append(value)
        elif isinstance(value, list):
            targets.extend(str(item) for item in value)
    return targets
