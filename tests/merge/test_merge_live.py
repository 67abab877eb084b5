"""Sharded audits of the seeded moto organization, merged, equal one unsharded audit.

One module-scoped run set (each audit against moto takes seconds): the unsharded audit and
the three shards of N=3, each writing its inventory, JSON report and SARIF log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.cli import main
from scanner.collect.aws.moto_server import Seeder, moto_server
from scanner.demo.command import demo_baseline
from scanner.demo.seed import REGION, seed
from scanner.shard import Shard

from ..report.sarif_checks import multitool, multitool_problems, oasis, schema_errors

__all__ = ["multitool", "oasis"]  # fixtures used by name below

SERVICES = "organizations,ec2,s3,kms,rds,elbv2"
SHARDS = 3


@dataclass
class Runs:
    """Where the outputs of the unsharded run ("full") and of shard i ("s{i}") are."""

    folder: Path
    accounts: dict[str, str]

    def path(self, name: str, kind: str) -> Path:
        return self.folder / f"{name}.{kind}"

    def load(self, name: str, kind: str) -> Any:
        return json.loads(self.path(name, kind).read_text(encoding="utf-8"))


def cli(args: list[Any]) -> int:
    with pytest.raises(SystemExit) as caught:
        main([str(a) for a in args])
    return int(caught.value.code or 0)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    folder = tmp_path_factory.mktemp("shards")
    with moto_server() as url:
        seeded = seed(Seeder(url))
        baseline = demo_baseline(seeded.accounts, folder)
        common = ["audit", "--endpoint-url", url, "--org", "--region", REGION]
        common += ["--services", SERVICES, "--max-attempts", "1", "--baseline", baseline]
        common += ["-q", "--format", "json", "-o", folder / "stdout.json", "--sarif-force"]
        for name, extra in [("full", [])] + [
            (f"s{i}", ["--shard", f"{i}/{SHARDS}"]) for i in range(SHARDS)
        ]:
            outputs = ["--json", folder / f"{name}.json", "--sarif", folder / f"{name}.sarif"]
            outputs += ["--snapshot-out", folder / f"{name}.inv"]
            code = cli([*common, *extra, *outputs])
            assert code == 1 if name == "full" else code in (0, 1, 3)
        assert cli(["scan", folder / "full.inv", "--baseline", baseline, "-q",
                    "--format", "json", "-o", folder / "rescan.json"]) == 1  # fmt: skip
        yield Runs(folder, seeded.accounts)


def merged(runs: Runs, kind: str) -> tuple[int, Path]:
    out = runs.path("merged", kind)
    files = [runs.path(f"s{i}", kind) for i in range(SHARDS)]
    return cli(["merge", *files, "-o", out, "-q"]), out


def findings(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["fingerprint"], f["status"]) for f in report["findings"])


@pytest.mark.parametrize("count", [1, 2, 3])
def test_every_org_account_lands_in_exactly_one_shard(runs: Runs, count: int) -> None:
    org = sorted(runs.load("full", "inv")["source"]["accounts"])
    assert org == sorted(runs.accounts.values())  # six accounts, found through Organizations
    parts = [Shard(index, count).select(org) for index in range(count)]
    assert sorted(a for part in parts for a in part) == org


def test_the_shards_collected_disjoint_accounts_covering_the_org(runs: Runs) -> None:
    org = runs.load("full", "inv")["source"]["accounts"]
    collected = []
    for index in range(SHARDS):
        inventory = runs.load(f"s{index}", "inv")
        assert inventory["source"]["shard"] == {"index": index, "count": SHARDS, "discovered": org}
        ledger = {entry["account"] for entry in inventory["coverage"]}
        assert ledger == set(inventory["source"]["accounts"])
        collected += inventory["source"]["accounts"]
    assert sorted(collected) == sorted(org)


def test_merged_inventory_equals_the_unsharded_one(runs: Runs) -> None:
    code, out = merged(runs, "inv")
    full, merged_inventory = runs.load("full", "inv"), json.loads(out.read_text())
    assert code == 0

    def ids(doc: dict[str, Any]) -> list[str]:
        return sorted(r["id"] for r in doc["resources"])

    def ledger(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        keys = ("account", "region", "service", "status", "api_call")
        return sorted(tuple(e[k] or "" for k in keys) for e in doc["coverage"])

    assert len(ids(full)) > 50 and ids(merged_inventory) == ids(full)
    assert ledger(merged_inventory) == ledger(full)
    assert any(e["service"] == "organizations" for e in merged_inventory["coverage"])
    by_id = {r["id"]: r for r in full["resources"]}
    assert all(r == by_id[r["id"]] for r in merged_inventory["resources"])
    assert merged_inventory["source"]["accounts"] == full["source"]["accounts"]


def test_merged_json_report_equals_the_unsharded_one(runs: Runs) -> None:
    code, out = merged(runs, "json")
    full, report = runs.load("full", "json"), json.loads(out.read_text())
    shards = [runs.load(f"s{i}", "json") for i in range(SHARDS)]
    assert findings(report) == findings(full)
    # not vacuous: the plain union of the shards differs (organization-wide verdicts)
    union = sorted({pair for shard in shards for pair in findings(shard)})
    assert union != findings(full)
    assert report["summary"] == full["summary"] and code == full["summary"]["exit_code"] == 1
    assert report["coverage"] == full["coverage"]
    assert report["cost"] == full["cost"]
    assert findings(runs.load("rescan", "json")) == findings(full)  # scan of the inventory


def test_merged_sarif_equals_the_unsharded_one(
    runs: Runs, oasis: jsonschema.Draft4Validator
) -> None:
    code, out = merged(runs, "sarif")
    full, log = runs.load("full", "sarif"), json.loads(out.read_text())
    assert code == 0 and schema_errors(oasis, log) == []

    def by_category(doc: dict[str, Any]) -> dict[str, Any]:
        return {
            run["automationDetails"]["id"]: (
                sorted(
                    (r["properties"]["fingerprint"], r["properties"]["status"])
                    for r in run["results"]
                ),
                run["properties"]["archscan"],
                [rule["id"] for rule in run["tool"]["driver"]["rules"]],
                run["invocations"][0]["exitCode"],
            )
            for run in doc["runs"]
        }

    assert by_category(log) == by_category(full)
    for run in log["runs"]:
        rules = run["tool"]["driver"]["rules"]
        assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_multitool_accepts_the_merged_sarif(runs: Runs, multitool: Path) -> None:
    code, out = merged(runs, "sarif")
    problems = multitool_problems(multitool, [out], runs.folder / "validation")
    assert code == 0 and problems == {"merged.sarif": [], "*": []}, problems
