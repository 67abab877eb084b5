"""Fixtures shared by tests/ and the tests that sit beside rules in rules/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent


def shared_dir() -> Path:
    """The shared/ folder beside the checkout (or ARCHSCAN_SHARED)."""
    return Path(os.environ.get("ARCHSCAN_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def reference_baseline() -> dict:
    """The bundled baseline's data."""
    from scanner.baseline import load_baseline
    from scanner.paths import default_baseline

    return load_baseline(default_baseline()).data


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared() -> Path:
    """shared/ with the reference documents and real fixtures; skipped when absent."""
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared fixtures not found at {path} (set ARCHSCAN_SHARED)")
    return path
