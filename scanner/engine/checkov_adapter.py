"""Run Checkov on a Terraform plan in a child process and read back its results.

Checkov's check registries are process-global and its plan ``Runner`` cannot be reused,
so every scan runs ``python -m scanner.engine.checkov_worker`` with this interpreter (the
``checkov`` extra must be installed in it). The child writes its results as JSON into a
private temporary folder; its stdout and stderr go to a log file there, never to ours.
A crash, a timeout or a plan Checkov cannot read becomes one ``CheckovError`` line.

:class:`CheckovJob` starts the child at once, so Checkov can work while archscan's own
rules run; :func:`run_checkov` is the one-call form.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import ArchscanError, UsageError

WORKER = "scanner.engine.checkov_worker"
INSTALL_HINT = "pip install 'archscan[checkov]'"
DEFAULT_TIMEOUT = 900.0  # seconds; Checkov needs about 100 s for 5,000 resources, 480 s for 20k
_LOG_TAIL = 300
# Environment of the child: no platform mapping or downloads, quiet logging, no API keys.
_CHILD_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "LOG_LEVEL": "ERROR",
    "CHECKOV_NO_OUTPUT": "TRUE",
    "PYTHONWARNINGS": "ignore",
    "PYTHONUNBUFFERED": "1",
}
_DROPPED_ENV_PREFIXES = ("BC_API_KEY", "PRISMA_", "CKV_API_KEY")


class CheckovError(ArchscanError):
    """Checkov could not judge the plan: not installed, crashed, timed out, unreadable plan."""


@dataclass(frozen=True)
class CheckovResult:
    """One Checkov check on one resource."""

    check_id: str
    check_name: str
    address: str
    passed: bool
    block: str = "resource"  # "resource" or "provider"
    category: str | None = None  # Checkov's category (ENCRYPTION, IAM, ...)
    severity: str | None = None  # Checkov's own severity: null when run offline
    guideline: str | None = None
    file_line_range: tuple[int, int] | None = None

    @classmethod
    def from_entry(cls, entry: dict[str, Any], passed: bool) -> CheckovResult:
        """From one record the worker wrote."""
        lines = entry.get("file_line_range")
        return cls(
            check_id=str(entry["check_id"]),
            check_name=str(entry.get("check_name") or entry["check_id"]),
            address=str(entry["address"]),
            passed=passed,
            block=str(entry.get("block") or "resource"),
            category=entry.get("category"),
            severity=entry.get("severity"),
            guideline=entry.get("guideline"),
            file_line_range=(int(lines[0]), int(lines[1])) if lines and lines[0] else None,
        )


@dataclass
class CheckovRun:
    """Everything one Checkov run produced."""

    version: str
    results: list[CheckovResult]
    seconds: float
    resources: int = 0
    skipped: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[CheckovResult]:
        return [result for result in self.results if not result.passed]

    @property
    def passed(self) -> list[CheckovResult]:
        return [result for result in self.results if result.passed]


def checkov_installed() -> bool:
    """Whether this interpreter can import Checkov (without importing it: that takes seconds)."""
    return importlib.util.find_spec("checkov") is not None


def require_checkov() -> None:
    """Raise the install hint unless Checkov is importable here."""
    if not checkov_installed():
        raise UsageError(f"--checkov needs Checkov: {INSTALL_HINT}")


class CheckovJob:
    """A Checkov scan of one plan, running in a child process from construction on."""

    def __init__(self, plan_path: Path, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        require_checkov()
        self.plan_path = Path(plan_path)
        if not self.plan_path.is_file():
            raise CheckovError("plan file not found", source=str(plan_path))
        self.timeout = timeout
        self.workdir = Path(tempfile.mkdtemp(prefix="archscan-checkov-"))
        self.output = self.workdir / "result.json"
        self.log = self.workdir / "checkov.log"
        self.started = time.perf_counter()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", WORKER, str(self.plan_path), str(self.output)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                start_new_session=True,  # one process group: a timeout kills all of it
            )
        self._cleanup = weakref.finalize(self, _discard, self.process, self.workdir)

    def wait(self) -> CheckovRun:
        """Wait for the child (within the timeout left) and return its results."""
        try:
            left = None
            if self.timeout is not None:
                left = max(0.0, self.timeout - (time.perf_counter() - self.started))
            try:
                code = self.process.wait(timeout=left)
            except subprocess.TimeoutExpired:
                raise CheckovError(
                    f"Checkov did not finish within {self.timeout:g} s",
                    source=str(self.plan_path),
                    hint="raise --checkov-timeout; Checkov needs about 100 s per 5,000 resources",
                ) from None
            seconds = time.perf_counter() - self.started
            return self._read(code, seconds)
        finally:
            self._cleanup()

    def _read(self, code: int, seconds: float) -> CheckovRun:
        try:
            data = json.loads(self.output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if "error" in data or code != 0 or not data:
            detail = data.get("error") or _last_line(self.log) or "no output"
            raise CheckovError(
                f"Checkov failed (exit {code}): {detail}",
                source=str(self.plan_path),
                hint="run `checkov -f <plan> --framework terraform_plan` to see its log",
            )
        if data.get("parsing_errors"):
            raise CheckovError("Checkov could not parse the plan", source=str(self.plan_path))
        results = [CheckovResult.from_entry(e, passed=False) for e in data["failed"]]
        results += [CheckovResult.from_entry(e, passed=True) for e in data["passed"]]
        return CheckovRun(
            version=str(data.get("checkov_version", "")),
            results=results,
            seconds=seconds,
            resources=int(data.get("resources", 0)),
            skipped=int(data.get("skipped", 0)),
            timings={k: float(v) for k, v in (data.get("seconds") or {}).items()},
        )


def run_checkov(plan_path: Path, timeout: float | None = DEFAULT_TIMEOUT) -> list[CheckovResult]:
    """Every Checkov result (failed and passed) for one plan; raises CheckovError."""
    return CheckovJob(plan_path, timeout).wait().results


def _child_env() -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(_DROPPED_ENV_PREFIXES)
    }
    env.update(_CHILD_ENV)
    return env


def _discard(process: subprocess.Popen[bytes], workdir: Path) -> None:
    """Kill the child's process group if it still runs, then remove its folder."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    shutil.rmtree(workdir, ignore_errors=True)


def _last_line(log: Path) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][-_LOG_TAIL:] if lines else ""
