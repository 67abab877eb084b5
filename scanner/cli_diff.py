"""`archscan diff OLD NEW`: findings and resource drift between two runs."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.cli import Console, cli
from scanner.errors import InputError
from scanner.findings import Severity

DIFF_EXIT_HELP = """
\b
Exit codes:
  0  the diff was written (and no new FAIL reaches --fail-on-new, when given)
  1  --fail-on-new SEVERITY: a finding FAILs in NEW at or above SEVERITY that
     did not FAIL in OLD
  2  usage or input error: a file is missing, malformed, neither an inventory
     nor a JSON report, or the two are not of the same kind
"""


@cli.command("diff", epilog=DIFF_EXIT_HELP)
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
@click.option(
    "--fail-on-new",
    type=click.Choice(["critical", "high", "medium", "low", "info"], case_sensitive=False),
    help="Exit 1 when a new FAIL reaches this severity (default: never).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="Baseline judging two inventories (default: the bundled reference architecture).",
)
@click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="PATH",
    help="Resource path left out of the drift, e.g. attributes.state (repeatable).",
)
@click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def diff_command(
    old: Path,
    new: Path,
    fmt: str,
    output: Path | None,
    fail_on_new: str | None,
    baseline: Path | None,
    ignore: tuple[str, ...],
    quiet: bool,
    debug: bool,
) -> int:
    """Compare two inventories or two JSON reports (OLD first).

    Reports are compared by finding fingerprint: new (FAIL now, not before), resolved
    (FAIL before, not now) and changed (status, severity or message). Inventories are
    evaluated with the rules first, and their resources compared too: added, removed
    and changed attribute paths.
    """
    from scanner.diff import DiffOptions, compare, render
    from scanner.fileio import check_writable, write_atomic

    if output is not None:
        check_writable(output)
    options = DiffOptions(
        baseline=baseline,
        ignore=list(ignore),
        fail_on_new=Severity.parse(fail_on_new) if fail_on_new else None,
    )
    result = compare(old, new, options)
    console = Console(quiet)
    for warning in result.warnings:
        console.warn(warning)
    text = render(fmt, result)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            write_atomic(output, text)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", source=str(output)) from None
    return int(result.exit_code)
