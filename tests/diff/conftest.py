"""Live fixtures (a moto server on 127.0.0.1) and the examples' reports and inventories."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.cli import main
from tests.live.conftest import audit, moto, moto_url  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "compliant": REPO / "examples" / "prod-compliant.plan.json",
    "drifted": REPO / "examples" / "prod-drifted.plan.json",
}


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reports and inventories of both example plans (``compliant.json``, ``drifted.inv.json``)."""
    folder = tmp_path_factory.mktemp("examples")
    for name, plan in EXAMPLES.items():
        args = ["plan", str(plan), "-q", "--json", str(folder / f"{name}.json")]
        args += ["--snapshot-out", str(folder / f"{name}.inv.json"), "-o", str(folder / "t.txt")]
        with pytest.raises(SystemExit):
            main(args)
    return {path.name: path for path in folder.iterdir()}
