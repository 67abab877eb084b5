"""`--checkov` without Checkov, on the wrong command, and the plan copy Checkov can read.

These run in any interpreter; the ones about a missing Checkov skip where it is installed.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.engine.checkov_adapter import CheckovJob, checkov_installed, require_checkov
from scanner.engine.checkov_worker import scannable_plan
from scanner.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
INSTALL_LINE = "archscan: error: --checkov needs Checkov: pip install 'archscan[checkov]'"
without_checkov = pytest.mark.skipif(
    checkov_installed(), reason="Checkov is importable here; this is about its absence"
)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(args)
    captured = capsys.readouterr()
    return int(caught.value.code or 0), captured.out, captured.err


@without_checkov
def test_plan_checkov_without_checkov_says_how_to_install(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    code, out, err = run_cli(["plan", str(DRIFTED), "--checkov", "--json", str(report)], capsys)
    assert code == 2
    assert err.strip() == INSTALL_LINE
    assert out == "" and not report.exists()


@without_checkov
def test_library_callers_get_the_same_usage_error() -> None:
    with pytest.raises(UsageError, match=r"pip install 'archscan\[checkov\]'"):
        require_checkov()
    with pytest.raises(UsageError, match="needs Checkov"):
        CheckovJob(DRIFTED)


def test_scan_offers_no_checkov_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(["scan", "inventory.json", "--checkov"], capsys)
    assert code == 2 and "No such option '--checkov'" in err


def test_checkov_timeout_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(["plan", str(DRIFTED), "--checkov", "--checkov-timeout", "0"], capsys)
    assert code == 2 and "--checkov-timeout" in err


def test_plain_plan_is_given_to_checkov_as_it_is(tmp_path: Path) -> None:
    target, original = scannable_plan(DRIFTED, tmp_path)
    assert (target, original) == (DRIFTED, True)
    assert list(tmp_path.iterdir()) == []


def test_plan_with_bom_and_wrapper_noise_is_rewritten_as_plain_json(tmp_path: Path) -> None:
    document = json.loads(DRIFTED.read_text(encoding="utf-8"))
    noisy = tmp_path / "noisy.json"
    text = "[command]/usr/bin/terraform show -json tfplan\n" + json.dumps(document, indent=1)
    noisy.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    workdir = tmp_path / "work"
    workdir.mkdir()
    target, original = scannable_plan(noisy, workdir)
    assert not original and target.parent == workdir
    assert json.loads(target.read_text(encoding="utf-8")) == document
