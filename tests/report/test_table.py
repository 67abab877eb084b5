"""Terminal table report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.inventory.model import CoverageEntry, CoverageStatus
from scanner.report import table

if TYPE_CHECKING:
    from .conftest import Factory


def test_summary_line_counts_every_status_and_names_the_gate(factory: type[Factory]) -> None:
    ctx = factory.mixed(resource_count=143)
    last = table.render(ctx).rstrip("\n").splitlines()[-1]
    assert last == (
        "9 rules, 143 resources: 6 FAIL (1 critical, 2 high, 1 medium, 1 low, 1 info), "
        "2 PASS, 1 UNKNOWN, 1 NOT_COLLECTED, 1 WAIVED, 1 ERROR — exit 1 (fail-on: high)"
    )


def test_summary_line_for_an_empty_scan(factory: type[Factory]) -> None:
    text = table.render(factory.context(resource_count=1))
    assert "No findings." in text
    assert text.rstrip("\n").splitlines()[-1] == (
        "0 rules, 1 resource: 0 FAIL, 0 PASS, 0 UNKNOWN, 0 NOT_COLLECTED, 0 WAIVED, 0 ERROR"
        " — exit 0 (fail-on: high)"
    )


def test_pass_rows_hidden_by_default_but_counted(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    hidden = table.render(ctx)
    assert "aws_vpc.staging" not in hidden
    assert "Environment: staging (1 PASS hidden)" in hidden
    assert "2 PASS" in hidden
    shown = table.render(ctx, show_passed=True)
    assert "aws_vpc.staging" in shown
    assert "PASS hidden" not in shown


def test_grouped_by_environment_then_severity(factory: type[Factory]) -> None:
    lines = table.render(factory.mixed()).splitlines()
    headings = [line for line in lines if line.startswith("Environment: ")]
    assert [h.split()[1] for h in headings] == ["dev", "prod", "staging", "(unresolved)"]
    start = lines.index(next(h for h in headings if h.startswith("Environment: prod")))
    end = lines.index(next(h for h in headings if h.startswith("Environment: staging")))
    rows = [line.split() for line in lines[start + 3 : end] if line.strip()]
    severities = [row[1] for row in rows]
    order = ["critical", "high", "medium", "low", "info"]
    assert severities == sorted(severities, key=order.index)
    assert severities[0] == "critical" and severities[-1] == "low"


def test_rows_show_address_or_id(factory: type[Factory]) -> None:
    finding = factory.finding(resource_id="arn:aws:config:us-west-2:1:recorder/x", address=None)
    text = table.render(factory.context([finding]))
    assert "arn:aws:config:us-west-2:1:recorder/x" in text


def test_coverage_section_only_when_something_was_not_collected(factory: type[Factory]) -> None:
    ok = [CoverageEntry("1", "us-west-2", "ec2", CoverageStatus.OK)]
    assert "Coverage:" not in table.render(factory.context(coverage=ok))
    text = table.render(factory.mixed())
    assert "Coverage: 1 of 2 collections incomplete" in text
    assert "config" in text and "denied" in text and "AccessDenied" in text


def test_account_ids_keep_leading_zeros(factory: type[Factory]) -> None:
    gaps = [CoverageEntry("012345678901", "us-east-1", "s3", CoverageStatus.THROTTLED)]
    assert "012345678901" in table.render(factory.context(coverage=gaps))


def test_unmapped_types_on_one_line(factory: type[Factory]) -> None:
    lines = [
        line for line in table.render(factory.mixed()).splitlines() if line.startswith("Unmapped")
    ]
    assert lines == ["Unmapped: 3 resources of 2 types not checked (aws_foo 2, aws_bar 1)"]


def test_warnings_listed(factory: type[Factory]) -> None:
    text = table.render(factory.mixed())
    assert "Warnings (1):\n  - plan has 2 resources with unknown provider" in text


def test_colour_off_by_default_and_on_by_request(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    assert "\x1b[" not in table.render(ctx)
    coloured = table.render(ctx, color=True)
    assert "\x1b[1;31mFAIL\x1b[0m" in coloured
    assert "\x1b[33mUNKNOWN\x1b[0m" in coloured


def test_long_messages_truncated(factory: type[Factory]) -> None:
    finding = factory.finding(message="word " * 100)
    lines = table.render(factory.context([finding])).splitlines()
    rows = [line for line in lines if line.startswith("FAIL")]
    assert len(rows) == 1
    assert rows[0].endswith("…")
    assert len(rows[0]) < 200


def test_hostile_strings_cannot_break_rows_or_the_terminal(factory: type[Factory]) -> None:
    ctx = factory.hostile()
    text = table.render(ctx, show_passed=True)
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    data_rows = [
        line for line in text.splitlines() if line.startswith(("FAIL", "UNKNOWN", "WAIVED"))
    ]
    # one line per finding: a newline inside a resource name did not split a row
    assert len(data_rows) == len(ctx.findings)


def test_deterministic(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    shuffled = factory.mixed(findings=list(reversed(ctx.findings)))
    assert table.render(ctx) == table.render(shuffled)
