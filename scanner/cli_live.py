"""Live commands: `audit`, `snapshot` and `demo` (registered on the main CLI group)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scanner.cli import EXIT_CODES_HELP, Console, _now, _report, _run, cli, scan_options
from scanner.errors import ExitCode

LIVE_EXIT_HELP = (
    EXIT_CODES_HELP
    + "  --fail-on-incomplete: exit 3 when any (account, region, service) was not collected.\n"
)


def live_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say what to collect and how."""
    options = [
        click.option("--profile", help="AWS profile (default: the standard credential chain)."),
        click.option(
            "--region",
            "regions",
            multiple=True,
            metavar="REGION",
            help="Region to scan (repeatable; default: the regions the account has enabled).",
        ),
        click.option(
            "--account",
            "accounts",
            multiple=True,
            metavar="ID",
            help="Account to scan (repeatable; default: the caller's account).",
        ),
        click.option(
            "--org",
            is_flag=True,
            help="Scan every ACTIVE account of the organization (run from the management account).",
        ),
        click.option(
            "--role-name",
            default="archscan-audit",
            show_default=True,
            help="Role assumed in each member account.",
        ),
        click.option("--external-id", help="External id for the assumed role."),
        click.option("--endpoint-url", help="AWS-compatible endpoint (moto, LocalStack)."),
        click.option(
            "--services",
            "services",
            multiple=True,
            metavar="NAME",
            help="Limit to these services (repeatable or comma-separated).",
        ),
        click.option(
            "--max-workers",
            default=8,
            show_default=True,
            type=click.IntRange(1, 128),
            help="Concurrent collection tasks.",
        ),
        click.option(
            "--per-service",
            default=4,
            show_default=True,
            type=click.IntRange(1, 64),
            help="Concurrent tasks per service, so one throttled service cannot starve the rest.",
        ),
        click.option(
            "--connect-timeout",
            default=5.0,
            show_default=True,
            type=float,
            help="Seconds to connect per call.",
        ),
        click.option(
            "--read-timeout",
            default=30.0,
            show_default=True,
            type=float,
            help="Seconds to wait for an answer per call.",
        ),
        click.option(
            "--max-attempts",
            default=4,
            show_default=True,
            type=click.IntRange(1, 20),
            help="Attempts per call, retries included.",
        ),
        click.option(
            "--shard",
            metavar="I/N",
            help="Collect only shard I of N of the accounts (I is 0-based; `auto/N` reads "
            "$JOB_COMPLETION_INDEX); combine the shards with `archscan merge`.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def aws_options(options: dict[str, Any]) -> Any:
    """AwsOptions from parsed CLI options."""
    from scanner.collect.aws.options import AwsOptions
    from scanner.shard import parse_shard

    services = [
        name.strip() for item in options["services"] for name in item.split(",") if name.strip()
    ]
    return AwsOptions(
        profile=options["profile"],
        regions=list(options["regions"]),
        accounts=list(options["accounts"]),
        org=options["org"],
        role_name=options["role_name"],
        external_id=options["external_id"],
        endpoint_url=options["endpoint_url"],
        services=services,
        max_workers=options["max_workers"],
        per_service_concurrency=options["per_service"],
        connect_timeout=options["connect_timeout"],
        read_timeout=options["read_timeout"],
        max_attempts=options["max_attempts"],
        shard=parse_shard(options["shard"]) if options["shard"] else None,
    )


def collect(options: dict[str, Any], console: Console) -> Any:
    """Run the live collection with a progress line on stderr."""
    from scanner.collect.aws.collector import collect_live

    bar = ProgressBar(console)
    inventory = collect_live(aws_options(options), bar.update)
    bar.close()
    gaps = [e for e in inventory.coverage if e.status != "ok"]
    console.progress(
        f"{len(inventory.resources)} resources; "
        f"{len(inventory.coverage) - len(gaps)} collections ok, "
        f"{len(gaps)} not collected"
    )
    return inventory


class ProgressBar:
    """``[done/total] errors`` redrawn on one stderr line, only on a terminal."""

    def __init__(self, console: Console) -> None:
        self.enabled = not console.quiet and console.interactive
        self.drawn = False

    def update(self, done: int, total: int, errors: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} errors {errors}"
        )
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")


@cli.command(epilog=LIVE_EXIT_HELP)
@live_options
@click.option(
    "--fail-on-incomplete",
    is_flag=True,
    help="Exit 3 when any collection was denied, throttled, timed out or failed.",
)
@click.option(
    "--snapshot-out",
    type=click.Path(path_type=Path),
    help="Also write the collected inventory here.",
)
@scan_options
def audit(fail_on_incomplete: bool, snapshot_out: Path | None, **options: Any) -> int:
    """Collect live AWS state and check it against the baseline in one go."""
    from scanner.cli_findings import check_acceptance_files
    from scanner.inventory.io import dump_inventory

    check_acceptance_files(options)  # a bad --waivers / --new-only fails before collecting
    console = Console(options["quiet"])
    started = _now()
    inventory = collect(options, console)
    result = _run(inventory, options, started, console)
    gaps = any(entry.status != "ok" for entry in inventory.coverage)
    clean = result.context.exit_code == ExitCode.CLEAN
    if fail_on_incomplete and gaps and clean and not options["soft_fail"]:
        result.context.exit_code = int(ExitCode.INCOMPLETE)
    extra = {snapshot_out: dump_inventory(inventory)} if snapshot_out else {}
    return _report(result, options, console, extra)


@cli.command()
@live_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the inventory JSON.",
)
@click.option("--fail-on-incomplete", is_flag=True, help="Exit 3 when any collection was not ok.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def snapshot(output: Path, fail_on_incomplete: bool, quiet: bool, **options: Any) -> int:
    """Collect live AWS state into an inventory file; evaluate it later with `archscan scan`.

    \b
    Exit codes: 0 written, 2 usage or credential error, 3 written but incomplete
    (with --fail-on-incomplete).
    """
    from scanner.fileio import check_writable, write_atomic
    from scanner.inventory.io import dump_inventory

    check_writable(output)
    console = Console(quiet)
    inventory = collect(options, console)
    write_atomic(output, dump_inventory(inventory))
    gaps = [entry for entry in inventory.coverage if entry.status != "ok"]
    for entry in gaps:
        console.warn(
            f"{entry.service} in {entry.account}/{entry.region}: {entry.status} "
            f"({entry.api_call}: {entry.message})"
        )
    return int(ExitCode.INCOMPLETE) if fail_on_incomplete and gaps else 0
