"""`archscan baseline-findings create`, and the stderr lines for waivers and --new-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.cli import Console, cli
from scanner.errors import ExitCode, UsageError

CREATE_HELP = """
\b
Examples:
  archscan plan plan.json --json report.json
  archscan baseline-findings create --from-report report.json -o findings-baseline.json
  archscan baseline-findings create --plan plan.json -o findings-baseline.json
  archscan plan plan.json --new-only findings-baseline.json   # gate on new findings only
\b
Exit codes: 0 written, 2 usage or input error (nothing is written).
"""


@cli.group("baseline-findings")
def baseline_findings() -> None:
    """Record the current findings so `--new-only` fails the gate only on new ones."""


@baseline_findings.command("create", epilog=CREATE_HELP)
@click.option(
    "--from-report",
    "report_file",
    type=click.Path(path_type=Path),
    help="A JSON report (`--json`) to take the findings from; no scan is run.",
)
@click.option("--plan", "plan_file", type=click.Path(path_type=Path), help="Scan this plan.")
@click.option(
    "--inventory",
    "inventory_file",
    type=click.Path(path_type=Path),
    help="Scan this saved inventory (from `snapshot` or `plan --snapshot-out`).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="Baseline YAML for --plan / --inventory (default: the bundled reference).",
)
@click.option(
    "--env",
    "environment",
    metavar="NAME",
    help="Environment of every resource; use the gate's --env (it is part of a fingerprint).",
)
@click.option(
    "--policy-dir",
    "policy_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra folder of Rego policies, as the gate uses them (repeatable).",
)
@click.option(
    "--rules-dir",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra folder of Python rules, as the gate uses them (repeatable).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the findings baseline (JSON).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def create(
    report_file: Path | None,
    plan_file: Path | None,
    inventory_file: Path | None,
    output: Path,
    quiet: bool,
    **scan: Any,
) -> int:
    """Write the fingerprints of every finding that is not a PASS to a findings baseline.

    Take them from a JSON report (--from-report) or run a scan of a plan (--plan) or an
    inventory (--inventory) with the same --baseline / --env the gate will use: the
    environment is part of a fingerprint. WAIVED findings are recorded too.
    """
    from scanner import __version__
    from scanner.fileio import check_writable, write_atomic
    from scanner.new_only import build_document, dump_document, findings_from_report
    from scanner.pipeline import now_iso

    given = [path for path in (report_file, plan_file, inventory_file) if path]
    if len(given) != 1:
        raise UsageError("give exactly one of --from-report, --plan or --inventory")
    check_writable(output)
    if report_file:
        findings = findings_from_report(report_file)
    else:
        findings = _scan(plan_file, inventory_file, scan)
    document = build_document(findings, __version__, now_iso(), [str(given[0])])
    write_atomic(output, dump_document(document))
    Console(quiet).info(f"recorded {len(document['findings'])} findings in {output}")
    return ExitCode.CLEAN


def _scan(plan_file: Path | None, inventory_file: Path | None, scan: dict[str, Any]) -> list[Any]:
    """Findings of a plan or inventory scanned with the given baseline, env and rule folders."""
    from scanner.pipeline import ScanOptions, run

    if plan_file:
        from scanner.collect.terraform import collect_plan

        inventory = collect_plan(plan_file)
    else:
        from scanner.inventory.io import load_inventory

        inventory = load_inventory(inventory_file)  # type: ignore[arg-type]
    options = ScanOptions(
        baseline=scan["baseline"],
        environment=scan["environment"],
        policy_dirs=list(scan["policy_dirs"]),
        rules_dirs=list(scan["rules_dirs"]),
    )
    return run(inventory, options).context.findings


def check_acceptance_files(options: dict[str, Any]) -> None:
    """Fail on a bad --waivers or --new-only file before a long live collection starts."""
    from scanner.acceptance import Acceptance

    Acceptance.load(options.get("waivers"), options.get("new_only"))


def warn_acceptance(context: Any, console: Console) -> None:
    """Expired and stale waivers as warnings; the --new-only split as a progress line."""
    waivers = context.extra.get("waivers") or {}
    for item in waivers.get("expired", []):
        console.warn(
            f"waiver {item['id']} ({item['owner']}, {item['ticket']}) expired on "
            f"{item['expires']}: it no longer suppresses its {item['matched']} finding(s)"
        )
    for item in waivers.get("stale", []):
        console.warn(
            f"waiver {item['id']} ({item['owner']}, {item['ticket']}) is stale: it matches "
            "no FAIL, UNKNOWN or NOT_COLLECTED finding; remove it or fix its selector"
        )
    state = context.extra.get("new_only")
    if state:
        console.progress(
            f"--new-only: {state['new']} new, {state['unchanged']} recorded in {state['file']}"
        )
