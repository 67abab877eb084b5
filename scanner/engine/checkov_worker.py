"""Run Checkov's Terraform plan runner once, in its own process, and write its results as JSON.

Usage: ``python -m scanner.engine.checkov_worker PLAN OUTPUT_JSON``. Started by
``scanner.engine.checkov_adapter``: Checkov's check registries are process-global and a
``Runner`` cannot be reused, so each plan gets a fresh interpreter. Nothing is written to
stdout; the result (or the error) goes to OUTPUT_JSON, Checkov's own logging to stderr.

Offline: the platform integration is told to skip every download (the API equivalent of
``checkov --skip-download``), so no vendor API is called and severities come back null.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

RESULT_VERSION = 1


def scannable_plan(plan: Path, workdir: Path) -> tuple[Path, bool]:
    """The plan itself when it is plain UTF-8 JSON, else a clean copy in ``workdir``.

    archscan reads plans with a byte-order mark, UTF-16 or wrapper noise; Checkov does
    not, so those are re-written (by archscan's own loader) as plain JSON. The flag says
    whether the file is the original, i.e. whether Checkov's line numbers point into it.
    """
    data = plan.read_bytes()
    try:
        json.loads(data.decode("utf-8"))
        return plan, True
    except (UnicodeDecodeError, ValueError):
        pass
    from scanner.collect.terraform.load import load_plan_document

    document, _warnings = load_plan_document(plan)
    copy = workdir / "plan.json"
    copy.write_text(json.dumps(document), encoding="utf-8")
    return copy, False


def check_catalogue(runner: Any) -> dict[str, dict[str, Any]]:
    """Name and category of every check the runner knows, by check id."""
    from checkov.terraform.plan_runner import Runner

    catalogue: dict[str, dict[str, Any]] = {}
    for registry in Runner.block_type_registries.values():
        for checks in list(registry.checks.values()) + list(registry.wildcard_checks.values()):
            for check in checks:
                categories = [c.name for c in getattr(check, "categories", None) or []]
                catalogue[check.id] = {"name": check.name, "category": _first(categories)}
    for check in runner.graph_registry.checks:
        category = getattr(check, "category", None)
        name = str(category).strip().upper().replace(" ", "_") if category else None
        catalogue.setdefault(check.id, {"name": check.name, "category": name})
    return catalogue


def _first(items: list[str]) -> str | None:
    return items[0] if items else None


def record_entry(record: Any, catalogue: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The fields archscan uses from one Checkov record (never code blocks or values)."""
    known = catalogue.get(record.check_id, {})
    line_range = record.file_line_range or []
    return {
        "check_id": record.check_id,
        "check_name": record.check_name or known.get("name") or record.check_id,
        "address": record.resource_address or record.resource,
        "block": "provider" if ".checks.provider." in str(record.check_class) else "resource",
        "file_line_range": [int(n) for n in line_range] if len(line_range) == 2 else None,
        "guideline": record.guideline,
        "severity": _severity_name(record.severity),
        "category": known.get("category"),
    }


def _severity_name(severity: Any) -> str | None:
    name = getattr(severity, "name", severity)
    return str(name).lower() if name else None


def run(plan: Path, workdir: Path) -> dict[str, Any]:
    """Scan one plan with Checkov's plan runner; return the JSON-ready result."""
    clock = time.perf_counter()
    from checkov.common.bridgecrew.platform_integration import bc_integration
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.plan_runner import Runner
    from checkov.version import version

    bc_integration.skip_download = True
    imported = time.perf_counter() - clock
    target, original = scannable_plan(plan, workdir)
    runner = Runner()
    outcome = runner.run(
        root_folder=None,
        files=[str(target)],
        runner_filter=RunnerFilter(framework=["terraform_plan"], show_progress_bar=False),
    )
    reports = outcome if isinstance(outcome, list) else [outcome]
    catalogue = check_catalogue(runner)
    failed, passed, errors, resources = [], [], [], set()
    for report in reports:
        failed.extend(record_entry(r, catalogue) for r in report.failed_checks)
        passed.extend(record_entry(r, catalogue) for r in report.passed_checks)
        errors.extend(str(e) for e in report.parsing_errors)
        resources.update(report.resources)
    if not original:
        for entry in failed + passed:
            entry["file_line_range"] = None
    return {
        "result_version": RESULT_VERSION,
        "checkov_version": version,
        "failed": failed,
        "passed": passed,
        "skipped": sum(len(report.skipped_checks) for report in reports),
        "resources": len(resources),
        "parsing_errors": errors,
        "seconds": {"import": imported, "total": time.perf_counter() - clock},
    }


def main(argv: list[str]) -> int:
    """Entry point of the child process; exit 0 when the result file was written."""
    if len(argv) != 2:
        print("usage: python -m scanner.engine.checkov_worker PLAN OUTPUT_JSON", file=sys.stderr)
        return 2
    plan, output = Path(argv[0]), Path(argv[1])
    sys.stdout = sys.stderr  # Checkov prints; none of it may reach the caller's stdout
    try:
        result = run(plan, output.parent)
    except Exception as exc:
        traceback.print_exc()
        result = {"result_version": RESULT_VERSION, "error": f"{type(exc).__name__}: {exc}"}
    output.write_text(json.dumps(result), encoding="utf-8")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
