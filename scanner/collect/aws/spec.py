"""The contract of a service collector module."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from scanner.collect.aws.context import CollectContext
from scanner.inventory.model import Resource


class Scope(StrEnum):
    """Where a service is collected."""

    REGIONAL = "regional"  # every selected region of every account
    GLOBAL = "global"  # once per account, from the home region (us-east-1)
    MANAGEMENT = "management"  # once, from the management account (organizations)


@dataclass(frozen=True)
class ServiceSpec:
    """A service collector: its name (as in the coverage ledger), scope, logic and IAM needs."""

    name: str
    collect: Callable[[CollectContext], Iterable[Resource]]
    permissions: tuple[str, ...]
    scope: Scope = Scope.REGIONAL
    types: tuple[str, ...] = field(default_factory=tuple)  # canonical types it produces
