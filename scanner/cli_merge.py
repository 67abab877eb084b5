"""`archscan merge`: combine the outputs of sharded runs (registered on the main CLI group)."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.cli import Console, _severity, cli
from scanner.gate import UnknownMode

MERGE_HELP = """
\b
The kind is read from the files' content: inventories (`snapshot`, `audit --snapshot-out`),
JSON reports (`--json`) or SARIF logs (`--sarif`); mixing kinds is an error.
Inventories written with --shard I/N must be the complete set (every index 0..N-1 once).
Merged inventories equal one unsharded run's: `archscan scan MERGED` gives the organization's
report. Merged reports resolve a finding reported by several shards (see docs/ci.md).
\b
Exit codes:
  0  written (inventories, SARIF; reports: clean)
  1  merged JSON report: a FAIL at or above --fail-on
  2  usage or input error: unreadable or malformed file, mixed kinds, incomplete shard set
  3  merged JSON report: incomplete under fail-closed (--unknown fail)
"""


@cli.command(epilog=MERGE_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Merged file.")
@click.option(
    "--kind",
    type=click.Choice(["inventory", "report", "sarif"]),
    help="Refuse inputs of any other kind (default: whatever the files are).",
)
@click.option(
    "--fail-on",
    callback=lambda ctx, param, value: _severity(ctx, param, value) if value else None,
    type=click.Choice(["critical", "high", "medium", "low", "info"], case_sensitive=False),
    help="Gate threshold of a merged report (default: the inputs' --fail-on).",
)
@click.option(
    "--unknown",
    "unknown_mode",
    default="fail",
    show_default=True,
    type=click.Choice([m.value for m in UnknownMode]),
    help="What UNKNOWN / NOT_COLLECTED / ERROR results do to a merged report's exit code.",
)
@click.option("--soft-fail", is_flag=True, help="Exit 0 unless the input is bad.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def merge(
    files: tuple[Path, ...],
    output: Path,
    kind: str | None,
    fail_on: object,
    unknown_mode: str,
    soft_fail: bool,
    quiet: bool,
    debug: bool,
) -> int:
    """Merge shard outputs (inventories, JSON reports or SARIF logs) into one FILE."""
    from scanner.fileio import check_writable, write_atomic
    from scanner.merge import Kind, MergeOptions, merge_files

    check_writable(output)
    options = MergeOptions(
        kind=Kind(kind) if kind else None,
        fail_on=fail_on,  # type: ignore[arg-type]
        unknown=UnknownMode(unknown_mode),
        soft_fail=soft_fail,
    )
    result = merge_files(list(files), options)
    write_atomic(output, result.text)
    Console(quiet).info(f"merged {result.inputs} {result.kind} files into {output}")
    return result.exit_code
