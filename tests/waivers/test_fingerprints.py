"""Fingerprints of findings stay the same across everything that is not a change of identity.

Each test scans the drifted example and a variant of it, and compares every finding's
fingerprint (with rule, resource and status beside it, so a difference is readable).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.terraform import collect_plan
from scanner.pipeline import ScanOptions, run
from tests.waivers.helpers import (
    DRIFTED,
    REPO,
    drifted_plan,
    entries_of,
    module_resources,
    set_value,
    write_plan,
)

LEGACY = "aws_ebs_volume.legacy_scratch"


def fingerprints(path: Path, environment: str | None = None) -> dict[str, tuple[str, str, str]]:
    """fingerprint -> (rule, resource, status) of every finding of a scan of ``path``."""
    context = run(collect_plan(path), ScanOptions(environment=environment)).context
    table = {f.fingerprint: (f.rule_id, f.resource_id, f.status.value) for f in context.findings}
    assert len(table) == len(context.findings), "two findings share a fingerprint"
    return table


@pytest.fixture(scope="module")
def reference() -> dict[str, tuple[str, str, str]]:
    """The drifted example's findings, scanned once."""
    return fingerprints(DRIFTED)


def ids(table: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """fingerprint -> (rule, resource), without the status."""
    return {key: value[:2] for key, value in table.items()}


def test_two_runs_of_the_same_plan(reference: dict[str, Any]) -> None:
    assert fingerprints(DRIFTED) == reference
    assert any(status == "FAIL" for _, _, status in reference.values())


def test_a_regenerated_plan(reference: dict[str, Any], tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "examples" / "generate_plans.py"), "--out-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    regenerated = tmp_path / "prod-drifted.plan.json"
    assert regenerated.is_file()
    assert fingerprints(regenerated) == reference


def test_resources_in_another_order(reference: dict[str, Any], tmp_path: Path) -> None:
    plan = drifted_plan()
    plan["resource_changes"].reverse()
    for resources in module_resources(plan["planned_values"]["root_module"]):
        resources.reverse()
    plan["planned_values"]["root_module"].get("child_modules", []).reverse()
    assert plan != drifted_plan()
    assert fingerprints(write_plan(plan, tmp_path / "plan.json")) == reference


def test_an_unrelated_attribute_changed_on_a_failing_resource(
    reference: dict[str, Any], tmp_path: Path
) -> None:
    plan = drifted_plan()
    set_value(plan, LEGACY, "size", 300)
    tags = {**entries_of(plan, LEGACY)[0]["change"]["after"]["tags"], "Note": "resized"}
    set_value(plan, LEGACY, "tags", tags)
    changed = fingerprints(write_plan(plan, tmp_path / "plan.json"))
    assert ids(changed) == ids(reference)
    legacy = {key: value for key, value in changed.items() if value[1] == LEGACY}
    assert ("STO-002", LEGACY, "FAIL") in legacy.values()
    assert legacy == {key: value for key, value in reference.items() if value[1] == LEGACY}


@pytest.mark.parametrize(
    ("terraform_version", "format_version"),
    [("1.9.8", "1.2"), ("1.5.7", "1.1"), ("1.9.8", "1.1")],
)
def test_terraform_and_plan_format_versions(
    reference: dict[str, Any], tmp_path: Path, terraform_version: str, format_version: str
) -> None:
    plan = drifted_plan()
    assert (plan["terraform_version"], plan["format_version"]) == ("1.5.7", "1.2")
    plan["terraform_version"], plan["format_version"] = terraform_version, format_version
    assert fingerprints(write_plan(plan, tmp_path / "plan.json")) == reference


def test_identity_does_change_the_fingerprint(reference: dict[str, Any], tmp_path: Path) -> None:
    """The control: a different environment or resource address is a different finding."""
    staging = run(collect_plan(DRIFTED), ScanOptions(environment="staging")).context.findings
    by_identity = {v[:2]: k for k, v in reference.items()}
    moved_env = [f for f in staging if f.environment == "staging"]
    assert len(moved_env) > 100
    assert all(by_identity.get((f.rule_id, f.resource_id)) != f.fingerprint for f in moved_env)
    plan = drifted_plan()
    for entry in entries_of(plan, LEGACY):
        entry.update(address="aws_ebs_volume.renamed", name="renamed")
    renamed = fingerprints(write_plan(plan, tmp_path / "plan.json"))
    moved = {key for key, value in reference.items() if value[1] == LEGACY}
    assert moved and not moved & set(renamed)
    assert {k: v for k, v in reference.items() if k not in moved}.keys() <= renamed.keys()
