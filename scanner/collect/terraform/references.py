"""Resolve links between resources from ``after`` values and ``configuration`` references.

A link whose value is unknown until apply (a new subnet's ``vpc_id``) is found by
following the attribute's expression references: directly to a resource
(``aws_vpc.main``), into modules through their outputs (``module.vpc.vpc_id``), up to
calling modules through input variables (``var.vpc_id``), and across ``count`` and
``for_each`` instances (``[0]``, ``["a"]``, ``[*]``, ``count.index``, ``each.key``,
``each.value``). A known value that is an AWS id stays as it is, unless a resource of
the plan holds that id, in which case the link names that resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.collect.terraform.addresses import (
    SPLAT,
    Index,
    Key,
    config_path,
    join,
    parse_steps,
    split_module_instance,
)
from scanner.collect.terraform.configuration import ConfigIndex, expression_at, is_expression
from scanner.collect.terraform.walk import Instance, PlanIndex

_MAX_DEPTH = 48
_IGNORED_ROOTS = frozenset({"count", "path", "terraform", "self"})

# Attributes besides ``id`` and ``arn`` by which other resources name a resource.
_NAME_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_eks_cluster": ("name",),
    "aws_s3_bucket": ("bucket",),
    "aws_db_subnet_group": ("name",),
    "aws_elasticache_subnet_group": ("name",),
    "aws_rds_cluster": ("cluster_identifier",),
    "aws_db_instance": ("identifier",),
    "aws_launch_template": ("name",),
    "aws_kms_key": ("key_id",),
    "aws_security_group": ("name",),
}

# Data sources that return the ids of several resources of a type.
_PLURAL_DATA: dict[str, str] = {
    "aws_subnets": "aws_subnet",
    "aws_subnet_ids": "aws_subnet",
    "aws_security_groups": "aws_security_group",
    "aws_vpcs": "aws_vpc",
}


@dataclass
class Candidates:
    """What an expression may point at: resource addresses, literal ids, opaque scopes."""

    addresses: dict[str, None] = field(default_factory=dict)  # ordered set
    literals: dict[str, None] = field(default_factory=dict)
    opaque: set[str] = field(default_factory=set)  # module instances where a local hid it

    def extend(self, other: Candidates) -> None:
        self.addresses.update(other.addresses)
        self.literals.update(other.literals)
        self.opaque.update(other.opaque)

    def add_literal(self, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and item:
                self.literals[item] = None

    def positional(self, positions: set[int]) -> Candidates:
        """The elements at ``positions`` (``var.subnets[0]``, ``module.vpc.ids[1]``)."""
        picked = Candidates(opaque=set(self.opaque))
        pool = list(self.addresses) or list(self.literals)
        target = picked.addresses if self.addresses else picked.literals
        for pos in sorted(positions):
            if 0 <= pos < len(pool):
                target[pool[pos]] = None
        return picked


@dataclass(frozen=True)
class Scope:
    """Where an expression is evaluated: a module instance, and the instance key there."""

    module: str
    key: Key = None
    for_each: tuple[str, ...] = ()  # references of the for_each expression (for each.value)


@dataclass
class RefResult:
    """A resolved link (an id or a list of ids), or ``unresolved`` when unknown until apply."""

    value: str | list[str] | None = None
    unresolved: bool = False


@dataclass
class _Group:
    keys: set[Key] = field(default_factory=set)
    positions: set[int] = field(default_factory=set)
    bare: bool = False


class IdIndex:
    """Known ids, ARNs and names of the plan's resources -> their addresses."""

    def __init__(self, instances: list[Instance]):
        self._ids: dict[tuple[str, str], str] = {}
        for instance in instances:
            after = instance.after
            for attribute in ("id", "arn", *_NAME_ATTRIBUTES.get(instance.type, ())):
                value = after.get(attribute)
                if isinstance(value, str) and value:
                    self._ids.setdefault((instance.type, value), instance.address)
            bucket = after.get("bucket") if instance.type == "aws_s3_bucket" else None
            if isinstance(bucket, str) and bucket:
                self._ids.setdefault((instance.type, f"arn:aws:s3:::{bucket}"), instance.address)

    def lookup(self, targets: frozenset[str], value: str) -> str | None:
        """The address of a resource of one of ``targets`` known by ``value``."""
        for rtype in targets:
            found = self._ids.get((rtype, value))
            if found:
                return found
        return None


