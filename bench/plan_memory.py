"""Peak memory of reading a large plan: ``json.load`` alone against archscan.

Run from the repository root: ``.venv/bin/python -m bench.plan_memory --size-mb 200``.
Writes a realistic plan of about that size (``bench/plan_generator.py``: the reference
estate as ``for_each`` stacks with services, creates, updates, no-ops and deletes, and
the planned_values mirror) into a temporary folder, then measures each step in
a fresh child process, whose peak RSS (``VmHWM``) it reports as a Markdown table:

- ``python`` (interpreter and imports only), ``json.load`` of the file alone,
- archscan's ``load_plan_document``, ``collect_plan``, and the whole
  ``archscan plan FILE --rule NET-001 -q`` in-process.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:  # the realistic generator (planned_values included) replaced tests/collect/large_plan.py
    from bench.plan_generator import generate

    MIRROR_NEEDED = False
except ImportError:  # pragma: no cover - depends on the checkout
    from tests.collect.large_plan import generate

    MIRROR_NEEDED = True

REPO = Path(__file__).resolve().parents[1]

# Each step runs in its own interpreter and prints its peak RSS in kB on the last line:
# VmHWM, which starts afresh at exec (ru_maxrss would carry this process's peak over).
_REPORT = (
    "print(next(line.split()[1] for line in open('/proc/self/status') "
    "if line.startswith('VmHWM:')))"
)
# Every step imports the same modules first, so the rows differ only by the work done.
_PRELUDE = "import json, scanner.collect.terraform, scanner.pipeline"
STEPS: dict[str, str] = {
    "python (imports only)": "pass",
    "json.load (binary file)": "import json\nwith open(PATH, 'rb') as f: doc = json.load(f)",
    "load_plan_document": (
        "from scanner.collect.terraform.load import load_plan_document\n"
        "plan, notes = load_plan_document(PATH)"
    ),
    "collect_plan": (
        "from scanner.collect.terraform import collect_plan\ninventory = collect_plan(PATH)"
    ),
    "archscan plan --rule NET-001": (
        "from scanner.cli import main\n"
        "try:\n    main(['plan', PATH, '--rule', 'NET-001', '-q', '-o', OUT])\n"
        "except SystemExit as exc:\n    assert exc.code in (0, 1, 3), exc.code"
    ),
}


def _planned_values(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """The planned_values tree Terraform writes beside resource_changes (one module level)."""
    modules: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        resource = {
            key: change[key]
            for key in ("address", "mode", "type", "name", "index", "provider_name")
            if key in change
        }
        resource["schema_version"] = 0
        resource["values"] = change["change"]["after"]
        resource["sensitive_values"] = change["change"]["after_sensitive"]
        modules.setdefault(change.get("module_address", ""), []).append(resource)
    root = {"resources": modules.pop("", [])}
    root["child_modules"] = [
        {"address": address, "resources": resources} for address, resources in modules.items()
    ]
    return {"root_module": root}


def _plan(total: int) -> dict[str, Any]:
    plan = generate(total)
    if MIRROR_NEEDED:
        plan["planned_values"] = _planned_values(plan["resource_changes"])
    return plan


def write_plan(path: Path, size_mb: float) -> int:
    """Write a plan of about ``size_mb`` MB to ``path``; return its resource change count."""
    sample = _plan(2000)
    per_change = len(json.dumps(sample, separators=(",", ":"))) / len(sample["resource_changes"])
    del sample
    plan = _plan(int(size_mb * 1e6 / per_change))
    with path.open("w", encoding="utf-8") as handle:
        json.dump(plan, handle, separators=(",", ":"))  # one line, as terraform show -json
    return len(plan["resource_changes"])


def measure(code: str, plan: Path, out: Path) -> tuple[int, float]:
    """(peak RSS in kB, seconds) of ``code`` run in a fresh interpreter."""
    program = f"{_PRELUDE}\nPATH = {str(plan)!r}\nOUT = {str(out)!r}\n{code}\n{_REPORT}\n"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"step failed ({done.returncode}):\n{done.stderr}")
    return int(done.stdout.strip().splitlines()[-1]), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200.0, help="plan size to generate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archscan-bench-") as folder:
        plan = Path(folder) / "large.plan.json"
        changes = write_plan(plan, args.size_mb)
        size = plan.stat().st_size / 2**20
        print(
            f"plan: {size:.0f} MiB on disk, {changes:,} resource changes "
            f"(Python {platform.python_version()}, {platform.machine()})\n"
        )
        print("| step | peak RSS (MiB) | above imports (MiB) | x file size | seconds |")
        print("|---|---:|---:|---:|---:|")
        base = 0.0
        for name, code in STEPS.items():
            peak, seconds = measure(code, plan, Path(folder) / "report.txt")
            mib = peak / 1024
            base = base or mib
            above = mib - base
            print(f"| {name} | {mib:,.0f} | {above:,.0f} | {above / size:.1f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
