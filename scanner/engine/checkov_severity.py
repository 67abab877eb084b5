"""Severities for Checkov's checks: by check id, Checkov's own, by category, then a default.

Checkov run offline reports null severities, so the map in
``baselines/checkov-severity.yaml`` decides (see the comments in that file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scanner.errors import InputError
from scanner.findings import Severity
from scanner.paths import bundled_dir

SEVERITY_FILE = "checkov-severity.yaml"
_SECTIONS = ("default", "categories", "checks")


def default_severity_file() -> Path:
    """The bundled severity map."""
    return bundled_dir("baselines") / SEVERITY_FILE


@dataclass(frozen=True)
class SeverityMap:
    """Which severity a Checkov check's failure gets."""

    default: Severity = Severity.MEDIUM
    categories: dict[str, Severity] = field(default_factory=dict)
    checks: dict[str, Severity] = field(default_factory=dict)

    def severity(
        self, check_id: str, category: str | None = None, reported: str | None = None
    ) -> Severity:
        """The check's own entry, else Checkov's severity, else its category's, else default."""
        if check_id in self.checks:
            return self.checks[check_id]
        if reported:
            try:
                return Severity.parse(reported)
            except ValueError:
                pass
        if category and category.upper() in self.categories:
            return self.categories[category.upper()]
        return self.default


def load_severity_map(path: Path | None = None) -> SeverityMap:
    """Read and check a severity map; a bad file is one InputError naming it."""
    path = path or default_severity_file()
    source = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"not valid YAML{where}", source=source) from None
    if not isinstance(data, dict) or set(data) - set(_SECTIONS):
        raise InputError(f"expected a mapping with keys {', '.join(_SECTIONS)}", source=source)
    return SeverityMap(
        default=_severity(data.get("default", "medium"), "default", source),
        categories=_table(data.get("categories"), "categories", source, upper=True),
        checks=_table(data.get("checks"), "checks", source, upper=False),
    )


def _table(raw: Any, section: str, source: str, *, upper: bool) -> dict[str, Severity]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(f"{section}: expected a mapping of id to severity", source=source)
    return {
        (str(key).upper() if upper else str(key)): _severity(value, f"{section}.{key}", source)
        for key, value in raw.items()
    }


def _severity(value: Any, where: str, source: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError:
        names = ", ".join(s.value for s in Severity)
        raise InputError(f"{where}: {value!r} is not one of {names}", source=source) from None
