"""The ids of the Terraform checks the installed Checkov ships, read from its files.

Waiver files are checked against the rules of the run before any work starts, and a
Checkov check id is a rule of a ``--checkov`` run. Importing Checkov to ask its
registries takes seconds (and fills process-global state), so the ids are read from the
check definitions instead: ``id = "CKV_..."`` (or ``check_id=``) in the Python checks and
the ``"id"`` in the graph checks' JSON/YAML. tests/engine/test_checkov_integration.py
compares the result with Checkov's own registries.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

_CHECK_ID = r"CKV2?_[A-Z0-9]+_\d+"
_PYTHON_ID = re.compile(rf"\b(?:check_)?id\s*=\s*[\"']({_CHECK_ID})[\"']")
_GRAPH_ID = re.compile(rf"[\"']?\bid[\"']?\s*:\s*[\"']?({_CHECK_ID})\b")
_PYTHON_FOLDERS = ("resource", "data", "provider")


def checkov_package() -> Path | None:
    """The installed ``checkov`` package folder, found without importing it."""
    spec = importlib.util.find_spec("checkov")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def installed_check_ids() -> frozenset[str]:
    """Every Terraform check id of the installed Checkov (empty when it is not installed)."""
    package = checkov_package()
    if package is None:
        return frozenset()
    checks = package / "terraform" / "checks"
    ids: set[str] = set()
    for folder in _PYTHON_FOLDERS:
        for path in (checks / folder).rglob("*.py"):
            ids.update(_PYTHON_ID.findall(path.read_text(encoding="utf-8", errors="replace")))
    for path in (checks / "graph_checks").rglob("*"):
        if path.suffix in {".json", ".yaml", ".yml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            ids.update(_GRAPH_ID.findall(text))
    return frozenset(ids)
