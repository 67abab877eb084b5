"""Checks every SARIF test shares: the OASIS schema and Microsoft's SARIF Multitool.

The Multitool's exit code is 0 even when a file has errors, so its output log is read.
It is slow to start (1-2 s), so several files are validated in one call.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools" / "node_modules" / "@microsoft"
INSTALL_HINT = "run scripts/install-sarif-multitool.sh"


def shared_dir() -> Path:
    configured = os.environ.get("ARCHSCAN_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


SCHEMA_PATH = shared_dir() / "reference" / "sarif" / "sarif-schema-2.1.0.json"
PLANS = shared_dir() / "fixtures" / "plans"


@pytest.fixture(scope="session")
def oasis() -> jsonschema.Draft4Validator:
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"SARIF schema not found at {SCHEMA_PATH} (set ARCHSCAN_SHARED)")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft-04/schema")
    return jsonschema.Draft4Validator(schema)


def schema_errors(validator: jsonschema.Draft4Validator, log: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def multitool_binary() -> Path | None:
    """The native Multitool executable the installer put under .tools/, if any."""
    platform = "darwin" if sys.platform == "darwin" else "linux"
    for candidate in sorted(TOOLS.glob(f"sarif-multitool-{platform}*/Sarif.Multitool")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def multitool() -> Path:
    binary = multitool_binary()
    if binary is None:
        message = f"SARIF Multitool not installed under {TOOLS}: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


def message_of(result: dict[str, Any], rules: list[dict[str, Any]]) -> str:
    """Text of a Multitool result (it writes message id + arguments, not text)."""
    message = result.get("message", {})
    if "text" in message:
        return message["text"]
    index = result.get("ruleIndex", -1)
    strings = rules[index].get("messageStrings", {}) if 0 <= index < len(rules) else {}
    template = strings.get(message.get("id", ""), {}).get("text", message.get("id", "?"))
    arguments = message.get("arguments", [])

    def argument(match: re.Match[str]) -> str:
        position = int(match.group(1))
        return str(arguments[position]) if position < len(arguments) else match.group(0)

    return re.sub(r"\{(\d+)\}", argument, template)


def run_multitool(binary: Path, logs: list[Path], output: Path) -> tuple[dict[str, Any], str]:
    """Validate ``logs`` with the GitHub and SARIF rules in one call; its output log and
    console text."""
    output.unlink(missing_ok=True)
    environment = dict(
        os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1"
    )
    command = [str(binary), "validate", "--rule-kind", "Gh;Sarif", "-o", str(output)]
    process = subprocess.run(
        [*command, *map(str, logs)],
        cwd=output.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    console = f"{process.stdout}\n{process.stderr}"
    assert output.is_file(), f"Multitool wrote no log:\n{console}"
    return json.loads(output.read_text(encoding="utf-8-sig")), console


def result_file(result: dict[str, Any]) -> str:
    """Name of the validated file a Multitool result is about."""
    for location in result.get("locations", []):
        uri = location.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
        if uri:
            return Path(unquote(urlparse(uri).path) if uri.startswith("file:") else uri).name
    return "?"


def multitool_problems(binary: Path, logs: list[Path], output: Path) -> dict[str, list[str]]:
    """Error-level problems per validated file name (``"*"`` for run-wide ones)."""
    validation, console = run_multitool(binary, logs, output)
    problems: dict[str, list[str]] = {log.name: [] for log in logs}
    for run in validation["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        for result in run.get("results", []):
            index = result.get("ruleIndex", -1)
            default = "warning"
            if 0 <= index < len(rules):
                default = rules[index].get("defaultConfiguration", {}).get("level", "warning")
            if result.get("level", default) == "error":
                text = f"{result.get('ruleId')}: {message_of(result, rules)}"
                problems.setdefault(result_file(result), []).append(text)
        for invocation in run.get("invocations", []):
            notes = invocation.get("toolExecutionNotifications", []) + invocation.get(
                "toolConfigurationNotifications", []
            )
            problems.setdefault("*", []).extend(
                f"notification: {note.get('message', {}).get('text')}"
                for note in notes
                if note.get("level") == "error"
            )
            if invocation.get("executionSuccessful") is False:
                problems.setdefault("*", []).append(f"validation run failed:\n{console}")
    return problems
