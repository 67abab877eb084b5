"""What a mapper works with: a planned value it reads, and the canonical fields it writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.collect.terraform.references import RefResult, Resolver
from scanner.collect.terraform.values import has_unknown
from scanner.collect.terraform.walk import Instance

PathStep = str | int


class _Sentinel:
    def __init__(self, name: str):
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Sentinel("UNKNOWN")  # known only after apply
ABSENT: Any = _Sentinel("ABSENT")  # not in the planned value


def lookup(after: Any, unknown: Any, path: tuple[PathStep, ...], *, partial: bool = False) -> Any:
    """The value at ``path``: the value, None, ``ABSENT`` or ``UNKNOWN``.

    With ``partial`` a value that is only partly unknown (a list with one unknown
    element) is returned as it is; otherwise any unknown part makes it ``UNKNOWN``.
    """
    value, marks = after, unknown
    for step in path:
        if marks is True:
            return UNKNOWN
        value = _child(value, step)
        marks = _child(marks, step)
        if marks is ABSENT:
            marks = None
    if marks is True:
        return UNKNOWN
    if value is ABSENT:
        return ABSENT
    if not partial and marks and has_unknown(marks):
        return UNKNOWN
    return value


def _child(node: Any, step: PathStep) -> Any:
    if isinstance(step, int):
        if isinstance(node, list) and 0 <= step < len(node):
            return node[step]
        return ABSENT
    if isinstance(node, dict) and step in node:
        return node[step]
    return ABSENT


def to_bool(value: Any) -> Any:
    """Booleans, also from the strings Terraform keeps in some attributes (``"true"``)."""
    if isinstance(value, bool) or value is UNKNOWN:
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    return None


def to_int(value: Any) -> Any:
    """Integers, also from numeric strings and whole floats."""
    if value is UNKNOWN or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def none_if_empty(value: Any) -> Any:
    """None for the empty string AWS reports for an optional argument that is not set."""
    return None if value == "" else value


def to_number(value: Any) -> Any:
    """Integers stay integers; other numbers and numeric strings become floats."""
    converted = to_int(value)
    if converted is not None:
        return converted
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


class MapContext:
    """Reads one instance's planned values and collects its canonical fields.

    ``attributes``, ``refs`` and ``unknown`` become the Resource's fields; a mapped
    attribute whose source is unknown until apply is listed in ``unknown`` under its
    canonical name, an unresolved link as ``refs.<name>``.
    """

    def __init__(self, instance: Instance, resolver: Resolver):
        self.instance = instance
        self.resolver = resolver
        self.attributes: dict[str, Any] = {}
        self.refs: dict[str, str | list[str]] = {}
        self.unknown: list[str] = []
        self.name: str | None = None
        self.tags: dict[str, str] | None = None  # set by a mapper to override tag extraction

    # -- reading ----------------------------------------------------------------------

    def get(self, *path: PathStep, partial: bool = False) -> Any:
        """The planned value at ``path`` (see ``lookup``)."""
        return lookup(self.instance.after, self.instance.unknown, path, partial=partial)

    def value(self, *path: PathStep) -> Any:
        """The known value at ``path``, or None when absent, null or unknown."""
        found = self.get(*path)
        return None if found is UNKNOWN or found is ABSENT else found

    def count(self, *path: PathStep) -> Any:
        """Number of elements of the list at ``path`` (0 when absent), or ``UNKNOWN``."""
        found = self.get(*path, partial=True)
        if found is UNKNOWN:
            return UNKNOWN
        return len(found) if isinstance(found, list) else 0

    def configured(self, *path: PathStep) -> bool | None:
        """Whether the configuration sets ``path`` to something other than null.

        None when the plan carries no configuration for this resource.
        """
        if not self.instance.config:
            return None
        expression = self.resolver.expression(self.instance, path)
        if expression is None:
            return False
        found, value = self.resolver.config.constant(expression, self.instance.config_path)
        if found:
            return value not in (None, "", [], {})
        return "references" in expression

    def is_set(self, *path: PathStep) -> Any:
        """True when ``path`` holds a non-empty value (also one known only after apply).

        A computed value that the configuration does not set counts as not set; without
        configuration such a value is ``UNKNOWN``.
        """
        found = self.get(*path)
        if found is UNKNOWN:
            configured = self.configured(*path)
            return UNKNOWN if configured is None else configured
        return found not in (None, ABSENT, "", [], {})

    # -- writing ----------------------------------------------------------------------

    def set(self, name: str, value: Any) -> None:
        """Set attribute ``name``; ``UNKNOWN`` lists it as unknown, None/ABSENT skip it."""
        if value is UNKNOWN:
            self.mark_unknown(name)
        elif value is not None and value is not ABSENT:
            self.attributes[name] = value

    def copy(self, name: str, *path: PathStep, convert: Callable[[Any], Any] | None = None) -> None:
        """Copy the planned value at ``path`` into attribute ``name``."""
        found = self.get(*path)
        if convert is not None and found is not UNKNOWN and found is not ABSENT:
            found = convert(found)
        self.set(name, found)

    def mark_unknown(self, name: str) -> None:
        if name not in self.unknown:
            self.unknown.append(name)

    def resolve(self, *path: PathStep, targets: frozenset[str], many: bool = False) -> RefResult:
        """Resolve the link at ``path`` to resources of ``targets`` without storing it."""
        found = self.get(*path, partial=True)
        unknown = found is UNKNOWN or (
            found is ABSENT and self.instance.unknown is None and self.instance.config is not None
        )
        if not unknown and isinstance(found, list):
            marks = lookup(self.instance.unknown, None, path, partial=True)
            unknown = bool(marks) and has_unknown(marks)
        value = None if found is UNKNOWN or found is ABSENT else found
        return self.resolver.resolve(
            self.instance, tuple(path), targets, value, many=many, unknown=unknown
        )

    def ref(self, name: str, *path: PathStep, targets: frozenset[str], many: bool = False) -> None:
        """Store link ``name`` (``refs.<name>`` is listed as unknown when unresolved)."""
        result = self.resolve(*path, targets=targets, many=many)
        self.store_ref(name, result)

    def store_ref(self, name: str, result: RefResult) -> None:
        if result.value:
            self.refs[name] = result.value
        elif result.unresolved:
            self.mark_unknown(f"refs.{name}")

    def name_from(self, *candidates: Any) -> None:
        """The resource's name: the first known string among ``candidates``."""
        for candidate in candidates:
            if isinstance(candidate, str) and candidate:
                self.name = candidate
                return

    def defaulted(self, *path: PathStep, default: Any) -> Any:
        """The value at ``path``; ``default`` when it is computed only because nothing sets it.

        Used only where AWS's default is fixed (a new resource whose configuration
        leaves the argument out gets that default).
        """
        found = self.get(*path)
        if found is UNKNOWN and self.configured(*path) is False and self._creating():
            return default
        return found

    def _creating(self) -> bool:
        actions = self.instance.actions or []
        return "create" in actions

    def ref_first(
        self, name: str, paths: list[tuple[PathStep, ...]], targets: frozenset[str]
    ) -> None:
        """Store link ``name`` from the first of ``paths`` that resolves."""
        unresolved = False
        for path in paths:
            result = self.resolve(*path, targets=targets)
            if result.value:
                self.store_ref(name, result)
                return
            unresolved = unresolved or result.unresolved
        if unresolved:
            self.mark_unknown(f"refs.{name}")


# Resource types a link may point at.
VPC = frozenset({"aws_vpc", "aws_default_vpc"})
SUBNET = frozenset({"aws_subnet", "aws_default_subnet"})
ROUTE_TABLE = frozenset({"aws_route_table"})
SECURITY_GROUP = frozenset({"aws_security_group"})
KMS_KEY = frozenset({"aws_kms_key"})
LAUNCH_TEMPLATE = frozenset({"aws_launch_template"})
EKS_CLUSTER = frozenset({"aws_eks_cluster"})
RDS_CLUSTER = frozenset({"aws_rds_cluster"})
DB_SUBNET_GROUP = frozenset({"aws_db_subnet_group"})
CACHE_SUBNET_GROUP = frozenset({"aws_elasticache_subnet_group"})
LOAD_BALANCER = frozenset({"aws_lb", "aws_alb"})
S3_BUCKET = frozenset({"aws_s3_bucket"})
