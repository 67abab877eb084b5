"""`archscan diff` on two live snapshots of an account on the moto server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.collect.aws.moto_server import Seeder
from scanner.inventory.io import dump_inventory
from tests.projection.test_projection_live import REGION, TRAIL_ARN, seed_account


def snapshot(audit, path: Path) -> Path:  # type: ignore[no-untyped-def]
    path.write_text(dump_inventory(audit(["ec2", "cloudtrail"], regions=[REGION])))
    return path


def diff(
    capsys: pytest.CaptureFixture[str], old: Path, new: Path, *extra: object
) -> dict[str, Any]:
    with pytest.raises(SystemExit) as caught:
        main(["diff", str(old), str(new), "--format", "json", *map(str, extra)])
    out, err = capsys.readouterr()
    assert caught.value.code in (0, 1), err
    return json.loads(out)


def test_two_collections_of_an_unchanged_account_do_not_drift(
    moto: Seeder, audit, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    seed_account(moto)
    first = snapshot(audit, tmp_path / "first.json")
    second = snapshot(audit, tmp_path / "second.json")
    assert first != second and first.stat().st_size and second.stat().st_size  # two snapshots
    result = diff(capsys, first, second)
    assert result["resources"] == {"added": [], "removed": [], "changed": []}
    assert result["summary"]["new"] == result["summary"]["resolved"] == 0
    assert result["summary"]["unchanged"] == result["old"]["findings"] > 0


def test_a_deleted_nat_a_new_tag_and_a_stopped_trail(
    moto: Seeder, audit, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    ids = seed_account(moto)
    before = snapshot(audit, tmp_path / "before.json")
    ec2 = moto.client("ec2", REGION)
    ec2.delete_nat_gateway(NatGatewayId=ids["nats"]["c"])
    ec2.create_tags(Resources=[ids["vpc"]], Tags=[{"Key": "Owner", "Value": "platform"}])
    moto.client("cloudtrail", REGION).stop_logging(Name="audit")
    after = snapshot(audit, tmp_path / "after.json")

    result = diff(capsys, before, after, "--fail-on-new", "high")
    resources = result["resources"]
    assert [r["id"] for r in resources["removed"]] == [ids["nats"]["c"]]
    assert resources["added"] == []
    changes = {(d["id"], c["path"]): c for d in resources["changed"] for c in d["changes"]}
    assert changes[(ids["vpc"], "tags.Owner")] == {
        "path": "tags.Owner",
        "kind": "added",
        "old": None,
        "new": "platform",
    }
    logging = changes[(TRAIL_ARN, "attributes.is_logging")]
    assert (logging["old"], logging["new"]) == (True, False)
    new = {(d["rule_id"], d["resource_id"]) for d in result["findings"]["new"]}
    assert ("SEC-006", f"cloudtrail:{ids['account']}") in new
    assert any(rule == "NET-004" and rid.endswith("/nat-gateways") for rule, rid in new)
    assert result["exit_code"] == 1

    # --ignore leaves a path out of the drift (not out of the findings).
    quiet = diff(capsys, before, after, "--ignore", "attributes.is_logging", "--ignore", "tags")
    paths = {c["path"] for d in quiet["resources"]["changed"] for c in d["changes"]}
    assert "attributes.is_logging" not in paths and not any(p.startswith("tags") for p in paths)
    assert quiet["summary"]["new"] == result["summary"]["new"]
