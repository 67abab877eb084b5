"""Waivers: findings a team accepted for a time, with an owner, a reason, a ticket and an expiry.

A waiver file (YAML, validated by ``waivers-schema.json``) lists waivers; each names rule
ids or globs and a resource selector (resource id or address glob, environment, account,
region, tags). :func:`apply_waivers` turns every FAIL, UNKNOWN or NOT_COLLECTED finding a
live waiver selects into WAIVED, the same way for plan and live findings. PASS stays PASS,
and ERROR stays ERROR: a rule that broke is a fault of the scan, not a risk to accept. An
expired waiver (the day after ``expires``) no longer suppresses anything and is reported;
a waiver that selects no waivable finding is reported as stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from scanner.baseline.loader import parse_baseline
from scanner.errors import BaselineError, InputError
from scanner.findings import Finding, Status
from scanner.messages import printable

SCHEMA_FILE = "waivers-schema.json"
WAIVABLE = frozenset({Status.FAIL, Status.UNKNOWN, Status.NOT_COLLECTED})
GLOB_CHARACTERS = frozenset("*?")

TagLookup = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Waiver:
    """One accepted exception: what it selects, who owns it, why, and until when."""

    id: str
    rules: tuple[str, ...]
    owner: str
    reason: str
    ticket: str
    expires: date
    resource: str | None = None
    environment: str | None = None
    account: str | None = None
    region: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    line: int | None = None

    def expired(self, today: date) -> bool:
        """True from the day after ``expires`` (the expiry day itself still suppresses)."""
        return today > self.expires

    def selects(self, finding: Finding, tags: TagLookup) -> bool:
        """Whether the rules and every given selector match the finding."""
        if not any(_matches(finding.rule_id.upper(), rule.upper()) for rule in self.rules):
            return False
        if self.resource is not None and not any(
            _matches(name, self.resource) for name in (finding.resource_id, finding.address) if name
        ):
            return False
        for pattern, value in (
            (self.environment, finding.environment),
            (self.account, finding.account),
            (self.region, finding.region),
        ):
            if pattern is not None and not _matches(value or "", pattern):
                return False
        if self.tags:
            carried = tags.get(finding.resource_id) or {}
            return all(
                key in carried and _matches(str(carried[key]), wanted)
                for key, wanted in self.tags.items()
            )
        return True

    def stamp(self) -> dict[str, str]:
        """What a waived finding carries in ``extra["waiver"]``."""
        return {
            "id": self.id,
            "owner": self.owner,
            "reason": self.reason,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
        }

    def summary(self, matched: int) -> dict[str, Any]:
        """One entry of the run's applied / expired / stale lists."""
        return {
            "id": self.id,
            "rules": list(self.rules),
            "owner": self.owner,
            "reason": self.reason,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
            "matched": matched,
        }


@dataclass(frozen=True)
class WaiverFile:
    """A loaded waiver file."""

    path: Path
    waivers: tuple[Waiver, ...]


@dataclass
class WaiverResult:
    """What applying a waiver file did: waivers that suppressed, expired, or matched nothing."""

    file: str
    applied: list[dict[str, Any]] = field(default_factory=list)
    expired: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``context.extra["waivers"]`` section."""
        return {
            "file": self.file,
            "applied": list(self.applied),
            "expired": list(self.expired),
            "stale": list(self.stale),
        }


def _matches(value: str, pattern: str) -> bool:
    """Equal, or matching the glob: ``*`` any text, ``?`` one character, all else literal.

    Brackets are literal so Terraform addresses read as written: ``aws_subnet.db[*]``
    matches ``aws_subnet.db[0]``, ``aws_s3_bucket.this["logs"]`` only itself.
    """
    return value == pattern or (
        not GLOB_CHARACTERS.isdisjoint(pattern) and _glob(pattern).fullmatch(value) is not None
    )


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join({"*": ".*", "?": "."}.get(char) or re.escape(char) for char in pattern),
        re.DOTALL,
    )


def apply_waivers(
    findings: Iterable[Finding],
    waivers: WaiverFile,
    today: date | None = None,
    tags: TagLookup | None = None,
) -> WaiverResult:
    """Mark every waivable finding the first live waiver selects as WAIVED (in place).

    ``tags`` maps a resource id to its tags, for waivers that select by tag. Waivers are
    tried in file order; the first one that is not expired wins.
    """
    day = today or date.today()
    lookup: TagLookup = tags or {}
    live = [w for w in waivers.waivers if not w.expired(day)]
    matched = {w.id: 0 for w in waivers.waivers}
    for finding in findings:
        if finding.status not in WAIVABLE:
            continue
        selecting = [w for w in waivers.waivers if w.selects(finding, lookup)]
        for waiver in selecting:
            if waiver.expired(day):
                matched[waiver.id] += 1
        winner = next((w for w in selecting if w in live), None)
        if winner is None:
            continue
        matched[winner.id] += 1
        finding.extra["waived_status"] = finding.status.value
        finding.extra["waiver"] = winner.stamp()
        finding.status = Status.WAIVED
    result = WaiverResult(file=str(waivers.path))
    for waiver in waivers.waivers:
        entry = waiver.summary(matched[waiver.id])
        if waiver.expired(day):
            result.expired.append(entry)
        elif entry["matched"]:
            result.applied.append(entry)
        else:
            result.stale.append(entry)
    return result


# --- loading ---------------------------------------------------------------------------


def load_waivers(path: str | Path, known_rules: Iterable[str] | None = None) -> WaiverFile:
    """Read, parse and validate a waiver file; InputError (exit 2) names the file and line.

    With ``known_rules``, a rule id (or a glob) that names no rule of the run is an error.
    """
    source = Path(path)
    if not source.is_file():
        reason = "is a directory, not a waiver file" if source.is_dir() else "no such file"
        raise InputError(reason, source=str(source), hint="check the --waivers path")
    try:
        parsed = parse_baseline(source)  # strict YAML: no duplicate keys, dates kept as text
    except BaselineError as exc:
        raise InputError(exc.message, source=exc.source or str(source)) from None
    errors = sorted(
        _validator().iter_errors(parsed.data), key=lambda e: (-len(e.absolute_path), e.message)
    )
    if errors:
        _schema_error(source, errors[0], parsed.lines)
    waivers = tuple(
        _waiver(item, index, source, parsed.lines)
        for index, item in enumerate(parsed.data["waivers"])
    )
    _check_unique(waivers, source, parsed.lines)
    if known_rules is not None:
        _check_rules(waivers, {rule.upper() for rule in known_rules}, source, parsed.lines)
    return WaiverFile(path=source, waivers=waivers)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def load_schema() -> dict[str, Any]:
    """The waiver file's JSON Schema (draft 2020-12), shipped inside the package."""
    text = resources.files("scanner").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def _fail(
    source: Path, where: str, reason: str, line: int | None, hint: str | None = None
) -> NoReturn:
    at = f" (line {line})" if line else ""
    place = printable(where) or "<top level>"  # keys come from the file
    raise InputError(f"{place}: {reason}{at}", source=str(source), hint=hint)


