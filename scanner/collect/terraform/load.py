"""Read a ``terraform show -json`` plan file into a dict: encodings, wrapper noise, versions."""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path
from typing import Any

from scanner.collect.terraform.plan_shape import check_plan_shape
from scanner.errors import InputError
from scanner.jsonload import check_depth, decode_json

SUPPORTED_FORMATS = "0.1 to 1.2"
_KNOWN_MINOR = {0: 2, 1: 2}  # highest known minor version per major version
_SHOW_HINT = (
    "create one with `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`"
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
_SNIFF = 4096
_CFN_YAML = re.compile(
    r"^(AWSTemplateFormatVersion\s*:|Resources\s*:|\s+Type:\s*[\"']?AWS::)", re.M
)
_JSON_START = frozenset('{["-0123456789tfn')


def load_plan_document(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[str]]:
    """Load and check a plan file; return the plan dict and warnings to show the user.

    Raises ``InputError`` (one line naming the file) for anything that is not a
    supported Terraform JSON plan.
    """
    source = str(path)
    warnings: list[str] = []
    text = _read_text(Path(path), source, warnings)
    plan = _parse(text, source, warnings)
    del text
    check_depth(plan, source)
    _check_kind(plan, source)
    _check_version(plan, source, warnings)
    check_plan_shape(plan, source)
    return plan, warnings


def _read_text(path: Path, source: str, warnings: list[str]) -> str:
    """The file's text, decoded once; the raw bytes are released before returning."""
    if path.is_dir():
        raise InputError("is a directory, not a plan file", source=source, hint=_SHOW_HINT)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", source=source) from None
    except PermissionError:
        raise InputError("cannot read the file: permission denied", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if not data:
        raise InputError("file is empty", source=source, hint=_SHOW_HINT)
    encoding, label, skip = _detect_encoding(data, source)
    try:
        text = str(memoryview(data)[skip:], encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        raise InputError(
            f"not valid {label} text (byte 0x{data[offset]:02x} at offset {offset})",
            source=source,
            hint="save the plan as UTF-8 JSON",
        ) from None
    finally:
        del data
    if not text or text.isspace():
        raise InputError("file is empty", source=source, hint=_SHOW_HINT)
    if label != "UTF-8":
        warnings.append(f"{source}: read as {label} text")
    return text


def _detect_encoding(data: bytes, source: str) -> tuple[str, str, int]:
    """(codec, label, bytes to skip) from a byte order mark or the NUL pattern."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return codec, f"{label} with BOM" if codec != "utf-8" else label, len(bom)
    head = data[:_SNIFF]
    if data[:2] in (b"PK", b"\x1f\x8b"):
        raise InputError(
            "binary file (a zip or gzip archive, perhaps a binary plan from `terraform plan -out`)",
            source=source,
            hint=_SHOW_HINT,
        )
    if b"\x00" in head:
        stripped = head.lstrip(b" \t\r\n\x00")
        if len(head) >= 2 and head[0] != 0 and head[1] == 0 and stripped[:1] in (b"{", b"["):
            return "utf-16-le", "UTF-16 LE", 0
        if len(head) >= 2 and head[0] == 0 and head[1] != 0 and stripped[:1] in (b"{", b"["):
            return "utf-16-be", "UTF-16 BE", 0
        raise InputError("binary file, not a JSON plan", source=source, hint=_SHOW_HINT)
    return "utf-8", "UTF-8", 0


def _parse(text: str, source: str, warnings: list[str]) -> dict[str, Any]:
    """Parse the JSON, stripping setup-terraform wrapper lines before and after it."""
    start, lead_lines = _skip_leading_noise(text, source)
    try:
        value, end = decode_json(text, source, start)
    except json.JSONDecodeError as exc:
        raise _json_error(exc, text, source) from None
    trail_lines = _check_trailing(text, end, source)
    if lead_lines or trail_lines:
        parts = []
        if lead_lines:
            parts.append(f"{lead_lines} line{'s' if lead_lines > 1 else ''} before the JSON")
        if trail_lines:
            parts.append(f"{trail_lines} line{'s' if trail_lines > 1 else ''} after it")
        warnings.append(f"{source}: stripped setup-terraform wrapper output: {' and '.join(parts)}")
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
        if value is None:
            kind = "null"
        raise InputError(
            f"expected a JSON object (a Terraform plan), found {kind}",
            source=source,
            hint=_SHOW_HINT,
        )
    return value


def _is_noise(line: str) -> bool:
    """Lines written by the setup-terraform wrapper or GitHub workflow commands."""
    stripped = line.strip()
    return stripped.startswith("[command]") or stripped.startswith("::")


def _skip_leading_noise(text: str, source: str) -> tuple[int, int]:
    """Offset of the JSON value and the number of wrapper lines before it."""
    pos, lines = 0, 0
    length = len(text)
    while True:
        while pos < length and text[pos] in " \t\r\n":
            pos += 1
        if pos >= length:
            raise InputError(
                "no JSON found after the wrapper output", source=source, hint=_SHOW_HINT
            )
        line_end = text.find("\n", pos)
        line_end = length if line_end < 0 else line_end
        line = text[pos : min(line_end, pos + 200)]
        if _is_noise(line):
            lines += 1
            pos = line_end + 1
            continue
        if text[pos] in _JSON_START:
            return pos, lines
        raise InputError(_not_json_message(line, text, pos), source=source, hint=_SHOW_HINT)


def _not_json_message(line: str, text: str, pos: int) -> str:
    if _CFN_YAML.search(text, 0, _SNIFF * 16):
        return "this is a CloudFormation template (YAML), not a Terraform plan"
    line_no = text.count("\n", 0, pos) + 1
    snippet = line.strip()[:40].replace("\t", " ")
    return f"not JSON: line {line_no} starts with {snippet!r}"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _check_trailing(text: str, end: int, source: str) -> int:
    """Count wrapper lines after the JSON; anything else after it is an error."""
    count = 0
    pos = end
    length = len(text)
    while pos < length:
        line_end = text.find("\n", pos)
        line_end = length if line_end < 0 else line_end
        line = text[pos:line_end]
        if line.strip():
            if not _is_noise(line):
                line_no, column = _position(text, pos + len(line) - len(line.lstrip()))
                raise InputError(
                    f"malformed JSON: unexpected text after the JSON value at line {line_no} "
                    f"column {column}",
                    source=source,
                )
            count += 1
        pos = line_end + 1
    return count


def _json_error(exc: json.JSONDecodeError, text: str, source: str) -> InputError:
    """One line with line:column, telling a truncated file from a malformed one."""
    end = len(text)
    while end and text[end - 1] in " \t\r\n":
        end -= 1
    if exc.pos >= end or exc.msg.startswith("Unterminated string"):
        line, column = _position(text, end)
        return InputError(
            f"JSON ends unexpectedly at line {line} column {column} (truncated file?)",
            source=source,
            hint="the file was cut short; write the plan again",
        )
    return InputError(
        f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
    )


def _check_kind(plan: dict[str, Any], source: str) -> None:
    """Refuse documents that are valid JSON but not a Terraform plan."""
    if "serial" in plan and "lineage" in plan and "version" in plan:
        raise InputError(
            "this is a Terraform state file (terraform.tfstate), not a plan",
            source=source,
            hint=_SHOW_HINT,
        )
    has_plan_parts = "planned_values" in plan or "resource_changes" in plan
    if "values" in plan and not has_plan_parts:
        raise InputError(
            "this is `terraform show -json` of a state, not of a plan (it has `values` "
            "but no `planned_values` or `resource_changes`)",
            source=source,
            hint=_SHOW_HINT,
        )
    if "AWSTemplateFormatVersion" in plan or _looks_like_cloudformation(plan):
        raise InputError(
            "this is a CloudFormation template, not a Terraform plan",
            source=source,
            hint=_SHOW_HINT,
        )
    if "runs" in plan and ("sarif" in str(plan.get("$schema", "")).lower() or "version" in plan):
        raise InputError(
            "this is a SARIF report, not a Terraform plan", source=source, hint=_SHOW_HINT
        )
    if "format_version" not in plan:
        raise InputError(
            "no `format_version`: not a Terraform JSON plan", source=source, hint=_SHOW_HINT
        )
    if not has_plan_parts:
        raise InputError(
            "no `planned_values` or `resource_changes`: not a Terraform JSON plan",
            source=source,
            hint=_SHOW_HINT,
        )


def _looks_like_cloudformation(plan: dict[str, Any]) -> bool:
    resources = plan.get("Resources")
    if not isinstance(resources, dict):
        return False
    return any(
        isinstance(item, dict) and str(item.get("Type", "")).startswith(("AWS::", "Custom::"))
        for item in resources.values()
    )


def _check_version(plan: dict[str, Any], source: str, warnings: list[str]) -> None:
    """Accept format versions 0.1 to 1.2; a newer 1.x with a warning."""
    raw = plan["format_version"]
    major, minor = _parse_version(raw)
    if major is None or minor is None:
        raise InputError(
            f"unsupported plan format_version {raw!r} (archscan reads {SUPPORTED_FORMATS})",
            source=source,
        )
    known = _KNOWN_MINOR.get(major)
    if known is None or (major == 0 and minor < 1):
        raise InputError(
            f"unsupported plan format_version {raw} (archscan reads {SUPPORTED_FORMATS})",
            source=source,
            hint="use a Terraform release whose JSON plan format is 0.x or 1.x",
        )
    if minor > known:
        warnings.append(
            f"{source}: plan format_version {raw} is newer than the newest known "
            f"({major}.{known}); reading it as {major}.{known}"
        )


def _parse_version(raw: Any) -> tuple[int | None, int | None]:
    if not isinstance(raw, str):
        return None, None
    parts = raw.strip().split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        return None, None
    return int(parts[0]), int(parts[1])
