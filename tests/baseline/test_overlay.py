"""User baselines: extends the bundled one, overrides values, disables rules or re-rates them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.baseline import load_baseline
from scanner.cli import main
from scanner.errors import BaselineError

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"

USER = """\
extends: reference
accounts:
  prod:
    id: "999999999999"
environments:
  prod:
    budget:
      total: 7000
rules:
  TAG-001:
    enabled: false
    reason: our tagging is checked elsewhere
  STO-001:
    severity: low
    environments:
      prod:
        severity: critical
"""


def write(folder: Path, text: str, name: str = "mine.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_baseline_merges_over_the_reference(tmp_path: Path) -> None:
    loaded = load_baseline(write(tmp_path, USER))
    assert loaded.data["accounts"]["prod"]["id"] == "999999999999"
    assert loaded.data["accounts"]["prod"]["environment"] == "prod"  # inherited
    assert loaded.data["environments"]["prod"]["budget"]["total"] == 7000
    assert loaded.data["environments"]["prod"]["budget"]["components"]["compute"] == 4000
    assert loaded.data["environments"]["dev"]["vpc"]["cidr"] == "10.0.0.0/16"
    assert "extends" not in loaded.data
    assert loaded.line_of("accounts.prod.id") == 4


def test_override_is_validated_and_names_the_user_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, "extends: reference\nenvironments:\n  prod:\n    vpc:\n      cidr: 10.2.0.0/33\n"
    )
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert str(path) in str(caught.value) and "environments.prod.vpc.cidr" in str(caught.value)


def test_missing_parent_and_cycles_are_errors(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match=r"nope\.yaml"):
        load_baseline(write(tmp_path, "extends: nope.yaml\n"))
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(BaselineError, match="cycle"):
        load_baseline(tmp_path / "a.yaml")


def run(args: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_rule_settings_change_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.json"
    code, _, _ = run(
        ["plan", DRIFTED, "--baseline", write(tmp_path, USER), "--json", report, "-q"], capsys
    )
    findings = json.loads(report.read_text())["findings"]
    assert code == 1
    assert not any(f["rule_id"] == "TAG-001" for f in findings)
    sto = [f for f in findings if f["rule_id"] == "STO-001"]
    assert sto and {f["severity"] for f in sto if f["environment"] == "prod"} == {"critical"}


def test_unknown_rule_in_settings_is_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "extends: reference\nrules:\n  NET-999:\n    enabled: false\n")
    code, _, err = run(["plan", DRIFTED, "--baseline", path], capsys)
    assert code == 2 and "rules.NET-999" in err and str(path) in err
