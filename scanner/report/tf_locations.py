"""Where a Terraform resource is declared: the ``.tf`` file and line of its block.

A finding on ``module.vpc.aws_subnet.private[2]`` is placed on the
``resource "aws_subnet" "private"`` block of the ``vpc`` module's folder. The module
folder comes from the plan's ``configuration`` (``module_calls[name].source`` when
local), else from the ``source`` of the ``module "name"`` block in the calling folder,
else from the one folder under ``--tf-dir`` that declares the resource. A module whose
code is not local (registry, git) is placed on its ``module`` block in the caller.

``.tf`` files are read with a small tolerant scanner (comments, strings with
``${...}`` templates and heredocs are skipped when counting braces), not an HCL
parser: only top-level block headers and a module block's ``source`` are needed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.report.locations import Span, decode

SKIPPED_DIRS = frozenset({".terraform", ".git", "node_modules"})
_LABEL = r'"(?:[^"\\]|\\.)*"|[A-Za-z_][\w-]*'
_HEADER = re.compile(rf"^(\s*)(resource|data|module)((?:\s*(?:{_LABEL}))+)\s*\{{")
_LABELS = re.compile(_LABEL)
_SOURCE = re.compile(r'^\s*source\s*=\s*"((?:[^"\\]|\\.)*)"')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)\s*$")


# --- addresses ------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """A resource address without instance keys: module calls, mode, type and name."""

    modules: tuple[str, ...]
    mode: str  # "resource" or "data" (the .tf block keyword)
    type: str
    name: str


def address_steps(text: str) -> list[str]:
    """Dot-separated steps of an address with ``[...]`` keys removed.

    Stops at a ``/`` outside brackets: archscan names scope findings
    ``<address>/<aspect>`` (``module.vpc.aws_vpc.this/nat-gateways``).
    """
    steps: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in text:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"' and depth:
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif depth:
            continue
        elif char == ".":
            steps.append("".join(current))
            current = []
        elif char == "/":
            break
        else:
            current.append(char)
    steps.append("".join(current))
    return steps


def parse_address(text: str | None) -> Address | None:
    """The Terraform address in ``text``, or None when it does not name a resource."""
    if not text:
        return None
    steps = address_steps(text.strip())
    modules: list[str] = []
    while len(steps) >= 2 and steps[0] == "module":
        modules.append(steps[1])
        steps = steps[2:]
    mode = "resource"
    if steps and steps[0] == "data":
        mode, steps = "data", steps[1:]
    if len(steps) != 2 or not all(re.fullmatch(r"[A-Za-z_][\w-]*", step) for step in steps):
        return None
    return Address(tuple(modules), mode, steps[0], steps[1])


def base_address(text: str | None) -> str | None:
    """``text`` without an archscan scope suffix (the part from a ``/`` outside brackets)."""
    if not text:
        return None
    depth = 0
    quoted = False
    for position, char in enumerate(text):
        if char == '"' and depth:
            quoted = not quoted
        elif quoted:
            continue
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "/" and not depth:
            return text[:position]
    return text


# --- scanning .tf files -------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A top-level block header in a .tf file."""

    kind: str  # resource, data or module
    labels: tuple[str, ...]
    path: Path
    span: Span
    source: str | None = None  # a module block's source attribute


@dataclass
class _Lexer:
    """Carries comment, string, template and heredoc state from one line to the next."""

    depth: int = 0  # block braces outside strings
    stack: list[int] = field(default_factory=list)  # -1: in a string; n >= 0: template braces
    in_comment: bool = False
    heredoc: str | None = None

    def code_of(self, line: str) -> str:
        """``line`` with comments blanked (columns kept); advances the state past it."""
        if self.heredoc is not None:
            if line.strip() == self.heredoc:
                self.heredoc = None
            return ""
        out = list(line)
        index = 0
        while index < len(line):
            char, pair = line[index], line[index : index + 2]
            if self.in_comment:
                out[index] = " "
                if pair == "*/":
                    out[index + 1] = " "
                    self.in_comment = False
                    index += 1
            elif self.stack and self.stack[-1] == -1:  # inside a quoted string
                if char == "\\":
                    index += 1
                elif char == '"':
                    self.stack.pop()
                elif pair in ("${", "%{"):
                    self.stack.append(0)
                    index += 1
            elif pair == "/*":
                self.in_comment = True
                out[index] = out[index + 1] = " "
                index += 1
            elif char == "#" or pair == "//":
                out[index:] = " " * (len(line) - index)
                break
            elif char == '"':
                self.stack.append(-1)
            elif pair == "<<" and (match := _HEREDOC.match(line, index)):
                self.heredoc = match.group(1)
                break
            elif char == "{":
                if self.stack:
                    self.stack[-1] += 1
                else:
                    self.depth += 1
            elif char == "}":
                if self.stack and self.stack[-1] > 0:
                    self.stack[-1] -= 1
                elif self.stack:
                    self.stack.pop()  # end of a template: back in its string
                else:
                    self.depth = max(self.depth - 1, 0)
            index += 1
        if self.stack and self.stack[-1] == -1:
            self.stack.clear()  # a quoted string never spans lines: recover
        return "".join(out)


@dataclass
class _OpenModule:
    labels: tuple[str, ...]
    span: Span
    source: str | None = None


