"""Every Rego test of the bundled policies passes in the embedded engine (one pytest case each)."""

from __future__ import annotations

import pytest

from scanner.engine.rego import RegoPolicySet
from scanner.engine.rego_tests import run_rego_tests
from scanner.paths import bundled_dir

RESULTS = run_rego_tests([])


def test_every_rego_control_has_tests() -> None:
    policies = RegoPolicySet.load([bundled_dir("policies")])
    tested = " ".join(result.name for result in RESULTS)
    for rule in policies.rules:
        assert f"test_{rule.id.lower().replace('-', '_')}_" in tested, f"{rule.id} has no Rego test"


@pytest.mark.parametrize(
    "result", RESULTS, ids=[r.name.removeprefix("data.archscan.") for r in RESULTS]
)
def test_rego_policy_test(result) -> None:  # type: ignore[no-untyped-def]
    assert result.passed, f"{result.location}: {result.detail}"


def test_a_failing_rego_test_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x_test.rego").write_text(
        "package archscan.x_test\n\nimport rego.v1\n\n"
        "test_wrong_expectation if {\n\tcount([1, 2]) == 3\n}\n\n"
        "test_right if {\n\tcount([1, 2]) == 2\n}\n"
    )
    results = {r.name: r for r in run_rego_tests([tmp_path], include_bundled=False)}
    assert results["data.archscan.x_test.test_right"].passed
    wrong = results["data.archscan.x_test.test_wrong_expectation"]
    assert not wrong.passed and wrong.detail == "undefined"
