"""Shard parsing and the rendezvous assignment of accounts to shards."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import UsageError
from scanner.shard import INDEX_ENV, Shard, parse_shard, shard_of

ACCOUNT_IDS = st.lists(st.from_regex(r"\A[0-9]{12}\Z"), min_size=1, max_size=60, unique=True)


def some_accounts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return sorted({f"{rng.randrange(10**11, 10**12):012d}" for _ in range(count)})


@settings(deadline=None)  # the machine is shared: no timing in unit tests
@given(ACCOUNT_IDS, st.integers(min_value=1, max_value=12))
def test_every_account_lands_in_exactly_one_shard(accounts: list[str], count: int) -> None:
    shards = [Shard(index, count).select(accounts) for index in range(count)]
    landed = [account for shard in shards for account in shard]
    assert sorted(landed) == sorted(accounts)  # union is everything, nothing twice


@settings(deadline=None)
@given(ACCOUNT_IDS, st.integers(min_value=1, max_value=8), st.randoms())
def test_assignment_ignores_list_order(accounts: list[str], count: int, rng: random.Random) -> None:
    shuffled = list(accounts)
    rng.shuffle(shuffled)
    for index in range(count):
        assert set(Shard(index, count).select(accounts)) == set(
            Shard(index, count).select(shuffled)
        )


def test_adding_an_account_moves_no_other_account() -> None:
    accounts = some_accounts(200)
    before = {account: shard_of(account, 5) for account in accounts}
    grown = [*accounts, "000000000042"]
    after = {account: shard_of(account, 5) for account in grown}
    assert all(after[account] == shard for account, shard in before.items())


def test_one_more_shard_only_takes_accounts_for_itself() -> None:
    accounts = some_accounts(600)
    moved = [a for a in accounts if shard_of(a, 4) != shard_of(a, 5)]
    assert moved and all(shard_of(a, 5) == 4 for a in moved)
    assert len(moved) < len(accounts) / 3  # about 1/5 expected, far from a reshuffle


def test_shards_are_roughly_balanced() -> None:
    accounts = some_accounts(1000)
    sizes = [len(Shard(index, 4).select(accounts)) for index in range(4)]
    assert min(sizes) > 180 and max(sizes) < 320, sizes


def test_index_is_zero_based_and_auto_reads_the_job_index() -> None:
    assert parse_shard("0/3") == Shard(0, 3)
    assert parse_shard(" 2 / 3 ") == Shard(2, 3)
    assert parse_shard("auto/4", {INDEX_ENV: "3"}) == Shard(3, 4)
    assert str(parse_shard("1/2")) == "1/2"


@pytest.mark.parametrize(
    ("text", "environ", "words"),
    [
        ("3/3", {}, "outside 0..2"),
        ("-1/3", {}, "outside 0..2"),
        ("1/0", {}, "outside 1..1024"),
        ("1", {}, "not of the form"),
        ("a/3", {}, "not a whole number"),
        ("1/x", {}, "not a whole number"),
        ("auto/3", {}, "not set"),
        ("auto/3", {INDEX_ENV: "5"}, "outside 0..2"),
        ("auto/3", {INDEX_ENV: "one"}, "not a whole number"),
    ],
)
def test_bad_shards_are_usage_errors(text: str, environ: dict[str, str], words: str) -> None:
    with pytest.raises(UsageError, match=words):
        parse_shard(text, environ)


def test_describe_records_what_the_merge_checks() -> None:
    assert Shard(1, 2).describe(["2", "1", "2"]) == {
        "index": 1,
        "count": 2,
        "discovered": ["1", "2"],
    }
