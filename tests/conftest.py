"""Shared fixtures: the bundled baseline, paths to shared fixtures and examples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared/ folder beside the checkout (or ARCHSCAN_SHARED)."""
    return Path(os.environ.get("ARCHSCAN_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def reference_baseline() -> dict:
    from scanner.baseline import load_baseline
    from scanner.paths import default_baseline

    return load_baseline(default_baseline()).data


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO
