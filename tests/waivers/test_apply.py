"""apply_waivers on findings: selectors, waivable statuses, expiry and stale waivers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scanner.findings import Finding, Status
from scanner.waivers import WaiverFile, apply_waivers, load_waivers
from tests.waivers.helpers import waiver, write_waivers

DAY = date(2026, 11, 25)


def finding(
    rule: str = "STO-002",
    resource: str = "aws_ebs_volume.scratch",
    status: Status = Status.FAIL,
    **scope: Any,
) -> Finding:
    values = {
        "environment": "prod",
        "account": "555555555555",
        "region": "us-west-2",
        "address": resource if "." in resource and ":" not in resource else None,
    }
    values.update(scope)
    return Finding(
        rule_id=rule,
        title=f"Title of {rule}",
        severity="high",
        status=status,
        message=f"{rule} on {resource}",
        resource_id=resource,
        **values,
    )


def waivers_of(tmp_path: Path, *entries: dict[str, Any]) -> WaiverFile:
    return load_waivers(write_waivers(tmp_path, *entries))


@pytest.mark.parametrize(
    ("selector", "target", "waived"),
    [
        ({}, finding(), True),
        ({"rules": ["STO-*"]}, finding(), True),
        ({"rules": ["sto-002"]}, finding(), True),
        ({"rules": ["STO-001"]}, finding(), False),
        ({"resource": "aws_ebs_volume.scratch"}, finding(), True),
        ({"resource": "aws_ebs_volume.*"}, finding(), True),
        ({"resource": "aws_ebs_volume.other"}, finding(), False),
        (
            {"resource": "module.db.aws_subnet.db[*]"},
            finding(resource="module.db.aws_subnet.db[1]"),
            True,
        ),
        (
            {"resource": 'aws_s3_bucket.this["logs"]'},
            finding(resource='aws_s3_bucket.this["logs"]'),
            True,
        ),
        (
            {"resource": 'aws_s3_bucket.this["logs"]'},
            finding(resource="aws_s3_bucket.this[l]"),
            False,
        ),
        (
            {"resource": "arn:aws:ec2:*:volume/vol-1"},
            finding(resource="arn:aws:ec2:us-west-2:1:volume/vol-1"),
            True,
        ),
        ({"environment": "prod"}, finding(), True),
        ({"environment": "staging"}, finding(), False),
        ({"environment": "prod"}, finding(environment=None), False),
        ({"environment": "*"}, finding(environment=None), True),
        ({"account": "555555555555"}, finding(), True),
        ({"account": "5555*"}, finding(), True),
        ({"account": "111111111111"}, finding(), False),
        ({"region": "us-*"}, finding(), True),
        ({"region": "eu-west-1"}, finding(), False),
    ],
)
def test_selectors(tmp_path: Path, selector: dict[str, Any], target: Finding, waived: bool) -> None:
    result = apply_waivers([target], waivers_of(tmp_path, waiver(**selector)), DAY)
    assert (target.status is Status.WAIVED) is waived
    assert len(result.applied) == int(waived) and len(result.stale) == int(not waived)


def test_a_live_finding_matches_by_resource_id_when_it_has_no_address(tmp_path: Path) -> None:
    live = finding(resource="vol-0abc", address=None)
    apply_waivers([live], waivers_of(tmp_path, waiver(resource="vol-0*")), DAY)
    assert live.status is Status.WAIVED


def test_tags_must_all_match_the_resource_tags(tmp_path: Path) -> None:
    tagged, other, scope = finding(), finding(resource="aws_ebs_volume.b"), finding(resource="prod")
    tags = {
        "aws_ebs_volume.scratch": {"Team": "batch", "Name": "prod-scratch-1"},
        "aws_ebs_volume.b": {"Team": "batch"},
    }
    file = waivers_of(tmp_path, waiver(tags={"Team": "batch", "Name": "prod-scratch-*"}))
    apply_waivers([tagged, other, scope], file, DAY, tags)
    assert [f.status for f in (tagged, other, scope)] == [Status.WAIVED, Status.FAIL, Status.FAIL]


def test_a_waived_finding_carries_the_waiver_and_its_original_status(tmp_path: Path) -> None:
    target = finding(status=Status.UNKNOWN)
    apply_waivers([target], waivers_of(tmp_path, waiver(id="W-9", expires="2026-12-01")), DAY)
    assert target.status is Status.WAIVED
    assert target.extra["waived_status"] == "UNKNOWN"
    assert target.extra["waiver"] == {
        "id": "W-9",
        "owner": "platform-team",
        "reason": "scratch volume is rebuilt nightly",
        "ticket": "PLAT-42",
        "expires": "2026-12-01",
    }


@pytest.mark.parametrize(
    ("status", "waivable"),
    [
        (Status.FAIL, True),
        (Status.UNKNOWN, True),
        (Status.NOT_COLLECTED, True),
        (Status.PASS, False),
        (Status.ERROR, False),
    ],
)
def test_only_fail_unknown_and_not_collected_can_be_waived(
    tmp_path: Path, status: Status, waivable: bool
) -> None:
    target = finding(status=status)
    result = apply_waivers([target], waivers_of(tmp_path, waiver()), DAY)
    assert target.status is (Status.WAIVED if waivable else status)
    assert ("waiver" in target.extra) is waivable
    # A waiver that selects only PASS or ERROR findings has nothing to accept: it is stale.
    assert [w["id"] for w in (result.applied if waivable else result.stale)] == ["W-1"]


@pytest.mark.parametrize(
    ("today", "suppresses"),
    [(date(2026, 11, 30), True), (date(2026, 12, 1), True), (date(2026, 12, 2), False)],
)
def test_expiry_is_inclusive(tmp_path: Path, today: date, suppresses: bool) -> None:
    target = finding()
    result = apply_waivers([target], waivers_of(tmp_path, waiver(expires="2026-12-01")), today)
    assert (target.status is Status.WAIVED) is suppresses
    state = "applied" if suppresses else "expired"
    assert [entry["id"] for entry in getattr(result, state)] == ["W-1"]


def test_an_expired_waiver_is_reported_with_what_it_would_have_matched(tmp_path: Path) -> None:
    findings = [finding(), finding(resource="aws_ebs_volume.b"), finding(status=Status.PASS)]
    file = waivers_of(tmp_path, waiver(id="OLD", expires="2026-01-31"))
    result = apply_waivers(findings, file, DAY)
    assert [f.status for f in findings] == [Status.FAIL, Status.FAIL, Status.PASS]
    assert result.applied == [] and result.stale == []
    assert result.expired == [
        {
            "id": "OLD",
            "rules": ["STO-002"],
            "owner": "platform-team",
            "reason": "scratch volume is rebuilt nightly",
            "ticket": "PLAT-42",
            "expires": "2026-01-31",
            "matched": 2,
        }
    ]


def test_a_live_waiver_still_applies_beside_an_expired_one(tmp_path: Path) -> None:
    target = finding()
    file = waivers_of(
        tmp_path, waiver(id="OLD", expires="2026-01-31"), waiver(id="NEW", expires="2027-01-31")
    )
    result = apply_waivers([target], file, DAY)
    assert target.extra["waiver"]["id"] == "NEW"
    assert [e["id"] for e in result.expired] == ["OLD"]
    assert [(e["id"], e["matched"]) for e in result.applied] == [("NEW", 1)]


def test_the_first_matching_waiver_wins_and_the_shadowed_one_is_stale(tmp_path: Path) -> None:
    target = finding()
    file = waivers_of(tmp_path, waiver(id="A", rules=["STO-*"]), waiver(id="B"))
    result = apply_waivers([target], file, DAY)
    assert target.extra["waiver"]["id"] == "A"
    assert [e["id"] for e in result.stale] == ["B"]


def test_to_dict_is_the_context_section(tmp_path: Path) -> None:
    file = waivers_of(tmp_path, waiver())
    section = apply_waivers([finding()], file, DAY).to_dict()
    assert set(section) == {"file", "applied", "expired", "stale"}
    assert section["file"] == str(file.path)
    assert set(section["applied"][0]) == {
        "id",
        "rules",
        "owner",
        "reason",
        "ticket",
        "expires",
        "matched",
    }


def test_today_defaults_to_the_real_date(tmp_path: Path) -> None:
    past, future = finding(), finding(resource="aws_ebs_volume.b")
    file = waivers_of(
        tmp_path,
        waiver(id="PAST", resource="aws_ebs_volume.scratch", expires="2000-01-01"),
        waiver(id="FUTURE", resource="aws_ebs_volume.b", expires="2999-01-01"),
    )
    apply_waivers([past, future], file)
    assert (past.status, future.status) == (Status.FAIL, Status.WAIVED)
