"""YAML that a user hands archscan is loaded safely: Python tags are refused, nothing runs.

Each case plants ``!!python/object/apply`` tags that would create a marker file if a
loader constructed them; the run must exit 2 with one error line and no marker file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.paths import default_baseline
from tests.fuzz.support import run_cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "prod-compliant.plan.json"
UNSAFE_CALLS = re.compile(
    r"yaml\.(unsafe_load|full_load|load_all)\(|Loader=yaml\.(Loader|FullLoader|UnsafeLoader)"
    r"|yaml\.load\((?!.*Loader=)"
)


def payloads(marker: Path) -> list[str]:
    """Tags that would touch ``marker`` through os.system, subprocess or exec if built."""
    command = f"touch {marker}"
    return [
        f"!!python/object/apply:os.system [{command!r}]",
        f"!!python/object/apply:subprocess.check_output [[touch, {str(marker)!r}]]",
        f"!!python/object/new:subprocess.Popen [[touch, {str(marker)!r}]]",
        f'!!python/object/apply:builtins.exec ["open({str(marker)!r}, \\"w\\")"]',
        "!!python/name:os.system",
        "!!python/module:os",
    ]


def assert_refused(args: list[object], marker: Path, source: Path) -> None:
    code, _out, err = run_cli(args)
    assert not marker.exists(), "a YAML tag ran code"
    assert code == 2, (code, err)
    errors = [line for line in err.splitlines() if line.startswith("archscan: error:")]
    assert len(errors) == 1 and str(source) in errors[0], err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("index", range(6))
def test_python_tags_in_a_baseline_are_refused(tmp_path: Path, index: int) -> None:
    marker = tmp_path / "PWNED"
    baseline = tmp_path / "baseline.yaml"
    text = default_baseline().read_text(encoding="utf-8")
    text = text.replace("\nregions:", f"\nx-payload: {payloads(marker)[index]}\nregions:", 1)
    baseline.write_text(text, encoding="utf-8")
    assert_refused(["plan", EXAMPLE, "--baseline", baseline, "-q"], marker, baseline)
    assert_refused(["baseline", "lint", "--baseline", baseline], marker, baseline)


@pytest.mark.parametrize("index", range(6))
def test_python_tags_in_a_waiver_file_are_refused(tmp_path: Path, index: int) -> None:
    marker = tmp_path / "PWNED"
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - id: w1\n"
        "    rules: [NET-004]\n"
        f"    owner: {payloads(marker)[index]}\n"
        "    reason: accepted\n"
        "    ticket: OPS-1\n"
        "    expires: 2099-01-01\n",
        encoding="utf-8",
    )
    assert_refused(["plan", EXAMPLE, "--waivers", waivers, "-q"], marker, waivers)


def test_python_tags_in_rego_metadata_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    policies = tmp_path / "policies"
    policies.mkdir()
    policy = policies / "custom.rego"
    policy.write_text(
        "package archscan.custom\n\nimport rego.v1\n\n"
        "# METADATA\n"
        f"# title: {payloads(marker)[0]}\n"
        "# custom:\n#   id: CUS-001\n#   severity: high\n"
        "deny contains finding if {\n  false\n  finding := {}\n}\n",
        encoding="utf-8",
    )
    code, _out, err = run_cli(["plan", EXAMPLE, "--policy-dir", policies, "-q"])
    assert not marker.exists(), "a YAML tag ran code"
    assert code == 2 and "Traceback" not in err and "internal error" not in err, err


def test_no_module_loads_yaml_with_an_unsafe_loader() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "scanner").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNSAFE_CALLS.search(line)
    ]
    assert offenders == []
    assert UNSAFE_CALLS.search("yaml.load(text)") and UNSAFE_CALLS.search("yaml.unsafe_load(x)")
    assert not UNSAFE_CALLS.search("yaml.load(text, Loader=_SAFE_LOADER)")
