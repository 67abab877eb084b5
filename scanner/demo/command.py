"""`archscan demo`: start moto on loopback, seed an organization, audit it, print the report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from scanner.cli import Console, _now, _report, _run, cli, scan_options
from scanner.errors import UsageError


def demo_baseline(accounts: dict[str, str], folder: Path) -> Path:
    """The bundled baseline with the seeded account ids in place of the placeholders."""
    from scanner.paths import default_baseline

    data = yaml.safe_load(default_baseline().read_text(encoding="utf-8"))
    for key, account_id in accounts.items():
        if key in data["accounts"]:
            data["accounts"][key]["id"] = account_id
    path = folder / "demo-baseline.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@cli.command(epilog="Exit codes as for `archscan audit`; the seeded drifts make it exit 1.")
@scan_options
def demo(**options: Any) -> int:
    """Audit a seeded organization on a local moto server (no AWS account needed).

    Starts a moto server on 127.0.0.1, creates an organization with management, network,
    dev, staging, prod and shared-services accounts, builds the documented VPCs and a
    few deliberate drifts, then runs the live audit against it. Needs the demo extra:
    pip install 'archscan[demo]'.
    """
    try:
        from scanner.collect.aws.collector import collect_live
        from scanner.collect.aws.moto_server import TEST_CREDENTIALS, Seeder, moto_process
        from scanner.collect.aws.options import AwsOptions
        from scanner.demo.seed import DRIFTS, REGION, seed
    except ImportError as exc:
        raise UsageError(
            f"the demo needs moto: {exc}", hint="pip install 'archscan[demo]'"
        ) from None
    console = Console(options["quiet"])
    started = _now()
    # The demo talks only to its own loopback server: moto's test credentials, never the user's.
    os.environ.update(TEST_CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)
    with moto_process() as url, tempfile.TemporaryDirectory() as folder:
        console.info(f"moto server on {url}; seeding an organization (drifts: {', '.join(DRIFTS)})")
        seeded = seed(Seeder(url))
        if options["baseline"] is None:
            options["baseline"] = demo_baseline(seeded.accounts, Path(folder))
        inventory = collect_live(
            AwsOptions(
                endpoint_url=url, regions=[REGION], org=True, max_attempts=1, read_timeout=15
            )
        )
        result = _run(inventory, options, started, console)
        return _report(result, options, console, {})
