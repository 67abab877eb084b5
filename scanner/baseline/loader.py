"""Load a baseline YAML file, validate it, and remember where each key stands in the file.

Loading is strict: YAML without Python tags and without duplicate keys, dates kept as
strings, the JSON Schema in ``baselines/schema.json``, then the checks a schema cannot
express (CIDRs parse, names refer to existing environments and accounts, account ids are
unique). Every problem is a :class:`~scanner.errors.BaselineError` naming the path inside
the file, the reason and the line.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from scanner.baseline import overlay
from scanner.errors import BaselineError
from scanner.jsonload import INT_RANGE
from scanner.messages import printable
from scanner.paths import bundled_dir

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (the data must stay JSON for Rego)."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Baseline:
    """A loaded baseline: its data, where it came from, and a line index into the file."""

    data: dict[str, Any]
    path: Path
    digest: str
    lines: dict[str, int] = field(default_factory=dict, repr=False)

    def line_of(self, dotted_path: str) -> int | None:
        """1-based line of a key or list item (``environments.prod.vpc.cidrs.0``), if known."""
        return self.lines.get(dotted_path)

    def environment(self, name: str) -> dict[str, Any]:
        """The baseline's description of one environment; ``KeyError`` when there is none."""
        environments = self.data.get("environments", {})
        if name not in environments:
            known = ", ".join(environments)
            raise KeyError(f"{name!r} is not an environment of the baseline ({known})")
        return environments[name]

    def workload_environments(self) -> list[str]:
        """Names of the workload environments (dev, staging, prod), in file order."""
        environments = self.data.get("environments", {})
        return [name for name, env in environments.items() if env.get("workload") is True]

    def account_environment(self, account_id: str | int) -> str | None:
        """The environment whose account has this id, or None."""
        wanted = str(account_id)
        accounts = self.data.get("accounts", {})
        for name, env in self.data.get("environments", {}).items():
            account = accounts.get(env.get("account"), {})
            if str(account.get("id")) == wanted:
                return name
        return None


@dataclass
class _Problem:
    """One problem found while loading, before it becomes a BaselineError."""

    path: str
    reason: str
    line: int | None
    hint: str | None = None
    missing: str | None = None  # a required key the schema found missing
    suggests: tuple[str, str] | None = None  # (mapping path, key) an unknown key was meant as


def load_baseline(path: str | Path) -> Baseline:
    """Read, parse and validate a baseline file; raise BaselineError on any problem.

    A file with ``extends`` is merged over the baseline it names first (see overlay.py).
    """
    baseline = _resolve_extends(parse_baseline(path), set())
    problems = _schema_problems(baseline) or _semantic_problems(baseline)
    if problems:
        _raise(baseline.path, problems)
    return baseline


def _resolve_extends(baseline: Baseline, seen: set[Path]) -> Baseline:
    """The baseline merged over its parents; line numbers stay those of the user's file."""
    if "extends" not in baseline.data:
        return baseline
    here = baseline.path.resolve()
    if here in seen or len(seen) >= overlay.MAX_DEPTH:
        raise BaselineError(
            "extends: forms a cycle or is nested too deeply", source=str(baseline.path)
        )
    parent_file = overlay.parent_path(baseline.data["extends"], baseline.path)
    parent = _resolve_extends(parse_baseline(parent_file), seen | {here})
    own = {key: value for key, value in baseline.data.items() if key != "extends"}
    return Baseline(
        data=overlay.merge(parent.data, own),
        path=baseline.path,
        digest=overlay.combined_digest(parent.digest, baseline.digest),
        lines=baseline.lines,
    )


def parse_baseline(path: str | Path) -> Baseline:
    """Read and parse a baseline file without validating it (lint tests and tooling use it)."""
    source = Path(path)
    raw = _read_bytes(source)
    text = _decode(raw, source)
    try:
        node = _compose(text, source)
        if node is None:
            raise BaselineError("the file is empty: expected a YAML mapping", source=str(source))
        index = _NodeIndex(source)
        index.walk(node)
        _check_expansion(node, source)
        data = _construct(node, source, index)
    except RecursionError:
        raise BaselineError("the YAML is nested too deeply", source=str(source)) from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise BaselineError(
            f"the top level must be a mapping of sections, found {kind}", source=str(source)
        )
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    return Baseline(data=data, path=source, digest=digest, lines=index.lines)


# --- reading and parsing -------------------------------------------------------------


def _read_bytes(source: Path) -> bytes:
    if source.is_dir():
        raise BaselineError("is a directory, not a baseline file", source=str(source))
    try:
        return source.read_bytes()
    except FileNotFoundError:
        raise BaselineError(
            "no such file", source=str(source), hint="check the --baseline path"
        ) from None
    except OSError as exc:
        raise BaselineError(f"cannot read: {exc.strerror or exc}", source=str(source)) from None


