"""`archscan merge` input checks: kinds, shard sets, malformed files, atomic output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.inventory.io import load_inventory
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory, Resource
from scanner.merge.inventories import merge_inventories


def inventory(
    accounts: list[str], shard: dict[str, Any] | None = None, status: str = "ok"
) -> Inventory:
    source: dict[str, Any] = {
        "kind": "live",
        "path": "aws",
        "caller_account": "100000000000",
        "accounts": accounts,
        "regions": ["us-east-1"],
        "services": ["ec2", "s3"],
    }
    if shard:
        source["shard"] = shard
    return Inventory(
        source=source,
        resources=[
            Resource(f"arn:{a}:vpc", "aws_vpc", a, "us-east-1", source="live") for a in accounts
        ],
        coverage=[CoverageEntry(a, "us-east-1", "ec2", CoverageStatus(status)) for a in accounts],
        generated_at="2024-05-01T00:00:00Z",
    )


def write(path: Path, data: Any) -> Path:
    text = json.dumps(data.to_dict() if isinstance(data, Inventory) else data)
    path.write_text(text, encoding="utf-8")
    return path


def merge(args: list[Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as caught:
        main(["merge", *[str(a) for a in args]])
    return int(caught.value.code or 0), capsys.readouterr().err


def shard(index: int, count: int, discovered: list[str]) -> dict[str, Any]:
    return {"index": index, "count": count, "discovered": discovered}


def test_complete_shard_set_merges_in_shard_order(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    everyone = ["1", "2", "3"]
    files = [
        write(tmp_path / "b.json", inventory(["3"], shard(1, 2, everyone))),
        write(tmp_path / "a.json", inventory(["1", "2"], shard(0, 2, everyone))),
    ]
    code, _ = merge([*files, "-o", tmp_path / "m.json", "-q"], capsys)
    merged = load_inventory(tmp_path / "m.json")
    assert code == 0
    assert [r.account for r in merged.resources] == ["1", "2", "3"]
    assert merged.source["accounts"] == everyone and "shard" not in merged.source
    assert merged.warnings == []


@pytest.mark.parametrize(
    ("shards", "words"),
    [
        ([(0, 3), (1, 3)], "missing 2/3"),
        ([(0, 2), (0, 2)], "given twice"),
        ([(0, 2), (1, 3)], "different shard counts"),
    ],
)
def test_broken_shard_sets_are_refused(
    shards: list[tuple[int, int]], words: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    files = [
        write(tmp_path / f"s{n}.json", inventory([str(n)], shard(i, c, ["0", "1"])))
        for n, (i, c) in enumerate(shards)
    ]
    code, err = merge([*files, "-o", tmp_path / "m.json"], capsys)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m.json").exists()


def test_sharded_and_unsharded_inventories_do_not_mix(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    files = [
        write(tmp_path / "s.json", inventory(["1"], shard(0, 1, ["1"]))),
        write(tmp_path / "u.json", inventory(["2"])),
    ]
    code, err = merge([*files, "-o", tmp_path / "m.json"], capsys)
    assert code == 2 and "u.json" in err and "--shard" in err


def test_an_account_no_shard_collected_is_a_coverage_error() -> None:
    merged = merge_inventories(
        [
            inventory(["1"], shard(0, 2, ["1", "2", "9"])),
            inventory(["2"], shard(1, 2, ["1", "2"])),
        ]
    )
    lost = [e for e in merged.coverage if e.account == "9"]
    assert {(e.service, e.status) for e in lost} == {("ec2", "error"), ("s3", "error")}
    assert any("9" in warning for warning in merged.warnings)


def test_a_gap_wins_over_ok_for_one_coverage_key() -> None:
    merged = merge_inventories([inventory(["1"]), inventory(["1"], status="denied")])
    assert [e.status for e in merged.coverage] == ["denied"]
    assert len(merged.resources) == 1  # deduplicated by id


def test_mixed_kinds_are_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    inv = write(tmp_path / "inv.json", inventory(["1"]))
    sarif = write(tmp_path / "x.sarif", {"version": "2.1.0", "runs": []})
    code, err = merge([inv, sarif, "-o", tmp_path / "m.json"], capsys)
    assert code == 2 and "different kinds" in err and "x.sarif is a sarif" in err
    code, err = merge([inv, "--kind", "report", "-o", tmp_path / "m.json"], capsys)
    assert code == 2 and "is a inventory, not a report" in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "malformed JSON at line 1"),
        ("", "file is empty"),
        ('{"hello": 1}', "not an archscan inventory, JSON report or SARIF log"),
        ('{"schema_version": "1.0", "source": {}, "resources": 3}', "invalid inventory at"),
    ],
)
def test_bad_files_are_one_line_naming_the_file(
    content: str, words: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, err = merge([bad, "-o", tmp_path / "m.json"], capsys)
    assert code == 2 and words in err and str(bad) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "m.json").exists()


def test_a_report_that_fails_its_schema_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = write(tmp_path / "r.json", {"report_version": "1.0", "findings": "nope"})
    code, err = merge([bad, "-o", tmp_path / "m.json"], capsys)
    assert code == 2 and "invalid JSON report at" in err
