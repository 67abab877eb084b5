"""Checkov itself: its registry knows our ids, a real run merges, times out, is waivable.

Needs Checkov importable in the interpreter running pytest (`make test` runs this file
with .venv-checkov/bin/pytest); elsewhere every test skips with the reason.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.collect.terraform import collect_plan
from scanner.engine.checkov_adapter import CheckovError, CheckovJob, checkov_installed, run_checkov
from scanner.engine.checkov_catalogue import installed_check_ids
from scanner.engine.checkov_overlap import OVERLAPS, overlapping_check_ids
from scanner.engine.checkov_severity import load_severity_map
from scanner.errors import UsageError
from scanner.findings import Severity, Status
from scanner.pipeline import ScanOptions, run

pytestmark = pytest.mark.skipif(
    not checkov_installed(),
    reason="Checkov is not importable in this interpreter: pip install 'archscan[checkov]' "
    "(make test runs this file in .venv-checkov)",
)

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")


@pytest.fixture(scope="module")
def registry() -> dict[str, dict[str, Any]]:
    """Checkov's own catalogue of Terraform checks: id -> name and category."""
    from checkov.terraform.plan_runner import Runner

    from scanner.engine.checkov_worker import check_catalogue

    runner = Runner()
    runner.graph_registry.load_checks()
    return check_catalogue(runner)


@pytest.fixture(scope="module")
def for_each_plan(shared: Path) -> Path:
    return shared / "fixtures" / "plans" / "checkov_for_each_tf19.json"


def test_every_overlap_and_severity_id_is_a_checkov_check(registry: dict) -> None:
    assert overlapping_check_ids() <= set(registry)
    assert set(load_severity_map().checks) <= set(registry)
    categories = {entry["category"] for entry in registry.values() if entry["category"]}
    assert set(load_severity_map().categories) <= categories | {"CONVENTION"}


def test_catalogue_read_from_files_holds_every_registered_check(registry: dict) -> None:
    assert set(registry) <= installed_check_ids()


def test_run_on_a_real_plan_gives_failed_and_passed_checks(for_each_plan: Path) -> None:
    results = run_checkov(for_each_plan, timeout=300)
    failed = {(r.check_id, r.address) for r in results if not r.passed}
    assert ("CKV_AWS_24", 'module.sg["bad_example"].aws_security_group.bad') in failed
    assert any(r.passed for r in results)
    assert all(CHECK_ID.match(r.check_id) for r in results)
    ssh = next(r for r in results if r.check_id == "CKV_AWS_24")
    assert ssh.category == "NETWORKING" and ssh.severity is None  # offline: no severity


def test_utf16_plan_is_scanned_through_a_plain_copy(tmp_path: Path, for_each_plan: Path) -> None:
    utf16 = tmp_path / "plan.json"
    utf16.write_bytes(codecs.BOM_UTF16_LE + for_each_plan.read_text().encode("utf-16-le"))
    results = run_checkov(utf16, timeout=300)
    assert {r.check_id for r in results if not r.passed} >= {"CKV_AWS_24", "CKV_AWS_25"}
    assert all(r.file_line_range is None for r in results)


def test_timeout_kills_the_child_and_says_so() -> None:
    job = CheckovJob(DRIFTED, timeout=1)
    with pytest.raises(CheckovError, match=r"did not finish within 1 s") as caught:
        job.wait()
    assert str(caught.value).startswith(f"{DRIFTED}: ")
    assert job.process.poll() is not None
    assert not job.workdir.exists()


def test_plan_checkov_cannot_read_is_one_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.2", "planned_values": ')
    with pytest.raises(CheckovError, match=r"Checkov (failed|could not parse)"):
        run_checkov(broken, timeout=300)


def test_pipeline_merges_checkov_and_drops_duplicates(for_each_plan: Path) -> None:
    result = run(collect_plan(for_each_plan), ScanOptions(checkov=True))
    ckv = [f for f in result.context.findings if f.extra.get("engine") == "checkov"]
    summary = result.context.extra["checkov"]
    assert ckv and all(f.status is Status.FAIL for f in ckv)
    assert not {f.rule_id for f in ckv} & set(OVERLAPS["NET-010"])
    assert summary["duplicates"]["NET-010"]["CKV_AWS_24"] == 3
    assert summary["reported"] == len(ckv) == summary["failed"] - summary["suppressed_duplicates"]
    assert {f.rule_id for f in ckv} <= set(result.context.rules)


def test_skipping_our_control_lets_checkov_report_it(for_each_plan: Path) -> None:
    options = ScanOptions(checkov=True, exclude=["NET-010"])
    result = run(collect_plan(for_each_plan), options)
    ssh = [f for f in result.context.findings if f.rule_id == "CKV_AWS_24"]
    assert len(ssh) == 3 and all(f.severity is Severity.HIGH for f in ssh)
    assert result.context.extra["checkov"]["suppressed_duplicates"] == 0


def test_checkov_findings_are_waivable_like_ours(tmp_path: Path, for_each_plan: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    entry = {
        "id": "W-CKV",
        "rules": ["CKV2_AWS_5"],
        "resource": 'module.sg["bad_example"].*',
        "owner": "platform",
        "reason": "kept for the example",
        "ticket": "OPS-1",
        "expires": "2099-12-31",
    }
    waivers.write_text(yaml.safe_dump({"version": 1, "waivers": [entry]}))
    result = run(collect_plan(for_each_plan), ScanOptions(checkov=True, waivers=waivers))
    statuses = {
        f.resource_id: f.status for f in result.context.findings if f.rule_id == "CKV2_AWS_5"
    }
    assert statuses['module.sg["bad_example"].aws_security_group.bad'] is Status.WAIVED
    assert statuses['module.sg["awful_example"].aws_security_group.bad'] is Status.FAIL


def test_checkov_on_a_live_inventory_is_a_usage_error(for_each_plan: Path) -> None:
    inventory = collect_plan(for_each_plan)
    inventory.source["kind"] = "live"
    with pytest.raises(UsageError, match="judges Terraform plans"):
        run(inventory, ScanOptions(checkov=True))