def _schema_error(source: Path, error: ValidationError, lines: dict[str, int]) -> NoReturn:
    while error.context:
        error = best_match(error.context)
    path = ".".join(str(part) for part in error.absolute_path)
    hint = None
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = next(str(key) for key in error.instance if key not in allowed)
        path = f"{path}.{extra}" if path else extra
        close = get_close_matches(extra, allowed, n=1)
        reason = f"unknown key {extra!r}"
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
    elif error.validator == "required" and isinstance(error.instance, dict):
        missing = next(key for key in error.validator_value if key not in error.instance)
        reason = f"missing required key {missing!r}"
    else:
        reason = error.message
        if error.schema.get("description") and error.validator in ("pattern", "type", "const"):
            reason += f" (expected {error.schema['description']})"
        if error.validator == "type" and isinstance(error.instance, int | float):
            hint = "quote the value so YAML reads it as text"
    _fail(source, path, reason, lines.get(path), hint)


def _waiver(item: dict[str, Any], index: int, source: Path, lines: dict[str, int]) -> Waiver:
    where = f"waivers.{index}"
    try:
        expires = date.fromisoformat(item["expires"])
    except ValueError:
        _fail(
            source,
            f"{where}.expires",
            f"{item['expires']!r} is not a date",
            lines.get(f"{where}.expires"),
            "write the last day the waiver applies as YYYY-MM-DD",
        )
    return Waiver(
        id=item["id"],
        rules=tuple(item["rules"]),
        owner=item["owner"],
        reason=item["reason"],
        ticket=item["ticket"],
        expires=expires,
        resource=item.get("resource"),
        environment=item.get("environment"),
        account=item.get("account"),
        region=item.get("region"),
        tags=dict(item.get("tags") or {}),
        line=lines.get(where),
    )


def _check_unique(waivers: tuple[Waiver, ...], source: Path, lines: dict[str, int]) -> None:
    first: dict[str, Waiver] = {}
    for index, waiver in enumerate(waivers):
        if waiver.id in first:
            earlier = first[waiver.id].line
            reason = f"duplicate waiver id {waiver.id!r}" + (
                f" (first at line {earlier})" if earlier else ""
            )
            _fail(source, f"waivers.{index}.id", reason, lines.get(f"waivers.{index}.id"))
        first[waiver.id] = waiver


def _check_rules(
    waivers: tuple[Waiver, ...], known: set[str], source: Path, lines: dict[str, int]
) -> None:
    for index, waiver in enumerate(waivers):
        for position, rule in enumerate(waiver.rules):
            pattern = rule.upper()
            if any(_matches(rule_id, pattern) for rule_id in known):
                continue
            close = get_close_matches(pattern, sorted(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "`archscan rules list` shows the ids"
            what = "no rule matches" if not GLOB_CHARACTERS.isdisjoint(pattern) else "unknown rule"
            where = f"waivers.{index}.rules.{position}"
            _fail(source, where, f"{what} {rule!r}", lines.get(where), hint)
