"""Loading policy folders: syntax errors, unknown functions, METADATA, no backtraces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.engine.rego import RegoPolicySet
from scanner.errors import PolicyError
from scanner.paths import bundled_dir

HEADER = "package archscan.t\n\nimport rego.v1\n\n"
META = """# METADATA
# title: Something holds
# custom:
#   id: T-001
#   severity: medium
#   reads: [aws_vpc]
"""


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_bundled_policies_load_with_metadata() -> None:
    policies = RegoPolicySet.load([bundled_dir("policies")])
    ids = {rule.id for rule in policies.rules}
    assert {"NET-001", "NET-005", "DB-003", "DB-004", "STO-001", "STO-005", "SEC-001"} <= ids
    net_001 = next(rule for rule in policies.rules if rule.id == "NET-001")
    assert net_001.entrypoint == "data.archscan.network.net_001"
    assert net_001.severity.value == "high"
    assert "aws_vpc" in net_001.reads
    assert net_001.remediation and net_001.seed
    head = Path(net_001.source_file).read_text().splitlines()[net_001.source_line - 1]
    assert head.startswith("net_001 contains")


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.rego", HEADER + "allow if {\n\tinput.x ==\n}\n")
    with pytest.raises(PolicyError) as caught:
        RegoPolicySet.load([tmp_path])
    text = str(caught.value)
    assert f"{path}:7:" in text
    assert "Stack backtrace" not in text and "\n" not in text


def test_unknown_function_is_caught_at_load_even_in_a_branch_that_never_runs(
    tmp_path: Path,
) -> None:
    body = HEADER + META + 't_001 contains v if {\n\tfalse\n\tv := net.cidr_overlapz("a", "b")\n}\n'
    path = write(tmp_path, "typo.rego", body)
    with pytest.raises(PolicyError) as caught:
        RegoPolicySet.load([tmp_path])
    assert "net.cidr_overlapz" in str(caught.value)
    assert f"{path}:13:" in str(caught.value)


def test_user_functions_and_import_aliases_resolve(tmp_path: Path) -> None:
    write(
        tmp_path,
        "helpers.rego",
        "package archscan.helpers\n\nimport rego.v1\n\ndouble(x) := x * 2\n",
    )
    body = (
        HEADER.replace("import rego.v1", "import rego.v1\n\nimport data.archscan.helpers as h")
        + META
        + 't_001 contains v if {\n\tv := {"resource": "x", "status": "PASS", "n": h.double(2)}\n}\n'
    )
    write(tmp_path, "uses.rego", body)
    policies = RegoPolicySet.load([tmp_path])
    assert [rule.id for rule in policies.rules] == ["T-001"]
    result = policies.evaluate({"by_type": {}}, {}, {"T-001"})
    assert result["T-001"] == [{"resource": "x", "status": "PASS", "n": 4}]


def test_metadata_without_severity_is_rejected(tmp_path: Path) -> None:
    body = HEADER + "# METADATA\n# title: x\n# custom:\n#   id: T-002\nt contains 1 if true\n"
    path = write(tmp_path, "meta.rego", body)
    with pytest.raises(PolicyError) as caught:
        RegoPolicySet.load([tmp_path])
    assert "severity" in str(caught.value) and str(path) in str(caught.value)


def test_runtime_error_is_attributed_to_its_rule(tmp_path: Path) -> None:
    body = (
        HEADER
        + META
        + 't_001 contains v if {\n\tv := {"resource": "x", "status": "PASS"}\n}\n\n'
        + META.replace("T-001", "T-002")
        + "t_002 contains v if {\n\tx := 1 / 0\n"
        + '\tv := {"resource": "y", "status": "PASS", "x": x}\n}\n'
    )
    write(tmp_path, "mixed.rego", body)
    result = RegoPolicySet.load([tmp_path]).evaluate({"by_type": {}}, {}, {"T-001", "T-002"})
    assert result["T-001"] == [{"resource": "x", "status": "PASS"}]
    assert isinstance(result["T-002"], str)


def test_rust_backtrace_is_unset_for_the_engine() -> None:
    import scanner.engine.regorus_runtime  # noqa: F401

    assert "RUST_BACKTRACE" not in os.environ


def test_missing_policy_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        RegoPolicySet.load([tmp_path / "nope"])
