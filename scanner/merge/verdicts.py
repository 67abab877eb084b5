"""Which verdict stands when shards report the same finding (same fingerprint) differently.

A shard judges with the accounts it collected. Three rules make the union of shard reports
say what one unsharded run says:

1. An undecided verdict (UNKNOWN, NOT_COLLECTED) on an account that its shard did not
   collect is moot when another shard collected that account: that shard's view stands.
2. An undecided verdict without an account (a scope spanning accounts, such as the
   organization when a shard lacks the management account) stands only if every other
   input that ran the rule reported it too.
3. Of what remains, a decided verdict (FAIL, WAIVED, PASS) beats an undecided one; among
   equals the worst wins (FAIL > WAIVED > PASS; ERROR > UNKNOWN > NOT_COLLECTED).

Rule 1 needs each input's collected accounts: JSON reports carry them in their coverage
ledger, SARIF logs do not, so SARIF merges apply rules 2 and 3 only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scanner.findings import Status

PRECEDENCE = (
    Status.FAIL,
    Status.WAIVED,
    Status.PASS,
    Status.ERROR,
    Status.UNKNOWN,
    Status.NOT_COLLECTED,
)
DECIDED = frozenset({Status.FAIL, Status.WAIVED, Status.PASS})
UNDECIDED = frozenset({Status.UNKNOWN, Status.NOT_COLLECTED})


@dataclass(frozen=True)
class InputScope:
    """What one input could see: the rules it ran and the accounts it collected."""

    rules: frozenset[str]
    accounts: frozenset[str] | None  # None when the input does not say (SARIF)


@dataclass
class Candidate:
    """One input's verdict on one finding identity."""

    origin: int  # position of the input
    fingerprint: str
    rule_id: str
    status: Status
    account: str | None
    item: Any  # the finding entry or SARIF result, passed through unchanged


def resolve(candidates: Iterable[Candidate], scopes: list[InputScope]) -> list[Any]:
    """The items that stand, one input's items per fingerprint, in first-seen order."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.fingerprint, []).append(candidate)
    kept_items: list[Any] = []
    for group in groups.values():
        standing = [c for c in group if not _moot(c, group, scopes)]
        if not standing:
            continue
        pool = [c for c in standing if c.status in DECIDED] or standing
        best = min(pool, key=lambda c: (PRECEDENCE.index(c.status), c.origin))
        kept_items.extend(c.item for c in group if c.origin == best.origin)
    return kept_items


def _moot(candidate: Candidate, group: list[Candidate], scopes: list[InputScope]) -> bool:
    if candidate.status not in UNDECIDED:
        return False
    own = scopes[candidate.origin]
    if candidate.account:
        if own.accounts is None or candidate.account in own.accounts:
            return False
        return any(
            scope.accounts is not None and candidate.account in scope.accounts
            for index, scope in enumerate(scopes)
            if index != candidate.origin
        )
    reporters = {c.origin for c in group}
    return any(
        candidate.rule_id in scope.rules and index not in reporters
        for index, scope in enumerate(scopes)
        if index != candidate.origin
    )
