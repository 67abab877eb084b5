"""Split an organization's accounts between N parallel runs, deterministically.

``--shard I/N`` selects shard ``I`` of ``N`` with **0-based** ``I`` (``0 <= I < N``), the
numbering of Kubernetes' ``JOB_COMPLETION_INDEX`` and of GitHub matrix indexes;
``--shard auto/N`` reads ``I`` from ``$JOB_COMPLETION_INDEX``.

An account belongs to the shard with the highest hash of (account id, shard index)
(rendezvous hashing): the assignment depends only on the account id and N, never on the
order or length of the account list, so adding an account moves no other account, and
going from N to N+1 shards moves only the accounts the new shard wins (about 1/(N+1)).
Everything the management account collects (Organizations: accounts, OUs, SCPs) belongs
to the shard that holds the management account, so merged shards hold exactly what one
unsharded run holds.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scanner.errors import UsageError

INDEX_ENV = "JOB_COMPLETION_INDEX"
MAX_SHARDS = 1024
_HINT = "use --shard I/N with 0 <= I < N (0-based), or --shard auto/N inside an Indexed Job"


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (0-based) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise UsageError(f"shard count {self.count} is outside 1..{MAX_SHARDS}", hint=_HINT)
        if not 0 <= self.index < self.count:
            raise UsageError(
                f"shard index {self.index} is outside 0..{self.count - 1} (indexes are 0-based)",
                hint=_HINT,
            )

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, account: str) -> bool:
        """Whether ``account`` is collected by this shard."""
        return shard_of(account, self.count) == self.index

    def select(self, accounts: Iterable[str]) -> list[str]:
        """The accounts of this shard, in their given order."""
        return [account for account in accounts if self.owns(account)]

    def describe(self, discovered: Iterable[str]) -> dict[str, Any]:
        """The shard as recorded in an inventory's ``source``: merge checks completeness with it."""
        return {"index": self.index, "count": self.count, "discovered": sorted(set(discovered))}


def shard_of(account: str, count: int) -> int:
    """The 0-based shard that owns ``account`` among ``count`` shards (rendezvous hashing)."""
    return max(range(count), key=lambda index: (_weight(account, index), -index))


def _weight(account: str, index: int) -> int:
    digest = hashlib.sha256(f"{account.strip()}\x1f{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def parse_shard(text: str, environ: dict[str, str] | None = None) -> Shard:
    """``"2/5"`` -> Shard(2, 5); ``"auto/5"`` takes the index from ``$JOB_COMPLETION_INDEX``."""
    env = os.environ if environ is None else environ
    head, slash, tail = str(text).strip().partition("/")
    if not slash:
        raise UsageError(f"--shard {text!r} is not of the form I/N", hint=_HINT)
    count = _integer(tail, f"--shard {text!r}: N")
    if head.strip().lower() == "auto":
        value = env.get(INDEX_ENV)
        if value is None or not value.strip():
            raise UsageError(
                f"--shard {text!r} needs ${INDEX_ENV}, which is not set",
                hint="set by a Kubernetes Indexed Job; elsewhere give the index: --shard I/N",
            )
        index = _integer(value, f"${INDEX_ENV}={value!r}")
    else:
        index = _integer(head, f"--shard {text!r}: I")
    return Shard(index, count)


def _integer(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(f"{what} is not a whole number", hint=_HINT) from None
