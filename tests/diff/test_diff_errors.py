"""`archscan diff` on bad input: one line naming the file, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run


def test_an_inventory_and_a_report_cannot_be_diffed(
    example_outputs, capsys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    report, inventory = example_outputs["compliant.json"], example_outputs["drifted.inv.json"]
    target = tmp_path / "out.md"
    code, out, err = run(["diff", report, inventory, "-o", target], capsys)
    assert code == 2 and out == "" and not target.exists()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"archscan: error: {inventory}: is a JSON inventory but {report} ")
    assert "same kind" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "malformed JSON at line 1 column 2"),
        ("", "file is empty"),
        ('{"hello": 1}', "neither an archscan inventory"),
        ('{"report_version": "1.0", "findings": [{"rule_id": 3}]}', "invalid JSON report at $"),
        ('{"schema_version": "1.0", "resources": [{}]}', "invalid inventory at $"),
    ],
)
def test_bad_files_are_named_in_one_line(
    example_outputs, capsys, tmp_path: Path, content, message
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, out, err = run(["diff", example_outputs["compliant.json"], bad], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"archscan: error: {bad}: ") and message in err, err
    assert err.count("\n") == 1


def test_a_missing_file_and_an_unwritable_output(example_outputs, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = example_outputs["compliant.json"]
    code, _, err = run(["diff", report, tmp_path / "nope.json"], capsys)
    assert code == 2 and "nope.json: file not found" in err
    target = tmp_path / "missing" / "diff.json"
    code, out, err = run(["diff", report, report, "-o", target], capsys)
    assert code == 2 and out == "" and "the folder does not exist" in err
    assert not target.parent.exists()


def test_output_file_holds_the_whole_json_diff(example_outputs, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "diff.json"
    args = [example_outputs["compliant.json"], example_outputs["drifted.json"]]
    code, out, _ = run(["diff", *args, "--format", "json", "-o", target], capsys)
    assert code == 0 and out == ""
    diff = json.loads(target.read_text())
    assert diff["diff_version"] == "1.0" and diff["old"]["path"] == str(args[0])
    assert [p.name for p in tmp_path.iterdir()] == ["diff.json"]  # no temporary file left


def test_help_documents_the_exit_codes(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["diff", "--help"], capsys)
    assert code == 0
    for line in ("0  the diff was written", "1  --fail-on-new SEVERITY", "2  usage or input error"):
        assert line in out
