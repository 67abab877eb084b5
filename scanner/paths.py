"""Locate the bundled policies, rules and baselines, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_BUNDLED = ("policies", "rules", "baselines")


def bundled_dir(name: str) -> Path:
    """Return the folder holding the bundled ``policies``, ``rules`` or ``baselines``.

    In a source checkout these are the top-level folders beside ``scanner/``; in an
    installed wheel they live inside the package as ``scanner.bundled.<name>``.
    """
    if name not in _BUNDLED:
        raise ValueError(f"unknown bundled folder {name!r}")
    package = Path(__file__).resolve().parent
    checkout = package.parent / name
    if checkout.is_dir() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    return package / "bundled" / name


def default_baseline() -> Path:
    """The bundled reference baseline."""
    return bundled_dir("baselines") / "reference.yaml"
