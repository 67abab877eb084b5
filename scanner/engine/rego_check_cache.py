"""Remember policy sets whose function calls all resolve, so later runs skip that check.

The load-time check (``rego_calls.find_unknown_calls``) serializes the AST of every
policy (12 MB of JSON for the bundled ones) and walks it: about 0.3 s of every run. Its
answer depends only on the policy sources, the regorus build and archscan's extensions,
so a set that passed is remembered by a digest of those, as an empty file in the cache
folder: ``$ARCHSCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/archscan``, else
``~/.cache/archscan``. Failures are never remembered, so a typo is reported on every
run; a folder that cannot be written only means the check runs every time. An empty
``ARCHSCAN_CACHE_DIR=`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import regorus

from scanner import __version__
from scanner.engine.cidr import EXTENSIONS

CACHE_VARIABLE = "ARCHSCAN_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where checked policy sets are remembered (None when the cache is off)."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "archscan"


def _engine_identity() -> str:
    """The regorus build in use: its files' names, sizes and modification times."""
    package = Path(regorus.__file__).parent
    parts = []
    for item in sorted(package.iterdir()):
        stat = item.stat()
        parts.append(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return ";".join(parts)


def digest(sources: Iterable[tuple[str, str]]) -> str:
    """Digest of (path, source) pairs, the regorus build, archscan and its extensions."""
    hasher = hashlib.sha256()
    for part in (__version__, _engine_identity(), ",".join(sorted(EXTENSIONS))):
        hasher.update(part.encode() + b"\0")
    for path, source in sources:
        hasher.update(path.encode() + b"\0" + source.encode() + b"\0")
    return hasher.hexdigest()


def _marker(key: str) -> Path | None:
    folder = cache_dir()
    return folder / f"rego-calls-{key}.ok" if folder else None


def known_good(key: str) -> bool:
    """True when a policy set with this digest passed the check before."""
    marker = _marker(key)
    return marker is not None and marker.is_file()


def remember(key: str) -> None:
    """Record that the policy set with this digest passed (best effort)."""
    marker = _marker(key)
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
