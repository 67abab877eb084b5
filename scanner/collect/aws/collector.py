"""collect_live(): discover scope, fan out, and assemble the live inventory."""

from __future__ import annotations

from datetime import UTC, datetime

from scanner.collect.aws import discovery, registry
from scanner.collect.aws.errors import CollectionFailure
from scanner.collect.aws.fanout import Progress, plan_tasks, run_tasks
from scanner.collect.aws.options import AwsOptions
from scanner.collect.aws.session import Sessions
from scanner.errors import InputError
from scanner.inventory.model import Inventory


def collect_live(options: AwsOptions, progress: Progress | None = None) -> Inventory:
    """Snapshot every selected service of every account and region into one inventory."""
    specs = registry.select(options.services)
    try:
        sessions = Sessions(options)
        accounts, coverage = discovery.accounts(options, sessions)
        regions = discovery.regions(options, sessions)
    except CollectionFailure as failure:
        raise InputError(
            f"cannot start the audit: {failure}",
            source=options.profile or "default credentials",
            hint="check the profile, the credentials and --endpoint-url",
        ) from None
    discovered = accounts
    if options.shard:  # after discovery, before collection: this shard's accounts only
        accounts = options.shard.select(accounts)
    tasks = plan_tasks(
        accounts,
        regions,
        specs,
        management=sessions.caller_account,
        home_region=options.home_region,
    )
    results = run_tasks(tasks, sessions, options, progress)
    inventory = Inventory(
        source={
            "kind": "live",
            "path": options.endpoint_url or "aws",
            "caller_account": sessions.caller_account,
            "accounts": accounts,
            "regions": regions,
            "services": [spec.name for spec in specs],
            **({"shard": options.shard.describe(discovered)} if options.shard else {}),
        },
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        coverage=coverage,
    )
    for result in results:
        inventory.resources.extend(result.resources)
        if result.coverage:
            inventory.coverage.append(result.coverage)
    return inventory
