"""Where a finding lives in the files a scan read: URI, line and column for SARIF.

Each input file is read once and indexed by the first position of every
``"address": "..."`` and ``"id": "..."`` member, so a plan finding points at its
resource in the plan and a live finding at its resource in an inventory snapshot.
Lines are never part of a finding's identity; they only help a reader find it.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from scanner.findings import Finding
from scanner.report.context import ReportContext

# A JSON member "address": "<string>" or "id": "<string>" (JSON strings hold no raw newline).
_KEY_VALUE = re.compile(r'"(address|id)"\s*:\s*"((?:[^"\\\n]|\\.)*)"')
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Span:
    """A SARIF region: 1-based lines, 1-based columns, end column exclusive."""

    start_line: int = 1
    start_column: int = 1
    end_line: int = 1
    end_column: int = 1

    def to_region(self) -> dict[str, int]:
        return {
            "startLine": self.start_line,
            "startColumn": self.start_column,
            "endLine": self.end_line,
            "endColumn": self.end_column,
        }


FIRST_LINE = Span()


def decode(data: bytes) -> str:
    """Text of a plan or inventory file, honouring a UTF-8 or UTF-16 byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


class ArtifactIndex:
    """Where each ``"address"`` and ``"id"`` value first appears in one JSON file.

    Works on pretty-printed and one-line files alike (the column pins the spot on
    a long line) and decodes JSON escapes, so ``module.m["a"]`` and Terraform's
    ``\\u003c``-style escapes are found by their real value.
    """

    def __init__(self, text: str) -> None:
        self._newlines = [match.start() for match in _NEWLINE.finditer(text)]
        self.addresses: dict[str, Span] = {}
        self.ids: dict[str, Span] = {}
        for match in _KEY_VALUE.finditer(text):
            try:
                value = json.loads(f'"{match.group(2)}"')
            except ValueError:
                continue
            table = self.addresses if match.group(1) == "address" else self.ids
            if value not in table:
                table[value] = self._span(match.start(), match.end())

    @classmethod
    def from_file(cls, path: Path) -> ArtifactIndex | None:
        """Index of ``path``, or None when it cannot be read."""
        try:
            return cls(decode(path.read_bytes()))
        except OSError:
            return None

    def _position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1

    def _span(self, start: int, end: int) -> Span:
        start_line, start_column = self._position(start)
        end_line, end_column = self._position(end)
        return Span(start_line, start_column, end_line, end_column)

    def find(self, finding: Finding) -> Span | None:
        """Position of the finding's resource: by address, then by resource id."""
        for key in (finding.address, finding.resource_id):
            if key and key in self.addresses:
                return self.addresses[key]
        return self.ids.get(finding.resource_id)


@dataclass
class Artifact:
    """One file results can point at, with its index when it could be read."""

    uri: str
    index: ArtifactIndex | None


def artifact_uri(path: Path, base_dir: Path) -> str:
    """``path`` relative to ``base_dir`` as a URI reference, or an absolute ``file:`` URI.

    Symlinks are resolved (GitHub cannot display results under symlinked paths).
    """
    absolute = path.resolve()
    try:
        return quote(absolute.relative_to(base_dir.resolve()).as_posix(), safe="/")
    except ValueError:
        return absolute.as_uri()


class Locator:
    """Maps findings to a file, line and column; every input file is read once.

    Input paths are taken as the pipeline gave them (relative to the process's
    working directory); URIs are made relative to ``base_dir``.
    """

    def __init__(self, ctx: ReportContext, base_dir: Path) -> None:
        files = [Path(path) for path in ctx.inputs if path and path != "-"]
        self.artifacts = [
            Artifact(artifact_uri(file, base_dir), ArtifactIndex.from_file(file)) for file in files
        ]
        if not self.artifacts:
            fallback = Path(ctx.baseline_path or ".")
            self.artifacts = [Artifact(artifact_uri(fallback, base_dir), None)]

    def locate(self, finding: Finding) -> tuple[str, Span]:
        """The first input that mentions the resource, else the first input at line 1."""
        for artifact in self.artifacts:
            span = artifact.index.find(finding) if artifact.index else None
            if span is not None:
                return artifact.uri, span
        return self.artifacts[0].uri, FIRST_LINE
