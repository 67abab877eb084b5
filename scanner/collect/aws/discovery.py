"""Which accounts and regions a live collection covers."""

from __future__ import annotations

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.errors import CollectionFailure
from scanner.collect.aws.options import AwsOptions
from scanner.collect.aws.session import Sessions
from scanner.inventory.model import CoverageEntry


def accounts(options: AwsOptions, sessions: Sessions) -> tuple[list[str], list[CoverageEntry]]:
    """Accounts to scan, and ledger entries for a discovery that failed.

    ``--account`` wins; ``--org`` lists the ACTIVE accounts of the organization (from the
    management account); otherwise the caller's own account.
    """
    if options.accounts:
        return sorted(set(options.accounts)), []
    if not options.org:
        return [sessions.caller_account], []
    ctx = _context(options, sessions)
    client = ctx.client("organizations")
    try:
        found = [
            str(item["Id"])
            for item in ctx.paginate(client, "list_accounts", "Accounts")
            if item.get("Status") == "ACTIVE"
        ]
    except CollectionFailure as failure:
        entry = CoverageEntry(
            sessions.caller_account,
            "global",
            "organizations",
            failure.status,
            failure.api_call,
            failure.message,
        )
        return [sessions.caller_account], [entry]
    return sorted(set(found) | {sessions.caller_account}), []


def regions(options: AwsOptions, sessions: Sessions) -> list[str]:
    """``--region`` values, else the regions enabled for the caller's account."""
    if options.regions:
        return sorted(set(options.regions))
    ctx = _context(options, sessions)
    client = ctx.client("ec2")
    answer = ctx.call(client, "describe_regions", AllRegions=False)
    return sorted(
        item["RegionName"]
        for item in answer.get("Regions", [])
        if item.get("OptInStatus", "opt-in-not-required") in {"opt-in-not-required", "opted-in"}
    )


def _context(options: AwsOptions, sessions: Sessions) -> CollectContext:
    account = sessions.caller_account
    return CollectContext(
        account=account,
        region=options.home_region,
        client_factory=lambda service, region: sessions.client(account, service, region),
    )
