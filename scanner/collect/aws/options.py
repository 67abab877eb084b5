"""What a live collection is asked to cover, and how patiently."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.shard import Shard


@dataclass
class AwsOptions:
    """Scope, credentials and limits of one live collection."""

    profile: str | None = None
    regions: list[str] = field(default_factory=list)  # empty: the regions the account has enabled
    accounts: list[str] = field(default_factory=list)  # empty: the caller's account (or --org)
    org: bool = False  # every ACTIVE account of the organization
    role_name: str = "archscan-audit"
    external_id: str | None = None
    endpoint_url: str | None = None
    services: list[str] = field(default_factory=list)  # empty: every service
    max_workers: int = 8
    per_service_concurrency: int = 4
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 4  # botocore's total attempts per call, first one included
    home_region: str = "us-east-1"  # where global services are called
    shard: Shard | None = None  # collect only the accounts this shard owns (--shard I/N)
