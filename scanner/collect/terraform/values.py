"""Value trees of a plan: drop sensitive parts, read the ``after_unknown`` mirror."""

from __future__ import annotations

import re
from typing import Any

_DROP = object()

# Defence in depth for plans that do not mark sensitive values (format 0.1 has no
# ``after_sensitive``): raw attribute names that hold secrets are never copied.
_SECRET_NAME = re.compile(r"password|secret|private_key|token|credential", re.IGNORECASE)
_SAFE_SUFFIX = ("_arn", "_arns", "_id", "_ids", "_name", "_names", "_enabled", "_type")


def strip_sensitive(value: Any, marks: Any) -> Any:
    """A copy of ``value`` without the parts that ``marks`` flags as sensitive.

    ``marks`` mirrors the value's nesting (``after_sensitive``, ``sensitive_values``):
    ``true`` marks a sensitive node, objects and lists descend. Unmarked branches are
    shared, not copied. A wholly sensitive value becomes None.
    """
    result = _strip(value, marks)
    return None if result is _DROP else result


def _strip(value: Any, marks: Any) -> Any:
    if marks is True:
        return _DROP
    if not marks or not has_unknown(marks):  # a mirror with no ``true`` in it: share the value
        return value
    if isinstance(value, dict) and isinstance(marks, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            kept = _strip(item, marks.get(key))
            if kept is not _DROP:
                out[key] = kept
        return out
    if isinstance(value, list) and isinstance(marks, list):
        kept_items = []
        for pos, item in enumerate(value):
            kept = _strip(item, marks[pos] if pos < len(marks) else None)
            kept_items.append(None if kept is _DROP else kept)
        return kept_items
    return value


def is_secret_name(name: str) -> bool:
    """True for raw attribute names that hold secrets (``password``, ``secret_key``...)."""
    lowered = name.lower()
    return bool(_SECRET_NAME.search(lowered)) and not lowered.endswith(_SAFE_SUFFIX)


def drop_secret_names(value: Any) -> Any:
    """A copy of ``value`` without object keys named like secrets, at any depth."""
    if isinstance(value, dict):
        return {k: drop_secret_names(v) for k, v in value.items() if not is_secret_name(k)}
    if isinstance(value, list):
        return [drop_secret_names(v) for v in value]
    return value


def has_unknown(tree: Any) -> bool:
    """True when an ``after_unknown`` subtree marks anything as unknown."""
    if tree is True:
        return True
    if isinstance(tree, dict):
        return any(has_unknown(v) for v in tree.values())
    if isinstance(tree, list):
        return any(has_unknown(v) for v in tree)
    return False


def unknown_paths(tree: Any, prefix: str = "") -> list[str]:
    """Dotted paths (``vpc_config.0.vpc_id``) of every unknown leaf of ``after_unknown``."""
    if tree is True:
        return [prefix] if prefix else []
    found: list[str] = []
    if isinstance(tree, dict):
        for key, sub in tree.items():
            found.extend(unknown_paths(sub, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(tree, list):
        for pos, sub in enumerate(tree):
            found.extend(unknown_paths(sub, f"{prefix}.{pos}" if prefix else str(pos)))
    return found
