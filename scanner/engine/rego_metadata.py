"""Parse ``# METADATA`` annotations from Rego source (regorus does not return them).

An annotation is a block of comment lines starting with ``# METADATA`` whose remaining
lines, with the leading ``#`` and one space removed, form a YAML document; it applies to
the rule whose head follows the block. archscan reads ``title``, ``description`` and the
``custom`` mapping (``id``, ``severity``, ``inputs``, ``reads``, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from scanner.errors import PolicyError

# libyaml's safe loader when PyYAML was built with it: the same documents, parsed in C
# (annotations are parsed on every run, before any rule is evaluated).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_RULE_HEAD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\b")
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][A-Za-z0-9_.]*)")


@dataclass
class Annotation:
    """One METADATA block and the rule it annotates."""

    package: str
    rule: str
    line: int  # line of the rule head, 1-based
    fields: dict[str, Any]


def package_of(source: str) -> str | None:
    """The package name declared by a Rego file, or None."""
    for line in source.splitlines():
        match = _PACKAGE.match(line)
        if match:
            return match.group(1)
    return None


def parse_annotations(source: str, filename: str) -> list[Annotation]:
    """All METADATA blocks of a file, each bound to the rule that follows it."""
    lines = source.splitlines()
    package = package_of(source) or ""
    annotations: list[Annotation] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "# METADATA":
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and lines[index].lstrip().startswith("#"):
            text = lines[index].lstrip()[1:]
            body.append(text[1:] if text.startswith(" ") else text)
            index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
        head = _RULE_HEAD.match(lines[index]) if index < len(lines) else None
        if head is None:
            raise PolicyError(
                "METADATA block is not followed by a rule", source=f"{filename}:{start + 1}"
            )
        try:
            fields = yaml.load("\n".join(body), Loader=_SAFE_LOADER) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = start + 2 + (mark.line if mark else 0)
            raise PolicyError(
                f"METADATA is not valid YAML: {getattr(exc, 'problem', exc)}",
                source=f"{filename}:{where}",
            ) from None
        if not isinstance(fields, dict):
            raise PolicyError("METADATA must be a mapping", source=f"{filename}:{start + 1}")
        annotations.append(Annotation(package, head.group(1), index + 1, fields))
    return annotations
