"""Loading a waiver file: a valid file loads; every kind of bad file is one clear InputError."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from scanner.baseline.loader import parse_baseline
from scanner.engine.ruleset import RuleSet
from scanner.errors import InputError
from scanner.waivers import load_schema, load_waivers
from tests.waivers.helpers import DRIFTED, EXAMPLE_WAIVERS, run_cli, waiver, write_waivers

KNOWN = {"STO-001", "STO-002", "NET-003", "NET-005", "DB-004"}


def test_a_valid_file_loads_with_dates_and_selectors(tmp_path: Path) -> None:
    path = write_waivers(
        tmp_path,
        waiver(id="W-1", resource="aws_ebs_volume.*", tags={"Team": "batch"}),
        waiver(id="W-2", rules=["NET-*"], environment="prod", account="555555555555"),
    )
    loaded = load_waivers(path, KNOWN)
    first, second = loaded.waivers
    assert (first.id, first.expires, first.resource, first.tags) == (
        "W-1",
        date(2099, 12, 31),
        "aws_ebs_volume.*",
        {"Team": "batch"},
    )
    assert (second.rules, second.environment, second.account) == (
        ("NET-*",),
        "prod",
        "555555555555",
    )
    assert first.line == 3 and second.line is not None and second.line > first.line


def test_the_schema_is_draft_2020_12_and_accepts_the_example() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    document = parse_baseline(EXAMPLE_WAIVERS).data  # the strict YAML reading the loader uses
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [w.id for w in load_waivers(EXAMPLE_WAIVERS, RuleSet.load().by_id()).waivers] == [
        "W-001",
        "W-002",
        "W-003",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("waivers: [", "invalid YAML"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("version: 1\n", "missing required key 'waivers'"),
        ("waivers:\n  - id: W-1\n", "waivers.0: missing required key 'rules' (line 2)"),
        ("waivers: []\nversion: 2\n", "version: 1 was expected"),
        ("waivers: []\nwaiver: []\n", "unknown key 'waiver'"),
    ],
)
def test_malformed_files_name_the_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_waivers(path, KNOWN)
    message = str(caught.value)
    assert message.startswith(str(path)) and expected in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"expires": "2026-02-30"}, "waivers.0.expires: '2026-02-30' is not a date (line 9)"),
        ({"expires": "31.12.2026"}, "waivers.0.expires: '31.12.2026' does not match"),
        ({"ownr": "x"}, "waivers.0.ownr: unknown key 'ownr'"),
        ({"rules": []}, "waivers.0.rules: [] should be non-empty"),
        ({"rules": ["STO-020"]}, "waivers.0.rules.0: unknown rule 'STO-020'"),
        ({"rules": ["XYZ-*"]}, "waivers.0.rules.0: no rule matches 'XYZ-*'"),
        ({"ticket": 1432}, "waivers.0.ticket: 1432 is not of type 'string'"),
        ({"reason": "  "}, "waivers.0.reason"),
        ({"account": 555555555555}, "quote the value"),
        ({"tags": {"Team": 3}}, "waivers.0.tags.Team: 3 is not of type 'string'"),
        ({"id": "has space"}, "waivers.0.id: 'has space' does not match"),
    ],
)
def test_schema_and_semantic_errors_point_at_the_field(
    tmp_path: Path, fields: dict[str, object], expected: str
) -> None:
    path = write_waivers(tmp_path, waiver(**fields))
    with pytest.raises(InputError) as caught:
        load_waivers(path, KNOWN)
    assert expected in str(caught.value), str(caught.value)


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    path = write_waivers(tmp_path, waiver(id="W-1"), waiver(id="W-1"))
    with pytest.raises(InputError, match=r"waivers\.1\.id: duplicate waiver id 'W-1' \(first at"):
        load_waivers(path, KNOWN)


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("waivers: []\nwaivers: []\n")
    with pytest.raises(InputError, match="duplicate key 'waivers'"):
        load_waivers(path)


def test_unknown_rules_pass_without_a_rule_set(tmp_path: Path) -> None:
    path = write_waivers(tmp_path, waiver(rules=["CUSTOM-1"]))
    assert load_waivers(path).waivers[0].rules == ("CUSTOM-1",)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_waivers(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_waivers(tmp_path)


@pytest.mark.parametrize("command", ["plan", "scan"])
@pytest.mark.parametrize(
    "fields", [{"rules": ["NOPE-001"]}, {"expires": "2026-13-01"}, {"owner": None}]
)
def test_cli_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    fields: dict[str, object],
) -> None:
    target = DRIFTED
    if command == "scan":
        target = tmp_path / "inventory.json"
        code, _, _ = run_cli(["plan", DRIFTED, "--snapshot-out", target, "-q"], capsys)
        assert code == 1 and target.is_file()
    path = write_waivers(tmp_path, waiver(**fields))
    outputs = [tmp_path / name for name in ("r.json", "r.sarif", "r.txt")]
    args = [command, target, "--waivers", path, "--json", outputs[0], "--sarif", outputs[1]]
    code, out, err = run_cli([*args, "-o", outputs[2]], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"archscan: error: {path}: waivers.0."), err
    assert "Traceback" not in err
    assert not any(p.exists() for p in outputs)
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_schema_describes_the_waivers_section() -> None:
    from scanner.report.json_report import load_schema as report_schema

    section = report_schema()["properties"]["waivers"]
    assert set(section["required"]) == {"file", "applied", "expired", "stale"}
    assert json.dumps(section)  # plain JSON
