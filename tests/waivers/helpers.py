"""Shared pieces of the waiver and new-only tests: the CLI, waiver files and plan edits."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.cli import main

REPO = Path(__file__).resolve().parents[2]
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
EXAMPLE_WAIVERS = REPO / "examples" / "waivers.yaml"


def run_cli(args: list[Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`archscan ARGS` in process: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as caught:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def waiver(**fields: Any) -> dict[str, Any]:
    """A complete waiver entry; keyword arguments override or add fields."""
    entry: dict[str, Any] = {
        "id": "W-1",
        "rules": ["STO-002"],
        "owner": "platform-team",
        "reason": "scratch volume is rebuilt nightly",
        "ticket": "PLAT-42",
        "expires": "2099-12-31",
    }
    entry.update(fields)
    return entry


def write_waivers(folder: Path, *entries: dict[str, Any], name: str = "waivers.yaml") -> Path:
    """A waiver file holding ``entries`` (dates stay text, as a person would write them)."""
    path = folder / name
    path.write_text(yaml.safe_dump({"version": 1, "waivers": list(entries)}, sort_keys=False))
    return path


@cache
def _drifted() -> dict[str, Any]:
    return json.loads(DRIFTED.read_text(encoding="utf-8"))


def drifted_plan() -> dict[str, Any]:
    """A fresh copy of the drifted example plan."""
    return copy.deepcopy(_drifted())


def write_plan(plan: dict[str, Any], path: Path) -> Path:
    """Write a plan the way Terraform does (one line)."""
    path.write_text(json.dumps(plan, separators=(",", ":")), encoding="utf-8")
    return path


def module_resources(module: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """The resource list of a planned_values module and of every child module."""
    yield module.setdefault("resources", [])
    for child in module.get("child_modules", []):
        yield from module_resources(child)


def entries_of(plan: dict[str, Any], address: str) -> list[dict[str, Any]]:
    """The resource_changes and planned_values entries of one address."""
    found = [rc for rc in plan["resource_changes"] if rc["address"] == address]
    for resources in module_resources(plan["planned_values"]["root_module"]):
        found += [r for r in resources if r["address"] == address]
    return found


def set_value(plan: dict[str, Any], address: str, key: str, value: Any) -> None:
    """Change one planned attribute of a resource (after and planned values alike)."""
    for entry in entries_of(plan, address):
        values = entry["change"]["after"] if "change" in entry else entry["values"]
        values[key] = value


def clone_resource(plan: dict[str, Any], address: str, name: str) -> str:
    """Add a root-module copy of ``address`` called ``name``; return the new address."""
    rtype = address.split(".")[-2]
    new_address = f"{rtype}.{name}"
    change = next(rc for rc in plan["resource_changes"] if rc["address"] == address)
    planned = next(
        r
        for resources in module_resources(plan["planned_values"]["root_module"])
        for r in resources
        if r["address"] == address
    )
    for source, target in (
        (change, plan["resource_changes"]),
        (planned, plan["planned_values"]["root_module"]["resources"]),
    ):
        copied = copy.deepcopy(source)
        copied.update(address=new_address, name=name)
        target.append(copied)
    return new_address
