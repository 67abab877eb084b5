"""Coverage gaps with unknown accounts or regions (plans) sort and render in every format."""

from __future__ import annotations

import pytest

from scanner.inventory.model import CoverageEntry, CoverageStatus
from scanner.report import registry
from scanner.report.summary import coverage_gaps
from tests.report.conftest import make_context


def context():  # type: ignore[no-untyped-def]
    return make_context(
        coverage=[
            CoverageEntry("111111111111", "us-west-2", "ec2", CoverageStatus.OK),
            CoverageEntry(None, None, "s3", CoverageStatus.ERROR, "ListBuckets", "boom"),
            CoverageEntry("111111111111", None, "kms", CoverageStatus.DENIED, "ListKeys", "no"),
        ]
    )


def test_gaps_sort_with_missing_account_and_region() -> None:
    assert [e.service for e in coverage_gaps(context())] == ["s3", "kms"]


@pytest.mark.parametrize("name", registry.names())
def test_every_format_renders_gaps_without_account(name: str) -> None:
    text = registry.render(name, context())
    assert "denied" in text or name == "junit"