def _decode(raw: bytes, source: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise BaselineError(
            f"not UTF-8 text: byte 0x{byte} at line {line} cannot be decoded",
            source=str(source),
            hint="save the file as UTF-8",
        ) from None


def _compose(text: str, source: Path) -> yaml.Node | None:
    try:
        loader = _StrictLoader(text)  # the reader refuses NUL and other control characters
    except yaml.YAMLError as exc:
        raise BaselineError(_yaml_message(exc, text), source=str(source)) from None
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise BaselineError(_yaml_message(exc, text), source=str(source)) from None
    finally:
        loader.dispose()


def _construct(node: yaml.Node, source: Path, index: _NodeIndex) -> Any:
    loader = _StrictLoader("")
    try:
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        near = index.starts.get((mark.line, mark.column), "") if mark else ""
        prefix = f"{printable(near)}: " if near else ""
        raise BaselineError(prefix + _yaml_message(exc), source=str(source)) from None
    except yaml.YAMLError as exc:
        raise BaselineError(_yaml_message(exc), source=str(source)) from None
    except ValueError:  # an integer longer than Python converts (4300 digits by default)
        raise BaselineError("a number is too long to read", source=str(source)) from None
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.YAMLError, text: str = "") -> str:
    """One line from a PyYAML error: the problem, where it is and, for syntax errors, near what."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"invalid YAML: {first}"
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    context = ""
    if exc.problem and exc.context and exc.context_mark:
        context = f"; {exc.context} that starts at line {exc.context_mark.line + 1}"
    start = exc.context_mark or exc.problem_mark
    near = _path_near(text, start.line + 1) if text and start else ""
    prefix = f"{near}: " if near else ""
    return f"{prefix}invalid YAML: {problem}{where}{context}"


_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[A-Za-z0-9_][\w.-]*) *:(?:\s|$)")


def _path_near(text: str, line_number: int) -> str:
    """The key path that a line of a file that does not parse most likely belongs to.

    A best effort from indentation alone (list items show as ``*``), used only to point at
    the place of a syntax error.
    """
    parts: list[str] = []
    limit: int | None = None  # ancestors stand left of this column
    in_item = False  # the last ancestor found was a list item ("- ") at column `limit`
    for line in reversed(text.splitlines()[:line_number]):
        match = _KEY_LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        column = indent + len(match["dash"])
        parent_key = not match["dash"] and in_item and column == limit
        if limit is None or column < limit or parent_key:
            parts.append(match["key"])
            limit, in_item = column, False
        if match["dash"] and indent < limit:
            parts.append("*")
            limit, in_item = indent, True
        if limit == 0 and not in_item:
            break
    return ".".join(reversed(parts))


@dataclass
class _NodeIndex:
    """Walks the composed YAML once: lines of keys and items, paths of value nodes."""

    source: Path
    lines: dict[str, int] = field(default_factory=dict)
    starts: dict[tuple[int, int], str] = field(default_factory=dict)  # (line, column) -> path
    _stack: set[int] = field(default_factory=set)
    _seen: set[int] = field(default_factory=set)

    def walk(self, node: yaml.Node, path: str = "") -> None:
        """Index ``node`` and below; reject duplicate keys, non-string keys, recursive aliases."""
        if id(node) in self._stack:
            _fail_at(self.source, path, "a YAML alias refers to its own ancestor", node)
        if id(node) in self._seen:  # an alias: indexed where its anchor stands
            return
        self._seen.add(id(node))
        self._stack.add(id(node))
        self.starts.setdefault((node.start_mark.line, node.start_mark.column), path)
        for child_path, key_node, child in _children(node, path, self.source):
            self.lines.setdefault(child_path, (key_node or child).start_mark.line + 1)
            self.walk(child, child_path)
        self._stack.discard(id(node))


MAX_NODES = 100_000  # nodes once aliases are expanded (the bundled baseline has about 1,600)


def _check_expansion(root: yaml.Node, source: Path) -> None:
    """Refuse aliases that multiply into too many nodes (a "billion laughs" file).

    Aliases are shared when loaded, but the schema and the rules visit every copy.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in sizes:
            if isinstance(node, yaml.SequenceNode):
                children = node.value
            elif isinstance(node, yaml.MappingNode):
                children = [child for pair in node.value for child in pair]
            else:
                children = []
            sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(size(child) for child in children))
        return sizes[id(node)]

    if size(root) > MAX_NODES:
        raise BaselineError(
            f"YAML aliases expand to more than {MAX_NODES:,} values", source=str(source)
        )


