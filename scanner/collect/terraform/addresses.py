"""Parse Terraform resource addresses and expression references into their parts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

# One step of a traversal: a name (``module``, ``aws_vpc``, ``id``) or an index
# (``[0]``, ``["a"]``, ``[*]``).
_STEP = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+|\*|"(?:[^"\\]|\\.)*")\]')

Key = int | str | None
SPLAT = "*"


@dataclass(frozen=True)
class Index:
    """An index step: an int (``count``), a str (``for_each``) or the splat ``*``."""

    key: int | str


Step = str | Index


@lru_cache(maxsize=65536)
def parse_steps(text: str) -> tuple[Step, ...]:
    """Split ``module.a["x"].aws_vpc.this[0].id`` into names and ``Index`` steps.

    Parsing stops at the first character that is not part of a plain traversal.
    """
    steps: list[Step] = []
    pos = 0
    while pos < len(text):
        match = _STEP.match(text, pos)
        if not match or match.end() == pos:
            break
        name, index = match.group(1), match.group(2)
        if name is not None:
            steps.append(name)
        elif index == SPLAT:
            steps.append(Index(SPLAT))
        elif index.startswith('"'):
            inner = index[1:-1]
            steps.append(Index(json.loads(index) if "\\" in inner else inner))
        else:
            steps.append(Index(int(index)))
        pos = match.end()
    return tuple(steps)


def format_key(key: Key) -> str:
    """``[0]`` or ``["a"]`` as Terraform writes instance keys; empty for no key."""
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    if key.isprintable() and '"' not in key and "\\" not in key:
        return f'["{key}"]'
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


@dataclass(frozen=True)
class ResourceAddress:
    """A resource instance address split into module instance, mode, type, name and key."""

    module: str  # module instance address, "" for the root module
    mode: str  # "managed" or "data"
    type: str
    name: str
    key: Key


@lru_cache(maxsize=65536)
def parse_resource_address(address: str) -> ResourceAddress | None:
    """Parse ``module.x["a"].data.aws_vpc.this[0]``; None when it is not an address."""
    steps = parse_steps(address)
    module_parts: list[str] = []
    i = 0
    while i + 1 < len(steps) and steps[i] == "module" and isinstance(steps[i + 1], str):
        part = f"module.{steps[i + 1]}"
        i += 2
        if i < len(steps) and isinstance(steps[i], Index):
            part += format_key(steps[i].key)  # type: ignore[union-attr]
            i += 1
        module_parts.append(part)
    mode = "managed"
    if i < len(steps) and steps[i] == "data":
        mode = "data"
        i += 1
    if i + 1 >= len(steps) or not isinstance(steps[i], str) or not isinstance(steps[i + 1], str):
        return None
    rtype, name = str(steps[i]), str(steps[i + 1])
    key: Key = None
    if i + 2 < len(steps) and isinstance(steps[i + 2], Index):
        raw = steps[i + 2].key  # type: ignore[union-attr]
        key = None if raw == SPLAT else raw
    return ResourceAddress(".".join(module_parts), mode, rtype, name, key)


@dataclass(frozen=True)
class ModuleStep:
    """One module call in a module instance address."""

    name: str
    key: Key


@lru_cache(maxsize=16384)
def parse_module_instance(address: str) -> tuple[ModuleStep, ...]:
    """``module.a["x"].module.b`` -> (ModuleStep("a", "x"), ModuleStep("b", None))."""
    steps = parse_steps(address)
    out: list[ModuleStep] = []
    i = 0
    while i + 1 < len(steps) and steps[i] == "module" and isinstance(steps[i + 1], str):
        name = str(steps[i + 1])
        i += 2
        key: Key = None
        if i < len(steps) and isinstance(steps[i], Index):
            key = steps[i].key  # type: ignore[union-attr]
            i += 1
        out.append(ModuleStep(name, key))
    return tuple(out)


def module_address(steps: tuple[ModuleStep, ...]) -> str:
    """Inverse of ``parse_module_instance``."""
    return ".".join(f"module.{s.name}{format_key(s.key)}" for s in steps)


@lru_cache(maxsize=16384)
def config_path(module_instance: str) -> tuple[str, ...]:
    """The configuration path of a module instance: call names without keys."""
    return tuple(step.name for step in parse_module_instance(module_instance))


@lru_cache(maxsize=16384)
def split_module_instance(module_instance: str) -> tuple[str, str, Key] | None:
    """(parent instance, call name, key) of a module instance; None for the root."""
    steps = parse_module_instance(module_instance)
    if not steps:
        return None
    last = steps[-1]
    return module_address(steps[:-1]), last.name, last.key


def join(module_instance: str, tail: str) -> str:
    """Prefix ``tail`` with a module instance address when there is one."""
    return f"{module_instance}.{tail}" if module_instance else tail