def scan_blocks(text: str, path: Path) -> list[Block]:
    """Top-level ``resource``, ``data`` and ``module`` blocks of one .tf file, in order."""
    lexer = _Lexer()
    blocks: list[Block] = []
    module: _OpenModule | None = None  # the module block being read
    for number, line in enumerate(text.splitlines(), 1):
        depth = lexer.depth
        clean = not lexer.stack and not lexer.in_comment and lexer.heredoc is None
        code = lexer.code_of(line)
        match = _HEADER.match(code) if clean and depth == 0 else None
        if match:
            kind = match.group(2)
            labels = tuple(label.strip('"') for label in _LABELS.findall(match.group(3)))
            end = len(code[: match.end() - 1].rstrip()) + 1
            span = Span(number, len(match.group(1)) + 1, number, end)
            if kind == "module":
                found = _SOURCE.match(code[match.end() :])  # one-line `module "x" { source = }`
                module = _OpenModule(labels, span, found.group(1) if found else None)
            else:
                blocks.append(Block(kind, labels, path, span))
        elif module is not None and clean and depth == 1 and (found := _SOURCE.match(code)):
            module.source = found.group(1)
        if module is not None and lexer.depth == 0:
            blocks.append(Block("module", module.labels, path, module.span, module.source))
            module = None
    if module is not None:
        blocks.append(Block("module", module.labels, path, module.span, module.source))
    return blocks


def is_local(source: str | None) -> bool:
    """Terraform treats only ``./`` and ``../`` sources as local folders."""
    return bool(source) and source.startswith(("./", "../"))  # type: ignore[union-attr]


# --- folders and modules ------------------------------------------------------------


@dataclass
class FolderIndex:
    """The blocks of one Terraform module folder (its ``*.tf`` files, not subfolders)."""

    blocks: dict[tuple[str, str, str], Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> FolderIndex:
        index = cls()
        for file in sorted(folder.glob("*.tf")):
            try:
                text = decode(file.read_bytes())
            except OSError:
                continue
            for block in scan_blocks(text, file):
                if block.kind == "module" and block.labels:
                    index.modules.setdefault(block.labels[0], block)
                elif len(block.labels) >= 2:
                    key = (block.kind, block.labels[0], block.labels[1])
                    index.blocks.setdefault(key, block)
        return index


def plan_module_sources(plan_text: str | None) -> dict[tuple[str, ...], str]:
    """``(call, nested call, ...) -> source`` from a plan's ``configuration`` section."""
    if not plan_text:
        return {}
    try:
        document = json.loads(plan_text)
    except ValueError:
        return {}
    sources: dict[tuple[str, ...], str] = {}

    def walk(module: Any, prefix: tuple[str, ...]) -> None:
        calls = module.get("module_calls") if isinstance(module, dict) else None
        for name, call in (calls or {}).items():
            if isinstance(call, dict):
                if isinstance(call.get("source"), str):
                    sources[(*prefix, name)] = call["source"]
                walk(call.get("module"), (*prefix, name))

    configuration = document.get("configuration") if isinstance(document, dict) else None
    if isinstance(configuration, dict):
        walk(configuration.get("root_module"), ())
    return sources


class TerraformLocator:
    """Finds resource blocks under a Terraform root folder; every folder is read once."""

    def __init__(self, root: Path, plan_text: str | None = None) -> None:
        self.root = root
        self.plan_sources = plan_module_sources(plan_text)
        self._folders: dict[Path, FolderIndex] = {}
        self._tree: list[Path] | None = None

    def folder(self, path: Path) -> FolderIndex:
        key = path.resolve()
        if key not in self._folders:
            self._folders[key] = FolderIndex.read(key) if key.is_dir() else FolderIndex()
        return self._folders[key]

    def _tree_folders(self) -> list[Path]:
        """Every folder under the root that holds .tf files (.terraform and hidden skipped)."""
        if self._tree is None:
            found = {
                file.parent
                for file in self.root.rglob("*.tf")
                if not any(
                    part in SKIPPED_DIRS or part.startswith(".")
                    for part in file.relative_to(self.root).parts[:-1]
                )
            }
            self._tree = sorted(found)
        return self._tree

    def _module_folder(self, caller: Path, calls: tuple[str, ...]) -> Path | None:
        source = self.plan_sources.get(calls)
        if source is None:
            block = self.folder(caller).modules.get(calls[-1])
            source = block.source if block else None
        return (caller / source) if is_local(source) else None

    def _unique_declaring(self, address: Address) -> Path | None:
        key = (address.mode, address.type, address.name)
        matches = [f for f in self._tree_folders() if key in self.folder(f).blocks]
        return matches[0] if len(matches) == 1 else None

    def find(self, text: str | None) -> Block | None:
        """The block declaring the resource ``text`` names, else the nearest module call."""
        address = parse_address(text)
        if address is None:
            return None
        folder = self.root
        for depth in range(1, len(address.modules) + 1):
            child = self._module_folder(folder, address.modules[:depth])
            if child is None or not child.is_dir():
                declaring = self._unique_declaring(address)
                if declaring is not None:
                    return self.folder(declaring).blocks[(address.mode, address.type, address.name)]
                return self.folder(folder).modules.get(address.modules[depth - 1])
            folder = child
        return self.folder(folder).blocks.get((address.mode, address.type, address.name))
