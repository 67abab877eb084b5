"""Where the baseline states what a rule expects: file and line of the key it reads.

A rule's metadata lists the baseline keys it reads (``environments.*.vpc.cidr``);
the ``*`` after ``environments`` is the finding's environment. A finding points at
the first of those keys that the baseline file states; a key a user baseline does
not override is looked up in the baseline it ``extends``. When no key is stated
(a ``*`` that cannot be resolved, a key left at its default) the nearest stated
parent key is used, and as a last resort the first line of the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanner.baseline import overlay
from scanner.baseline.loader import parse_baseline
from scanner.engine.metadata import RuleMeta
from scanner.errors import ArchscanError
from scanner.findings import Finding
from scanner.report.locations import Span


@dataclass(frozen=True)
class BaselineFile:
    """One baseline file: its path, its lines and the line of each dotted key."""

    path: Path
    lines: list[str]
    keys: dict[str, int]

    def span(self, key: str) -> Span | None:
        """The key's line, from its first non-blank character to the end of the line."""
        number = self.keys.get(key)
        if number is None or number > len(self.lines):
            return None
        text = self.lines[number - 1].rstrip()
        start = len(text) - len(text.lstrip()) + 1
        return Span(number, start, number, max(len(text) + 1, start))


def read_chain(path: Path) -> list[BaselineFile]:
    """The baseline and the ones it extends, child first; unreadable files end the chain."""
    chain: list[BaselineFile] = []
    current: Path | None = path
    while current is not None and len(chain) <= overlay.MAX_DEPTH:
        try:
            parsed = parse_baseline(current)
            text = current.read_text(encoding="utf-8-sig")
        except (ArchscanError, OSError, UnicodeDecodeError):
            break
        chain.append(BaselineFile(current, text.splitlines(), dict(parsed.lines)))
        extends = parsed.data.get("extends")
        try:
            current = overlay.parent_path(extends, current) if extends is not None else None
        except ArchscanError:
            current = None
        if current is not None and any(f.path.resolve() == current.resolve() for f in chain):
            break
    return chain


def candidate_keys(paths: list[str], environment: str | None) -> list[str]:
    """Concrete keys for a finding: ``environments.*`` bound to its environment, longest
    first per rule key, then every parent of those keys (``environments.prod.vpc``)."""
    exact: list[str] = []
    parents: list[str] = []
    for path in paths:
        parts = path.split(".")
        if len(parts) > 1 and parts[0] == "environments" and parts[1] == "*" and environment:
            parts[1] = environment
        if "*" in parts:
            parts = parts[: parts.index("*")]
        if not parts:
            continue
        exact.append(".".join(parts))
        parents += [".".join(parts[:end]) for end in range(len(parts) - 1, 0, -1)]
    if environment:
        parents.append(f"environments.{environment}")
    ordered: list[str] = []
    for key in exact + parents:
        if key not in ordered:
            ordered.append(key)
    return ordered


class BaselineLocator:
    """Finds the baseline line behind a rule's expectation; the files are read once."""

    def __init__(self, path: str | None) -> None:
        self._path = Path(path) if path else None
        self._chain: list[BaselineFile] | None = None

    @property
    def chain(self) -> list[BaselineFile]:
        if self._chain is None:
            self._chain = read_chain(self._path) if self._path else []
        return self._chain

    @property
    def path(self) -> Path | None:
        return self._path

    def locate(self, finding: Finding, rule: RuleMeta | None) -> tuple[Path, Span, str] | None:
        """File, region and key of the expectation, or None when no baseline file reads."""
        if not self.chain:
            return None
        keys = candidate_keys(list(rule.baseline_paths) if rule else [], finding.environment)
        for key in keys:
            for file in self.chain:
                span = file.span(key)
                if span is not None:
                    return file.path, span, key
        first = self.chain[0]
        return first.path, Span(1, 1, 1, 1), ""
