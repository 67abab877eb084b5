"""Where a finding lives in the files a scan read: URI, line and column for SARIF.

Each input file is read once and indexed by the first position of every
``"address": "..."`` and ``"id": "..."`` member, so a plan finding points at its
resource in the plan (or, given the Terraform folder, at its block in the ``.tf``
files: see tf_locations.py) and a live finding at the baseline line of the
expectation it violates (baseline_locations.py), with its resource in an inventory
snapshot as a related place. Lines are never part of a finding's identity; they
only help a reader find it.
"""

from __future__ import annotations

import bisect
import json
import os
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

    def _position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1

    def _span(self, start: int, end: int) -> Span:
        start_line, start_column = self._position(start)
        end_line, end_column = self._position(end)
        return Span(start_line, start_column, end_line, end_column)

    def find(self, finding: Finding) -> Span | None:
        """Position of the finding's resource: by address, then by resource id, then by
        the address a scope finding's id starts with (``<address>/nat-gateways``)."""
        for key in (finding.address, finding.resource_id):
            if key and key in self.addresses:
                return self.addresses[key]
        if finding.resource_id in self.ids:
            return self.ids[finding.resource_id]
        from scanner.report.tf_locations import base_address

        base = base_address(finding.resource_id)
        return self.addresses.get(base) if base else None


@dataclass
class Artifact:
    """One file results can point at, with its index when it could be read."""

    uri: str
    index: ArtifactIndex | None


def read_text(path: Path) -> str | None:
    """Text of an input file, or None when it cannot be read."""
    try:
        return decode(path.read_bytes())
    except OSError:
        return None


def artifact_uri(path: Path, base_dir: Path) -> str:
    """``path`` relative to ``base_dir`` as a URI reference, or an absolute ``file:`` URI.

    Symlinks are resolved (GitHub cannot display results under symlinked paths).
    """
    absolute = path.resolve()
    try:
        return quote(absolute.relative_to(base_dir.resolve()).as_posix(), safe="/")
    except ValueError:
        return absolute.as_uri()


@dataclass(frozen=True)
class Place:
    """A spot in a file for SARIF: URI (relative to the base folder when inside it)."""

    uri: str
    span: Span
    description: str = ""

    @property
    def relative(self) -> bool:
        return not self.uri.startswith("file:")


class Locator:
    """Maps findings to a primary place and related places; every input is read once.

    Plan findings: the resource block in the ``.tf`` files when a Terraform folder is
    given and declares it, else the resource in the plan file (line 1 when absent).
    Live findings: the baseline line that states the expectation the rule checks.
    Related places: the other of those that exist, plus the baseline line, and for
    live findings the resource in an inventory snapshot. Input paths are taken as the
    pipeline gave them (relative to the process's working directory); URIs are made
    relative to ``base_dir``.
    """

    def __init__(
        self, ctx: ReportContext, base_dir: Path, tf_dir: str | os.PathLike[str] | None = None
    ) -> None:
        from scanner.report.baseline_locations import BaselineLocator
        from scanner.report.tf_locations import TerraformLocator

        self.base_dir = base_dir
        self.ctx = ctx
        # inputs that are files (a live inventory's source may be an endpoint URL)
        files = [Path(path) for path in ctx.inputs if path and path != "-" and Path(path).is_file()]
        texts = [read_text(file) for file in files]
        self.artifacts = [
            Artifact(
                artifact_uri(file, base_dir), ArtifactIndex(text) if text is not None else None
            )
            for file, text in zip(files, texts, strict=True)
        ]
        if not self.artifacts:
            fallback = Path(ctx.baseline_path or ".")
            self.artifacts = [Artifact(artifact_uri(fallback, base_dir), None)]
        self.baseline = BaselineLocator(ctx.baseline_path or None)
        plan_text = next((text for text in texts if text is not None), None)
        self.terraform = TerraformLocator(Path(tf_dir), plan_text) if tf_dir else None

    def is_live(self, finding: Finding) -> bool:
        return (finding.source or self.ctx.source_kind) == "live"

    def in_inputs(self, finding: Finding) -> Place | None:
        """The first input that mentions the resource."""
        for artifact in self.artifacts:
            span = artifact.index.find(finding) if artifact.index else None
            if span is not None:
                return Place(artifact.uri, span, "the resource in the scanned input")
        return None

    def in_terraform(self, finding: Finding) -> Place | None:
        """The resource (or module call) block in the Terraform folder."""
        if self.terraform is None:
            return None
        block = self.terraform.find(finding.address or finding.resource_id)
        if block is None:
            return None
        what = "the module call of the resource" if block.kind == "module" else "the resource"
        return Place(artifact_uri(block.path, self.base_dir), block.span, f"{what} in Terraform")

    def in_baseline(self, finding: Finding) -> Place | None:
        """The baseline line of the key the rule reads for this finding (none for Checkov's
        checks: they state no expectation of the baseline)."""
        rule = self.ctx.rules.get(finding.rule_id)
        if rule is not None and rule.language == "checkov":
            return None
        found = self.baseline.locate(finding, rule)
        if found is None:
            return None
        path, span, key = found
        text = f"expected by the baseline at {key}" if key else "the baseline"
        return Place(artifact_uri(path, self.base_dir), span, text)

    def locate(self, finding: Finding) -> tuple[Place, list[Place]]:
        """The primary place of a finding and its related places (inside the base folder)."""
        in_input = self.in_inputs(finding)
        expectation = self.in_baseline(finding)
        if self.is_live(finding):
            primary = expectation or in_input
            related = [in_input]
        else:
            declared = self.in_terraform(finding)
            primary = declared or in_input
            related = [in_input if declared else None, expectation]
        if primary is None:
            primary = Place(self.artifacts[0].uri, FIRST_LINE, "")
        others = [p for p in related if p is not None and p.relative and p != primary]
        return primary, others
