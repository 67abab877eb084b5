"""No value a plan marks sensitive reaches any output: every report format, the snapshot,
stdout, stderr (``--debug`` included) or the log records of a run at DEBUG level.

The plan is the drifted example (it has failing findings) with markers planted where a
plan can carry a sensitive value: a whole attribute, a nested block, tags, a root
variable an expression refers to, planned_values' ``sensitive_values`` and a data source.
A control marker sits beside them unmarked, to prove the search sees what is written.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.report.registry import FORMATS
from tests.fuzz.support import run_cli

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
RUN = uuid.uuid4().hex[:12]
SECRETS = {
    name: f"LEAK-{name}-{RUN}"
    for name in ("password", "nested", "tag", "variable", "planned", "data", "output")
}
CONTROL = f"VISIBLE-{RUN}"


def _change(address: str, after: dict[str, Any], sensitive: dict[str, Any]) -> dict[str, Any]:
    rtype, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": {"id": True, "arn": True},
            "before_sensitive": False,
            "after_sensitive": sensitive,
        },
    }


def planted_plan() -> dict[str, Any]:
    plan = json.loads(DRIFTED.read_text(encoding="utf-8"))
    tags = {"Environment": "prod", "Name": "leaky", "Owner": "platform-team", "Note": CONTROL}
    secret_tags = {**tags, "Api": SECRETS["tag"]}
    plan["resource_changes"] += [
        _change(
            "aws_db_instance.leaky",
            {
                "identifier": "leaky",
                "engine": "postgres",
                "storage_encrypted": False,  # fails DB rules: findings name this resource
                "publicly_accessible": True,
                "password": SECRETS["password"],
                "tags": secret_tags,
                "tags_all": secret_tags,
            },
            {"password": True, "tags": {"Api": True}, "tags_all": {"Api": True}},
        ),
        _change(
            "aws_mq_broker.leaky",
            {
                "broker_name": "leaky",
                "publicly_accessible": True,
                "user": [{"username": "admin", "pw": SECRETS["nested"]}],
                "tags": tags,
            },
            {"user": [{"pw": True}]},
        ),
    ]
    plan["variables"]["leaky_password"] = {"value": SECRETS["variable"]}
    root = plan["configuration"]["root_module"]
    root.setdefault("variables", {})["leaky_password"] = {"sensitive": True}
    root.setdefault("resources", []).append(
        {
            "address": "aws_db_instance.leaky",
            "mode": "managed",
            "type": "aws_db_instance",
            "name": "leaky",
            "provider_config_key": "aws",
            "expressions": {
                "password": {"references": ["var.leaky_password"]},
                "master_user_secret_kms_key_id": {"references": ["var.leaky_password"]},
            },
        }
    )
    planned = plan["planned_values"]["root_module"]["resources"]
    planned.append(
        {
            "address": "aws_ssm_parameter.leaky",
            "mode": "managed",
            "type": "aws_ssm_parameter",
            "name": "leaky",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {"name": "/leaky", "type": "String", "value": SECRETS["planned"]},
            "sensitive_values": {"value": True},
        }
    )
    prior = plan.setdefault("prior_state", {}).setdefault("values", {})
    prior.setdefault("root_module", {}).setdefault("resources", []).append(
        {
            "address": "data.aws_secretsmanager_secret_version.leaky",
            "mode": "data",
            "type": "aws_secretsmanager_secret_version",
            "name": "leaky",
            "values": {"secret_id": "leaky", "secret_string": SECRETS["data"]},
            "sensitive_values": {"secret_string": True},
        }
    )
    plan.setdefault("output_changes", {})["leaky"] = {
        "actions": ["create"],
        "after": SECRETS["output"],
        "after_sensitive": True,
    }
    return plan


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "leaky.plan.json"
    path.write_text(json.dumps(planted_plan()), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert all(secret in text for secret in SECRETS.values())
    return path


@pytest.fixture
def debug_records() -> Iterator[list[logging.LogRecord]]:
    """Every log record of every logger, at DEBUG, for the duration of a test."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def leaked(texts: list[str]) -> set[str]:
    return {name for name, secret in SECRETS.items() if any(secret in t for t in texts)}


def everything_written(folder: Path, out: str, err: str) -> list[str]:
    files = [p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*")]
    return [out, err, *(f for f in files if f)]


def test_no_marked_value_in_any_output_of_a_run_with_every_report(
    plan_file: Path, tmp_path: Path, debug_records: list[logging.LogRecord]
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args: list[object] = ["plan", plan_file, "--debug", "--snapshot-out", out_dir / "inv.json"]
    args += ["--sarif-force", "--unknown", "warn"]
    for name in sorted(set(FORMATS) - {"table"}):
        args += [f"--{name}", out_dir / f"report{FORMATS[name].extension}"]
    code, out, err = run_cli(args)
    assert code == 1, err
    written = everything_written(out_dir, out, err)
    assert len(written) == len(FORMATS) + 2  # stdout, stderr, the snapshot, every file format
    logs = [record.getMessage() for record in debug_records]
    assert not leaked(written + logs)
    assert any(CONTROL in text for text in written), "the control marker is written"
    assert any("aws_db_instance.leaky" in text for text in written[2:])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_marked_value_on_stdout_in_any_format(plan_file: Path, name: str) -> None:
    args: list[object] = ["plan", plan_file, "--format", name, "--show-passed"]
    code, out, err = run_cli([*args, "--unknown", "warn", "--sarif-force"])
    assert code == 1, err
    assert out
    assert not leaked([out, err])


def test_scan_of_the_snapshot_leaks_nothing_either(plan_file: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    snapshot = out_dir / "inv.json"
    run_cli(["plan", plan_file, "--snapshot-out", snapshot, "-q"])
    args: list[object] = ["scan", snapshot, "--debug", "--sarif-force", "--unknown", "warn"]
    for name in sorted(set(FORMATS) - {"table"}):
        args += [f"--{name}", out_dir / f"scan{FORMATS[name].extension}"]
    code, out, err = run_cli(args)
    assert code == 1, err
    written = everything_written(out_dir, out, err)
    assert any(CONTROL in text for text in written)
    assert not leaked(written)


def test_the_search_would_see_an_unmarked_copy(plan_file: Path, tmp_path: Path) -> None:
    """Control: the same values without their sensitive marks do reach the snapshot."""
    plan = planted_plan()
    unmarked = copy.deepcopy(plan)
    for change in unmarked["resource_changes"][-2:]:
        change["change"]["after_sensitive"] = {}
    path = tmp_path / "unmarked.plan.json"
    path.write_text(json.dumps(unmarked), encoding="utf-8")
    run_cli(["plan", path, "--snapshot-out", tmp_path / "inv.json", "-q"])
    snapshot = (tmp_path / "inv.json").read_text(encoding="utf-8")
    assert SECRETS["tag"] in snapshot and SECRETS["nested"] in snapshot