class Resolver:
    """Resolves one attribute of one instance to resource ids; caches module hops."""

    def __init__(self, index: PlanIndex, config: ConfigIndex):
        self.index = index
        self.config = config
        self.ids = IdIndex(index.instances)
        self._cache: dict[tuple[str, str, str, frozenset[str]], Candidates] = {}
        self._active: set[tuple[str, str, str, frozenset[str]]] = set()
        self.memo: dict[str, Any] = {}  # per-plan lookups that mappers build once
        self._expressions: dict[tuple[int, str, Key, frozenset[str]], Candidates] = {}
        self._pinned: list[Any] = []  # keeps cached objects alive so their ids stay unique
        self._narrowing: dict[int, tuple[bool, dict[Key, Instance], list[Instance]]] = {}

    # -- public -------------------------------------------------------------------

    def resolve(
        self,
        instance: Instance,
        path: tuple[str | int, ...],
        targets: frozenset[str],
        value: Any,
        *,
        many: bool = False,
        unknown: bool = False,
    ) -> RefResult:
        """Resolve ``instance``'s attribute at ``path`` to resources of ``targets``.

        ``value`` is the attribute's known value (None when absent or null) and
        ``unknown`` tells that it is known only after apply.
        """
        known = isinstance(value, str | list) and bool(value)
        if not unknown and not known:
            return RefResult()  # known to be null or empty: no link
        expression = self.expression(instance, path)
        if not known and expression is None and instance.config is not None:
            return RefResult()  # computed by AWS, not set by the configuration: no link
        if not known and expression is not None:
            constant, configured = self.config.constant(expression, instance.config_path)
            if constant and configured in (None, "", []):
                return RefResult()  # the configuration leaves it empty: no link
        found = self.candidates(instance, expression, targets) if expression else Candidates()
        if many:
            return self._resolve_many(found, list(found.addresses), targets, value, unknown)
        addresses: Any = found.addresses
        if len(addresses) > 1:
            addresses = self._narrow(found, instance.key, expression)
        if len(addresses) == 1:
            return RefResult(next(iter(addresses)))
        if isinstance(value, str) and value:
            return RefResult(self.ids.lookup(targets, value) or value)
        if not addresses and len(found.literals) == 1:
            return RefResult(next(iter(found.literals)))
        sole = self._sole_in_scopes(found.opaque, targets) if not addresses else None
        if sole:
            return RefResult(sole)
        return RefResult(unresolved=True)

    def expression(self, instance: Instance, path: tuple[str | int, ...]) -> dict[str, Any] | None:
        """The configuration expression of ``instance``'s attribute at ``path``."""
        if not instance.config:
            return None
        return expression_at(instance.config.get("expressions"), path)

    def candidates(
        self, instance: Instance, expression: dict[str, Any], targets: frozenset[str]
    ) -> Candidates:
        """Everything of ``targets`` that an expression of ``instance`` may point at."""
        for_each = (instance.config or {}).get("for_each_expression") or {}
        scope = Scope(instance.module, instance.key, tuple(for_each.get("references") or ()))
        # Instances of one block share their expressions: results differ only by module
        # instance, and by instance key when the expression indexes by it.
        keyed = _uses_key(expression)
        cache_key = (id(expression), instance.module, instance.key if keyed else None, targets)
        cached = self._expressions.get(cache_key)
        if cached is None:
            cached = self._expression(expression, scope, targets, 0)
            self._expressions[cache_key] = cached
            self._pinned.append(expression)
        return cached

    # -- many-valued links ----------------------------------------------------------

    def _resolve_many(
        self,
        found: Candidates,
        addresses: list[str],
        targets: frozenset[str],
        value: Any,
        unknown: bool,
    ) -> RefResult:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and not unknown:
            known = [v for v in value if isinstance(v, str) and v]
            mapped = [self.ids.lookup(targets, v) for v in known]
            if all(mapped) or not addresses:
                return RefResult([m or v for m, v in zip(mapped, known, strict=True)] or None)
            if len(addresses) == len(known) and not found.literals:
                return RefResult(addresses)
            return RefResult([m or v for m, v in zip(mapped, known, strict=True)])
        if not unknown:
            return RefResult()
        merged = addresses + [v for v in found.literals if v not in found.addresses]
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str) and item:
                    mapped_item = self.ids.lookup(targets, item) or item
                    if mapped_item not in merged:
                        merged.append(mapped_item)
        if merged:
            return RefResult(merged)
        return RefResult(unresolved=True)

    # -- expression walking -----------------------------------------------------------

    def _expression(
        self, expression: dict[str, Any], scope: Scope, targets: frozenset[str], depth: int
    ) -> Candidates:
        found = Candidates()
        if depth > _MAX_DEPTH or not is_expression(expression):
            return found
        if "constant_value" in expression:
            found.add_literal(expression["constant_value"])
        references = expression.get("references") or []
        if references:
            found.extend(self._references(references, scope, targets, depth))
        return found

    def _references(
        self, references: list[str], scope: Scope, targets: frozenset[str], depth: int
    ) -> Candidates:
        found = Candidates()
        parsed = [parse_steps(ref) for ref in references]
        has_count_index = any(steps[:2] == ("count", "index") for steps in parsed)
        has_each_key = any(steps[:2] == ("each", "key") for steps in parsed)
        resources: dict[tuple[str, str], _Group] = {}
        datas: dict[tuple[str, str], _Group] = {}
        modules: dict[tuple[str, Key, str], _Group] = {}
        variables: dict[str, _Group] = {}
        each_value = False
        for steps in parsed:
            if len(steps) < 2 or not isinstance(steps[0], str) or steps[0] in _IGNORED_ROOTS:
                continue
            head = steps[0]
            if head == "each":
                each_value = each_value or steps[1] == "value"
            elif head == "local":
                found.opaque.add(scope.module)
            elif head == "var" and isinstance(steps[1], str):
                _note(variables.setdefault(steps[1], _Group()), steps, 2, positional=True)
            elif head == "module" and isinstance(steps[1], str):
                self._note_module(modules, steps)
            elif head == "data" and len(steps) >= 3 and isinstance(steps[1], str):
                _note(datas.setdefault((steps[1], str(steps[2])), _Group()), steps, 3)
            elif isinstance(steps[1], str):
                _note(resources.setdefault((head, steps[1]), _Group()), steps, 2)
        for (rtype, name), group in resources.items():
            if rtype in targets:
                picked = self._pick(scope, rtype, name, group, has_count_index, has_each_key)
                found.addresses.update(dict.fromkeys(i.address for i in picked))
        for (rtype, name), group in datas.items():
            self._data(found, scope.module, rtype, name, group, targets)
        for (call, key, output), group in modules.items():
            for child in self._module_instances(scope.module, call, key):
                sub = self._output(child, output, targets, depth + 1)
                found.extend(sub.positional(group.positions) if group.positions else sub)
        for name, group in variables.items():
            sub = self._variable(scope.module, name, targets, depth + 1)
            found.extend(sub.positional(group.positions) if group.positions else sub)
        if each_value and scope.for_each and scope.key is not None:
            sub = self._references(list(scope.for_each), Scope(scope.module), targets, depth + 1)
            found.addresses.update(
                dict.fromkeys(a for a in sub.addresses if self.index.by_address[a].key == scope.key)
            )
        return found

    @staticmethod
    def _note_module(modules: dict[tuple[str, Key, str], _Group], steps: tuple[Any, ...]) -> None:
        call = str(steps[1])
        pos = 2
        key: Key = None
        if pos < len(steps) and isinstance(steps[pos], Index):
            key = steps[pos].key
            pos += 1
        if pos < len(steps) and isinstance(steps[pos], str):
            _note(modules.setdefault((call, key, steps[pos]), _Group()), steps, pos + 1, True)

    def _pick(
        self,
        scope: Scope,
        rtype: str,
        name: str,
        group: _Group,
        has_count_index: bool,
        has_each_key: bool,
    ) -> list[Instance]:
        """The instances of ``rtype.name`` an expression names, given its index hints."""
        block = (scope.module, rtype, name)
        instances = self.index.blocks.get(block, [])
        if not instances:
            return []
        keyed = self.index.keyed[block]
        if group.keys:
            if SPLAT in group.keys:
                return instances
            return [keyed[k] for k in sorted(group.keys, key=_key_sort) if k in keyed]
        if has_count_index and isinstance(scope.key, int):
            return _by_position(instances, keyed, scope.key)
        if has_each_key and isinstance(scope.key, str):
            own = keyed.get(scope.key)
            return [own] if own else instances
        return instances

    def _data(
        self,
        found: Candidates,
        module: str,
        rtype: str,
        name: str,
        group: _Group,
        targets: frozenset[str],
    ) -> None:
        """Ids a data source read during plan gives (``data.aws_vpc.main.id``)."""
        attribute = "id" if rtype in targets else None
        if attribute is None and _PLURAL_DATA.get(rtype) in targets:
            attribute = "ids"
        if attribute is None:
            return
        for key, values in self.index.data.get((module, rtype, name), []):
            if group.keys and SPLAT not in group.keys and key not in group.keys:
                continue
            found.add_literal(values.get(attribute))

    def _module_instances(self, module: str, call: str, key: Key) -> list[str]:
        known = self.index.module_children.get((module, call))
        if known is None:
            call_config = self.config.call(config_path(module), call) or {}
            if "count_expression" in call_config or "for_each_expression" in call_config:
                return []
            return [join(module, f"module.{call}")]
        if key is None or key == SPLAT:
            return [child for _, child in known]
        return [child for child_key, child in known if child_key == key]

    def _output(self, module: str, name: str, targets: frozenset[str], depth: int) -> Candidates:
        cache_key = ("output", module, name, targets)
        cached = self._cache.get(cache_key)
        if cached is not None or cache_key in self._active:
            return cached or Candidates()
        self._active.add(cache_key)
        expression = self.config.output(config_path(module), name)
        result = self._expression(expression, Scope(module), targets, depth) if expression else None
        self._active.discard(cache_key)
        self._cache[cache_key] = result or Candidates()
        return self._cache[cache_key]

    def _variable(self, module: str, name: str, targets: frozenset[str], depth: int) -> Candidates:
        cache_key = ("variable", module, name, targets)
        cached = self._cache.get(cache_key)
        if cached is not None or cache_key in self._active:
            return cached or Candidates()
        self._active.add(cache_key)
        result = Candidates()
        split = split_module_instance(module)
        if split is None:
            found, value = self.config.root_variable_value(name)
            if found:
                result.add_literal(value)
        elif (self.config.variable(config_path(module), name) or {}).get("sensitive"):
            pass  # a sensitive input never becomes a link value
        else:
            parent, call_name, key = split
            call = self.config.call(config_path(parent), call_name) or {}
            given = (call.get("expressions") or {}).get(name)
            if is_expression(given):
                for_each = (call.get("for_each_expression") or {}).get("references") or ()
                scope = Scope(parent, key, tuple(for_each))
                result = self._expression(given, scope, targets, depth)
            else:
                declared = self.config.variable(config_path(module), name) or {}
                result.add_literal(declared.get("default"))
        self._active.discard(cache_key)
        self._cache[cache_key] = result
        return result

    # -- narrowing and heuristics -----------------------------------------------------------

    def _narrow(self, found: Candidates, key: Key, expression: dict[str, Any] | None) -> list[str]:
        """Pick this instance's own element when an indexed expression yields several."""
        references = (expression or {}).get("references") or []
        by_count = "count.index" in references and isinstance(key, int)
        by_each = "each.key" in references and isinstance(key, str)
        if not by_count and not by_each:
            return list(found.addresses)
        block = self._narrowing.get(id(found))
        if block is None:  # candidates are cached and shared: index them once
            instances = [self.index.by_address[a] for a in found.addresses]
            same = len({(i.module, i.type, i.name) for i in instances}) == 1
            block = (same, {i.key: i for i in instances}, instances)
            self._narrowing[id(found)] = block
            self._pinned.append(found)
        same_block, keyed, instances = block
        if not same_block:
            return list(found.addresses)
        if by_count:
            return [i.address for i in _by_position(instances, keyed, key)]
        own = keyed.get(key)
        return [own.address] if own else list(found.addresses)

    def _sole_in_scopes(self, scopes: set[str], targets: frozenset[str]) -> str | None:
        """The only resource of ``targets`` in the module instances where a local hid a link."""
        found: set[str] = set()
        for module in scopes:
            for rtype in targets:
                found.update(i.address for i in self.index.by_module_type.get((module, rtype), []))
        return next(iter(found)) if len(found) == 1 else None


def _uses_key(expression: dict[str, Any]) -> bool:
    """True when an expression's result depends on the instance key (count/each)."""
    return any(ref.startswith(("count.", "each.")) for ref in expression.get("references") or ())


def _note(group: _Group, steps: tuple[Any, ...], pos: int, positional: bool = False) -> None:
    """Record the instance key (or list position) a reference step names, if any."""
    if pos < len(steps) and isinstance(steps[pos], Index):
        key = steps[pos].key
        if positional:
            if isinstance(key, int):
                group.positions.add(key)
        else:
            group.keys.add(key)
    else:
        group.bare = True


def _by_position(
    instances: list[Instance], keyed: dict[Key, Instance], position: int
) -> list[Instance]:
    """The instance at a ``count.index`` position, wrapping like ``element()``.

    Integer keys match by value; ``for_each`` instances are taken in key order, as
    ``values(aws_subnet.x)[count.index]`` lists them. ``instances`` is in key order.
    """
    own = keyed.get(position)
    if own is not None:
        return [own]
    if instances and instances[0].key is not None:
        return [instances[position % len(instances)]]
    return instances


def _key_sort(key: Key) -> tuple[int, int, str]:
    if isinstance(key, int):
        return (1, key, "")
    return (2, 0, str(key))
