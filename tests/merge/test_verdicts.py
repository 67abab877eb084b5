"""Which verdict stands when several inputs report one fingerprint."""

from __future__ import annotations

from scanner.findings import Status
from scanner.merge.verdicts import Candidate, InputScope, resolve

RULES = frozenset({"ORG-001", "COST-002"})


def scopes(*accounts: set[str] | None) -> list[InputScope]:
    return [InputScope(RULES, None if a is None else frozenset(a)) for a in accounts]


def candidate(origin: int, status: Status, account: str | None = "111", fp: str = "f") -> Candidate:
    rule = "ORG-001" if account is None else "COST-002"
    return Candidate(origin, fp, rule, status, account, f"{origin}:{status.value}")


def test_undecided_on_an_account_another_input_collected_is_moot() -> None:
    items = [candidate(0, Status.NOT_COLLECTED), candidate(1, Status.NOT_COLLECTED)]
    assert resolve(items, scopes({"222"}, {"111"})) == ["1:NOT_COLLECTED"]
    # the collecting input did not report it at all: nothing stands
    assert resolve(items[:1], scopes({"222"}, {"111"})) == []
    # nobody collected the account: the verdict stands
    assert resolve(items[:1], scopes({"222"}, {"333"})) == ["0:NOT_COLLECTED"]


def test_account_less_undecided_needs_every_input_that_ran_the_rule() -> None:
    lone = [candidate(1, Status.NOT_COLLECTED, account=None)]
    assert resolve(lone, scopes({"1"}, {"2"})) == []
    both = [*lone, candidate(0, Status.NOT_COLLECTED, account=None)]
    assert resolve(both, scopes({"1"}, {"2"})) == ["0:NOT_COLLECTED"]  # ties: first input
    other_rules = [InputScope(frozenset({"NET-001"}), frozenset({"1"})), scopes({"2"})[0]]
    assert resolve(lone, other_rules) == ["1:NOT_COLLECTED"]


def test_decided_beats_undecided_and_the_worst_decided_wins() -> None:
    mixed = [candidate(0, Status.UNKNOWN), candidate(1, Status.PASS)]
    assert resolve(mixed, scopes(None, None)) == ["1:PASS"]
    conflict = [candidate(0, Status.PASS), candidate(1, Status.FAIL), candidate(2, Status.PASS)]
    assert resolve(conflict, scopes(None, None, None)) == ["1:FAIL"]
    undecided = [candidate(0, Status.NOT_COLLECTED), candidate(1, Status.ERROR)]
    assert resolve(undecided, scopes(None, None)) == ["1:ERROR"]


def test_one_input_keeps_all_its_occurrences_of_a_fingerprint() -> None:
    items = [candidate(0, Status.FAIL), candidate(0, Status.FAIL), candidate(1, Status.FAIL)]
    assert resolve(items, scopes(None, None)) == ["0:FAIL", "0:FAIL"]
