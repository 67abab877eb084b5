"""Loading Python rule folders and reporting their mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.engine.python_rules import load_python_rules
from scanner.errors import PolicyError
from scanner.paths import bundled_dir

GOOD = """
from scanner.engine.python_rules import rule
from scanner.engine.verdict import Verdict


@rule(id="X-001", title="Every VPC is named", severity="low", reads=["aws_vpc"])
def named(inventory, baseline):
    for r in inventory.resources:
        if r.type == "aws_vpc":
            yield Verdict(resource=r.id, status="PASS" if r.name else "FAIL", message="named?")
"""


def test_bundled_rules_include_tag_001() -> None:
    rules = {rule.meta.id: rule for rule in load_python_rules([bundled_dir("rules")])}
    assert "TAG-001" in rules
    meta = rules["TAG-001"].meta
    assert meta.language == "python" and meta.severity.value == "medium"
    assert meta.source_file.endswith("tags.py")


def test_user_rule_folder_loads_and_skips_tests(tmp_path: Path) -> None:
    (tmp_path / "naming.py").write_text(GOOD)
    (tmp_path / "test_naming.py").write_text("raise RuntimeError('tests are not rules')\n")
    rules = load_python_rules([tmp_path])
    assert [rule.meta.id for rule in rules] == ["X-001"]
    assert rules[0].meta.source_line == 6  # the @rule line, where the metadata is


def test_import_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("x = 1\ny = undefined_name\n")
    with pytest.raises(PolicyError) as caught:
        load_python_rules([tmp_path])
    assert f"{path}:2" in str(caught.value) and "NameError" in str(caught.value)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.py"
    path.write_text("def f(:\n    pass\n")
    with pytest.raises(PolicyError) as caught:
        load_python_rules([tmp_path])
    assert f"{path}:1" in str(caught.value)


def test_rule_without_severity_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "partial.py").write_text(GOOD.replace(', severity="low"', ""))
    with pytest.raises(PolicyError, match="severity"):
        load_python_rules([tmp_path])
