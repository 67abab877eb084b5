"""Python rules: a decorator that attaches metadata, and a loader for rule folders.

A Python rule is a function ``(inventory, baseline) -> Iterable[Verdict]`` decorated
with :func:`rule`. The decorator only attaches metadata to the function; loading a
folder imports each module by path and collects the decorated functions, so there is
no process-wide registry to leak between runs or tests.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.engine.metadata import RuleMeta
from scanner.engine.verdict import Verdict
from scanner.errors import PolicyError
from scanner.inventory.model import Inventory

RuleFunction = Callable[[Inventory, dict[str, Any]], Iterable[Verdict]]
_ATTRIBUTE = "__archscan_rule__"


def rule(**fields: Any) -> Callable[[RuleFunction], RuleFunction]:
    """Mark a function as the rule ``fields['id']`` with its metadata beside it."""

    def mark(function: RuleFunction) -> RuleFunction:
        setattr(function, _ATTRIBUTE, fields)
        return function

    return mark


@dataclass
class PythonRule:
    """A loaded Python rule."""

    meta: RuleMeta
    function: RuleFunction


def load_python_rules(folders: list[Path]) -> list[PythonRule]:
    """Import every non-test ``*.py`` file below ``folders`` and collect its rules."""
    rules: list[PythonRule] = []
    for folder in folders:
        if not folder.is_dir():
            raise PolicyError("rules folder does not exist", source=str(folder))
        for path in sorted(folder.rglob("*.py")):
            if path.name.startswith(("test_", "_")) or path.stem.endswith("_test"):
                continue
            rules.extend(_rules_of(_import(path), path))
    return rules


def _import(path: Path) -> Any:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    name = f"archscan_rules_{path.stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PolicyError("cannot import rule module", source=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a user's rule file may raise anything at import
        del sys.modules[name]
        line = _error_line(exc, path)
        raise PolicyError(
            f"rule module failed to import: {type(exc).__name__}: {exc}",
            source=f"{path}:{line}" if line else str(path),
        ) from None
    return module


def _error_line(exc: BaseException, path: Path) -> int | None:
    if isinstance(exc, SyntaxError):
        return exc.lineno
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _rules_of(module: Any, path: Path) -> list[PythonRule]:
    found: list[PythonRule] = []
    for _, function in inspect.getmembers(module, inspect.isfunction):
        fields = getattr(function, _ATTRIBUTE, None)
        if fields is None:
            continue
        missing = [key for key in ("id", "title", "severity") if key not in fields]
        line = inspect.getsourcelines(function)[1]
        if missing:
            raise PolicyError(f"rule lacks {', '.join(missing)}", source=f"{path}:{line}")
        try:
            meta = RuleMeta(
                language="python",
                source_file=str(path),
                source_line=line,
                entrypoint=f"{path.stem}.{function.__name__}",
                **fields,
            )
        except (TypeError, ValueError) as exc:
            raise PolicyError(f"bad rule metadata: {exc}", source=f"{path}:{line}") from None
        found.append(PythonRule(meta, function))
    return found
