"""Policy sets that passed the unknown-function check are remembered; typos never are."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.engine import rego_check_cache
from scanner.engine.rego import RegoPolicySet
from scanner.errors import PolicyError

GOOD = 'package demo\nimport rego.v1\n\np if lower(input.x) == "a"\n'
TYPO = 'package demo\nimport rego.v1\n\np if lowr(input.x) == "a"\n'


def _policies(folder: Path, source: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "demo.rego").write_text(source, encoding="utf-8")
    return folder


def test_a_passing_set_is_remembered_and_an_edit_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv(rego_check_cache.CACHE_VARIABLE, str(cache))
    folder = _policies(tmp_path / "policies", GOOD)
    RegoPolicySet.load([folder])
    assert len(list(cache.glob("rego-calls-*.ok"))) == 1
    _policies(folder, TYPO)
    for _ in range(2):  # a failure is reported on every run, never remembered
        with pytest.raises(PolicyError, match="unknown function lowr"):
            RegoPolicySet.load([folder])
    assert len(list(cache.glob("rego-calls-*.ok"))) == 1


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rego_check_cache.CACHE_VARIABLE, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    RegoPolicySet.load([_policies(tmp_path / "policies", GOOD)])
    assert not (tmp_path / "xdg").exists()
    assert rego_check_cache.cache_dir() is None


def test_an_unwritable_cache_only_means_checking_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(rego_check_cache.CACHE_VARIABLE, str(blocker / "cache"))
    folder = _policies(tmp_path / "policies", GOOD)
    RegoPolicySet.load([folder])
    _policies(folder, TYPO)
    with pytest.raises(PolicyError, match="unknown function lowr"):
        RegoPolicySet.load([folder])


def test_digest_depends_on_every_source() -> None:
    first = rego_check_cache.digest([("a.rego", GOOD)])
    assert first == rego_check_cache.digest([("a.rego", GOOD)])
    assert first != rego_check_cache.digest([("a.rego", TYPO)])
    assert first != rego_check_cache.digest([("a.rego", GOOD), ("b.rego", GOOD)])
