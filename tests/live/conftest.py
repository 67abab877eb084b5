"""A real moto server on 127.0.0.1 for live-collector tests: boto3 over HTTP, no mocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import Seeder, moto_server, reset
from scanner.collect.aws.options import AwsOptions
from scanner.inventory.model import Inventory


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One moto server for the session."""
    with moto_server() as url:
        yield url


@pytest.fixture
def moto(moto_url: str) -> Iterator[Seeder]:
    """A clean moto server and a Seeder to create resources in it."""
    reset(moto_url)
    yield Seeder(moto_url)
    reset(moto_url)


@pytest.fixture
def audit(moto: Seeder):  # type: ignore[no-untyped-def]
    """Run a live collection against the moto server: audit(services, regions=..., **options)."""

    def run(services: list[str], regions: list[str] | None = None, **options: object) -> Inventory:
        settings = AwsOptions(
            endpoint_url=moto.url,
            regions=regions or ["us-east-1"],
            services=services,
            max_attempts=1,
            read_timeout=10,
            **options,  # type: ignore[arg-type]
        )
        return collect_live(settings)

    return run
