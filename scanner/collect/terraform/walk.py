"""One pass over a plan: resource instances, data source values, module instances, changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from scanner.collect.terraform.addresses import (
    Key,
    config_path,
    module_address,
    parse_module_instance,
    parse_resource_address,
)
from scanner.collect.terraform.configuration import ConfigIndex
from scanner.collect.terraform.values import strip_sensitive
from scanner.inventory.model import Change

_GONE = frozenset({"delete", "forget"})


@dataclass
class Instance:
    """One managed resource instance that exists after apply, as the plan describes it."""

    address: str
    type: str
    name: str
    key: Key
    module: str  # module instance address, "" for the root module
    actions: list[str] | None  # None when only planned_values describe it
    after: dict[str, Any]  # planned values, sensitive parts dropped
    unknown: Any  # the ``after_unknown`` mirror (None when not given)
    provider_name: str | None = None
    config: dict[str, Any] | None = None  # the configuration block of its resource

    @property
    def config_path(self) -> tuple[str, ...]:
        return config_path(self.module)


@dataclass
class PlanIndex:
    """Lookups built once per plan; nothing here rescans the plan."""

    instances: list[Instance] = field(default_factory=list)
    by_address: dict[str, Instance] = field(default_factory=dict)
    blocks: dict[tuple[str, str, str], list[Instance]] = field(default_factory=dict)
    keyed: dict[tuple[str, str, str], dict[Key, Instance]] = field(default_factory=dict)
    by_module_type: dict[tuple[str, str], list[Instance]] = field(default_factory=dict)
    by_type: dict[str, list[Instance]] = field(default_factory=dict)
    data: dict[tuple[str, str, str], list[tuple[Key, dict[str, Any]]]] = field(default_factory=dict)
    module_children: dict[tuple[str, str], list[tuple[Key, str]]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    modules: set[str] = field(default_factory=lambda: {""})
    pending: dict[str, tuple[list[str], Any]] = field(default_factory=dict)


@lru_cache(maxsize=16384)
def normalize_module(address: str | None) -> str:
    """A module instance address in one canonical spelling."""
    return module_address(parse_module_instance(address or ""))


def build_index(plan: dict[str, Any], config: ConfigIndex) -> PlanIndex:
    """Index ``resource_changes``, ``planned_values`` and ``prior_state`` in one pass each."""
    index = PlanIndex()
    described: set[str] = set()
    data_seen: set[str] = set()
    for change in plan.get("resource_changes") or []:
        if isinstance(change, dict):
            _add_change(index, change, described, data_seen, config)
    planned = (plan.get("planned_values") or {}).get("root_module")
    for module in _modules(planned):
        _register_module(index, normalize_module(module.get("address")))
        for resource in module.get("resources") or []:
            if isinstance(resource, dict):
                _add_planned(index, resource, described, data_seen, config)
    prior = ((plan.get("prior_state") or {}).get("values") or {}).get("root_module")
    for module in _modules(prior):
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and resource.get("mode") == "data":
                _add_data(index, resource, resource.get("values"), resource.get("sensitive_values"))
                data_seen.add(str(resource.get("address")))
    for instances in index.blocks.values():
        instances.sort(key=_key_order)
    return index


def _modules(root: Any) -> list[dict[str, Any]]:
    """A module tree flattened, depth first, without recursion."""
    found: list[dict[str, Any]] = []
    stack = [root] if isinstance(root, dict) else []
    while stack:
        module = stack.pop()
        found.append(module)
        children = module.get("child_modules") or []
        stack.extend(child for child in reversed(children) if isinstance(child, dict))
    return found


def _key_order(instance: Instance) -> tuple[int, int, str]:
    key = instance.key
    if key is None:
        return (0, 0, "")
    if isinstance(key, int):
        return (1, key, "")
    return (2, 0, str(key))


def _add_change(
    index: PlanIndex,
    change: dict[str, Any],
    described: set[str],
    data_seen: set[str],
    config: ConfigIndex,
) -> None:
    address = str(change.get("address", ""))
    described_fully = (
        "mode" in change
        and "type" in change
        and "name" in change
        and ("index" in change or not address.endswith("]"))
    )
    module_given = "module_address" in change or not address.startswith("module.")
    parsed = None if described_fully and module_given else parse_resource_address(address)
    mode = change.get("mode") or (parsed.mode if parsed else "managed")
    rtype = str(change.get("type") or (parsed.type if parsed else ""))
    detail = change.get("change") or {}
    actions = [str(a) for a in detail.get("actions") or []]
    if mode == "data":
        _add_data(index, change, detail.get("after"), detail.get("after_sensitive"))
        data_seen.add(address)
        return
    index.changes.append(Change(address=address, type=rtype, actions=actions))
    after = detail.get("after")
    if change.get("deposed") or set(actions) <= _GONE:
        described.add(address)
        return
    if not isinstance(after, dict):
        # Only planned_values describe the planned object; keep the actions for it.
        index.pending[address] = (actions, detail.get("after_unknown"))
        return
    described.add(address)
    if address in index.by_address:
        return
    if "module_address" in change:
        module = normalize_module(change["module_address"])
    else:
        module = parsed.module if parsed else ""
    instance = Instance(
        address=address,
        type=rtype,
        name=str(change.get("name") or (parsed.name if parsed else "")),
        key=change.get("index", parsed.key if parsed else None),
        module=module,
        actions=actions,
        after=strip_sensitive(after, detail.get("after_sensitive")) or {},
        unknown=detail.get("after_unknown"),
        provider_name=change.get("provider_name"),
    )
    _add_instance(index, instance, config)


def _add_planned(
    index: PlanIndex,
    resource: dict[str, Any],
    described: set[str],
    data_seen: set[str],
    config: ConfigIndex,
) -> None:
    address = str(resource.get("address", ""))
    if resource.get("mode") == "data":
        if address not in data_seen:
            _add_data(index, resource, resource.get("values"), resource.get("sensitive_values"))
            data_seen.add(address)
        return
    if address in described:
        return
    parsed = parse_resource_address(address)
    if parsed is None:
        return
    values = resource.get("values")
    actions, unknown = index.pending.get(address, (None, None))
    instance = Instance(
        address=address,
        type=str(resource.get("type") or parsed.type),
        name=str(resource.get("name") or parsed.name),
        key=resource.get("index", parsed.key),
        module=parsed.module,
        actions=actions,
        after=strip_sensitive(
            values if isinstance(values, dict) else {}, resource.get("sensitive_values")
        )
        or {},
        unknown=unknown,
        provider_name=resource.get("provider_name"),
    )
    described.add(address)
    _add_instance(index, instance, config)


def _add_instance(index: PlanIndex, instance: Instance, config: ConfigIndex) -> None:
    instance.config = config.resource(instance.config_path, "managed", instance.type, instance.name)
    index.instances.append(instance)
    index.by_address[instance.address] = instance
    block = (instance.module, instance.type, instance.name)
    index.blocks.setdefault(block, []).append(instance)
    index.keyed.setdefault(block, {})[instance.key] = instance
    index.by_module_type.setdefault((instance.module, instance.type), []).append(instance)
    index.by_type.setdefault(instance.type, []).append(instance)
    _register_module(index, instance.module)


def _add_data(index: PlanIndex, resource: dict[str, Any], values: Any, marks: Any) -> None:
    parsed = parse_resource_address(str(resource.get("address", "")))
    if parsed is None or not isinstance(values, dict):
        return
    module = (
        normalize_module(resource["module_address"])
        if "module_address" in resource
        else parsed.module
    )
    key = resource.get("index", parsed.key)
    kept = strip_sensitive(values, marks) or {}
    index.data.setdefault((module, parsed.type, parsed.name), []).append((key, kept))
    _register_module(index, module)


def _register_module(index: PlanIndex, module: str) -> None:
    """Record a module instance and its ancestors under their parents' calls."""
    if module in index.modules:
        return
    steps = parse_module_instance(module)
    for depth in range(len(steps), 0, -1):
        child = module_address(steps[:depth])
        if child in index.modules:
            return  # its ancestors are registered already
        index.modules.add(child)
        parent = module_address(steps[: depth - 1])
        siblings = index.module_children.setdefault((parent, steps[depth - 1].name), [])
        siblings.append((steps[depth - 1].key, child))
