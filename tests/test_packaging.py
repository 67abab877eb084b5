"""The wheel carries policies, rules and baselines: it works outside the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return next(out.glob("archscan-*.whl"))


def test_wheel_contains_bundled_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "scanner/bundled/policies/network.rego" in names
    assert "scanner/bundled/baselines/reference.yaml" in names
    assert "scanner/bundled/baselines/schema.json" in names
    assert "scanner/bundled/rules/tags.py" in names
    assert "scanner/inventory/schema.json" in names
    assert not any(name.startswith(("tests/", "policies/", "examples/")) for name in names)
    # The package list in pyproject.toml is explicit: every source package must be in it.
    for init in (REPO / "scanner").rglob("__init__.py"):
        assert init.relative_to(REPO).as_posix() in names, f"{init.parent} is not packaged"


def test_installed_wheel_scans_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # Dependencies come from this test environment; archscan itself only from the wheel.
    site = Path(sysconfig.get_paths()["purelib"])
    new_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (new_site / "archscan-test-deps.pth").write_text(f"{site}\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    plan = REPO / "examples" / "prod-drifted.plan.json"
    result = subprocess.run(
        [str(env_dir / "bin" / "archscan"), "plan", str(plan), "--json", "report.json", "--quiet"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads((elsewhere / "report.json").read_text())
    assert str(new_site) in report["baseline"]["path"]
    assert any(f["status"] == "FAIL" for f in report["findings"])
    listing = subprocess.run(
        [str(env_dir / "bin" / "archscan"), "rules", "list", "--format", "json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    sources = {rule["id"]: rule["source_file"] for rule in json.loads(listing.stdout)}
    assert sources["NET-001"].startswith(str(new_site))
    assert sources["TAG-001"].startswith(str(new_site))
