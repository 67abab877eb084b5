"""Shared helpers for the Terraform plan collector tests: fixture folders and plan readers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent / "data"


def shared_dir() -> Path | None:
    """``$ARCHSCAN_SHARED`` or the ``shared`` folder beside the repository, if present."""
    configured = os.environ.get("ARCHSCAN_SHARED")
    folder = (
        Path(configured) if configured else Path(__file__).resolve().parents[2] / ".." / "shared"
    )
    return folder.resolve() if folder.is_dir() else None


def plans_dir() -> Path | None:
    folder = shared_dir()
    plans = folder / "fixtures" / "plans" if folder else None
    return plans if plans and plans.is_dir() else None


def real_plans() -> list[Path]:
    """Every real plan fixture (empty when the shared folder is absent)."""
    folder = plans_dir()
    return sorted(folder.glob("*.json")) if folder else []


@pytest.fixture
def real_plan():
    """Path of a named real plan fixture; skips when the shared fixtures are absent."""

    def find(name: str) -> Path:
        folder = plans_dir()
        if folder is None:
            pytest.skip("shared plan fixtures not found: set ARCHSCAN_SHARED to the shared folder")
        path = folder / name
        if not path.is_file():
            pytest.skip(f"shared plan fixture {name} not found in {folder}")
        return path

    return find


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def raw_changes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in plan.get("resource_changes") or [] if isinstance(c, dict)]


def raw_resource_change(plan: dict[str, Any], address: str) -> dict[str, Any]:
    for change in raw_changes(plan):
        if change["address"] == address:
            return change
    raise KeyError(address)