def _children(
    node: yaml.Node, path: str, source: Path
) -> Iterator[tuple[str, yaml.Node | None, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield _join(path, str(index)), None, item
        return
    if not isinstance(node, yaml.MappingNode):
        return
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
            shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
            _fail_at(source, path, f"key {shown!r} is not a string (quote it)", key_node)
        key = key_node.value
        if key in first_line:
            reason = f"duplicate key {key!r} (first at line {first_line[key]})"
            _fail_at(source, _join(path, key), reason, key_node)
        first_line[key] = key_node.start_mark.line + 1
        yield _join(path, key), key_node, value_node


def _fail_at(source: Path, path: str, reason: str, node: yaml.Node) -> NoReturn:
    line = node.start_mark.line + 1
    raise BaselineError(_format(path, reason, line), source=str(source))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _format(path: str, reason: str, line: int | None) -> str:
    where = f" (line {line})" if line else ""
    return f"{printable(path) or '<top level>'}: {reason}{where}"


def _raise(source: Path, problems: list[_Problem]) -> NoReturn:
    first = problems[0]
    message = _format(first.path, first.reason, first.line)
    if len(problems) > 1:
        more = len(problems) - 1
        message += f"; and {more} more problem{'s' if more > 1 else ''}"
    raise BaselineError(message, source=str(source), hint=first.hint)


# --- schema ---------------------------------------------------------------------------


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads((bundled_dir("baselines") / "schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema() -> dict[str, Any]:
    """The baseline JSON Schema (``baselines/schema.json``)."""
    return _validator().schema


_PRIORITY = {"additionalProperties": 0, "required": 2}


def _schema_problems(baseline: Baseline) -> list[_Problem]:
    """Schema errors, most specific first: deepest path, a typo before what it left missing."""
    errors = list(_validator().iter_errors(baseline.data))
    errors.sort(key=lambda e: (-len(e.absolute_path), _PRIORITY.get(str(e.validator), 1)))
    problems = [_describe(_innermost(error), baseline) for error in errors]
    meant = {p.suggests for p in problems if p.suggests}
    return [p for p in problems if not p.missing or (p.path, p.missing) not in meant]


def _innermost(error: ValidationError) -> ValidationError:
    while error.context:
        error = best_match(error.context)
    return error


def _describe(error: ValidationError, baseline: Baseline) -> _Problem:
    path = ".".join(str(part) for part in error.absolute_path)
    validator = str(error.validator)
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        return _unknown_key(error, path, baseline)
    if validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        reason = f"missing required key {missing[0]!r}"
        return _Problem(path, reason, baseline.line_of(path), missing=missing[0])
    reason = error.message
    if error.schema.get("description") and validator in ("pattern", "type"):
        reason += f" (expected {error.schema['description']})"
    return _Problem(path, reason, baseline.line_of(path), _type_hint(error))


def _unknown_key(error: ValidationError, path: str, baseline: Baseline) -> _Problem:
    allowed = sorted(error.schema.get("properties", {}))
    extras = [key for key in error.instance if key not in allowed]
    key_path = _join(path, str(extras[0]))
    reason = f"unknown key {extras[0]!r}"
    close = get_close_matches(str(extras[0]), allowed, n=1)
    if not close:
        hint = f"allowed keys: {', '.join(allowed)}"
        return _Problem(key_path, reason, baseline.line_of(key_path), hint)
    hint = f"did you mean {close[0]!r}?"
    return _Problem(key_path, reason, baseline.line_of(key_path), hint, suggests=(path, close[0]))


def _type_hint(error: ValidationError) -> str | None:
    is_number = isinstance(error.instance, int | float) and not isinstance(error.instance, bool)
    if error.validator == "type" and error.validator_value == "string" and is_number:
        return "quote the value so YAML reads it as text"
    return None


# --- checks the schema cannot express ------------------------------------------------

# Places that name environments (lists, or mappings keyed by environment).
_ENV_LISTS = (
    "security.organizations.scp_required_for",
    "edge.*.environments",
    "observability.xray_environments",
    "observability.dashboards_environments",
    "dr.environments",
    "budgets.alerts_required",
    "automation.instance_scheduler.environments",
    "commitments.*.environments",
)
_ENV_KEYS = ("tags.environment_aliases", "commitments.reserved_instances.term_years")
_ENV_VALUES = ("accounts.*.environment",)
_ACCOUNT_VALUES = (
    "environments.*.account",
    "network.transit_gateway.account",
    "network.direct_connect.account",
    "observability.opensearch.account",
    "security.config.aggregator_account",
    "security.guardduty.delegated_admin_account",
)


def select(data: Any, pattern: str) -> Iterator[tuple[str, Any]]:
    """Values at a dotted path where ``*`` matches every key of a mapping or item of a list."""
    yield from _select(data, pattern.split("."), "")


def _select(value: Any, parts: list[str], path: str) -> Iterator[tuple[str, Any]]:
    if not parts:
        yield path, value
        return
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        keys = list(value) if head == "*" else [head] if head in value else []
        for key in keys:
            yield from _select(value[key], rest, _join(path, str(key)))
    elif isinstance(value, list):
        indexes = range(len(value)) if head == "*" else [int(head)] if head.isdigit() else []
        for index in indexes:
            if index < len(value):
                yield from _select(value[index], rest, _join(path, str(index)))


def _semantic_problems(baseline: Baseline) -> list[_Problem]:
    problems = [
        *_number_problems(baseline.data, "", baseline),
        *_cidr_problems(baseline),
        *_reference_problems(baseline),
        *_account_id_problems(baseline),
    ]
    return sorted(problems, key=lambda p: p.line or 0)


def _number_problems(value: Any, path: str, baseline: Baseline) -> Iterator[_Problem]:
    """YAML's .inf and .nan have no JSON form, and Rego reads 64-bit integers at most."""
    if isinstance(value, float) and not math.isfinite(value):
        yield _Problem(path, f"{value!r} is not a finite number", baseline.line_of(path))
    elif isinstance(value, int) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
        yield _Problem(
            path, "the integer is out of range (64 bits at most)", baseline.line_of(path)
        )
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _number_problems(child, _join(path, str(key)), baseline)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _number_problems(child, _join(path, str(index)), baseline)


def _cidr_problems(baseline: Baseline) -> Iterator[_Problem]:
    for path, value in _cidr_values(baseline.data, ""):
        reason = _cidr_error(value)
        if reason:
            yield _Problem(path, reason, baseline.line_of(path))


def _cidr_values(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every value under a ``cidr`` key and every item of a ``cidrs`` list."""
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = _join(path, str(key))
            if key == "cidr":
                yield child_path, child
            elif key == "cidrs" and isinstance(child, list):
                yield from ((_join(child_path, str(i)), c) for i, c in enumerate(child))
            else:
                yield from _cidr_values(child, child_path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _cidr_values(child, _join(path, str(index)))


def _cidr_error(value: Any) -> str | None:
    """Why a value is not a CIDR in network form, or None when it is one."""
    if not isinstance(value, str) or "/" not in value:
        return f"{value!r} is not a valid CIDR (expected address/prefix, e.g. 10.0.0.0/16)"
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return f"{value!r} is not a valid CIDR"
        return f"{value!r} is not a valid CIDR: host bits are set (the network is {network})"
    return None


def _reference_problems(baseline: Baseline) -> Iterator[_Problem]:
    data = baseline.data
    environments = set(data.get("environments", {}))
    accounts = set(data.get("accounts", {}))
    for pattern in _ENV_LISTS:
        for path, names in select(data, pattern):
            for index, name in enumerate(names if isinstance(names, list) else []):
                yield from _unknown_name(baseline, _join(path, str(index)), name, environments)
    for pattern in _ENV_KEYS:
        for path, mapping in select(data, pattern):
            for name in mapping if isinstance(mapping, dict) else []:
                yield from _unknown_name(baseline, _join(path, name), name, environments)
    for pattern in _ENV_VALUES:
        for path, name in select(data, pattern):
            yield from _unknown_name(baseline, path, name, environments)
    for pattern in _ACCOUNT_VALUES:
        for path, name in select(data, pattern):
            yield from _unknown_name(baseline, path, name, accounts, kind="account")
    yield from _origin_problems(baseline, environments)


def _unknown_name(
    baseline: Baseline, path: str, name: Any, known: set[str], kind: str = "environment"
) -> Iterator[_Problem]:
    if name in known:
        return
    section = "environments" if kind == "environment" else "accounts"
    close = get_close_matches(str(name), sorted(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else None
    reason = f"{name!r} is not a key of {section} ({', '.join(sorted(known))})"
    yield _Problem(path, reason, baseline.line_of(path), hint)


def _origin_problems(baseline: Baseline, environments: set[str]) -> Iterator[_Problem]:
    path = "edge.cloudfront.origin"
    origin = baseline.data.get("edge", {}).get("cloudfront", {}).get("origin")
    if isinstance(origin, str) and "-" in origin:
        env = origin.rsplit("-", 1)[0]
        if env not in environments:
            reason = f"{origin!r} names environment {env!r}, which is not a key of environments"
            yield _Problem(path, reason, baseline.line_of(path))


def _account_id_problems(baseline: Baseline) -> Iterator[_Problem]:
    owners: dict[str, str] = {}
    for name, account in baseline.data.get("accounts", {}).items():
        account_id = account.get("id")
        path = f"accounts.{name}.id"
        if account_id in owners:
            reason = f"account id {account_id!r} is also the id of accounts.{owners[account_id]}"
            yield _Problem(path, reason, baseline.line_of(path))
        else:
            owners[account_id] = name
