"""User baselines: ``extends`` another baseline and override only what differs.

A user's file names its parent with ``extends: reference`` (the bundled baseline) or a
path relative to itself, and gives only the keys it changes: mappings merge key by key,
anything else (a list, a number, a string) replaces the parent's value. The merged
document is then validated like any baseline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from scanner.errors import BaselineError

BUNDLED_NAMES = frozenset({"reference", "bundled"})
MAX_DEPTH = 8


def merge(parent: Any, child: Any) -> Any:
    """``child`` over ``parent``: mappings merge recursively, other values replace."""
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = dict(parent)
        for key, value in child.items():
            merged[key] = merge(parent[key], value) if key in parent else value
        return merged
    return child


def parent_path(extends: Any, child: Path) -> Path:
    """The file a baseline extends: the bundled one by name, or a path beside the child."""
    from scanner.paths import default_baseline

    if not isinstance(extends, str) or not extends.strip():
        raise BaselineError(
            "extends: must be 'reference' or the path of another baseline", source=str(child)
        )
    if extends.strip() in BUNDLED_NAMES:
        return default_baseline()
    path = Path(extends)
    return path if path.is_absolute() else child.parent / path


def combined_digest(parent_digest: str, child_digest: str) -> str:
    """One digest for a baseline and everything it extends."""
    text = f"{parent_digest}\n{child_digest}".encode()
    return "sha256:" + hashlib.sha256(text).hexdigest()
