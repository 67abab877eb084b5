"""Faults between boto3 and moto: every run completes, and every scope that could not be
read is in the coverage ledger as throttled, denied, timeout or error, never as ok.

Each test runs a real collection (``collect_live``) through the loopback fault proxy
(tests/live/fault_proxy.py), which answers in each protocol's real error shape.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.collect.aws import registry
from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.options import AwsOptions
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.engine.ruleset import RuleSet
from scanner.findings import Status
from scanner.inventory.io import dump_inventory
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory, Resource
from scanner.inventory.types import services_for
from scanner.pipeline import ScanOptions, run
from tests.live.fault_proxy import Fault, FaultKind, FaultProxy, fault_proxy, share_botocore_models
from tests.live.test_iam_least_privilege import seed_account, write_kms_rule

REGION, OTHER = "us-east-1", "us-west-2"
HANG_SECONDS = 20.0  # how long a hung request stays unanswered: far above every read timeout
# Calls that a collector is known to read as "absent" when denied: each has an xfail below.
KNOWN_FAIL_OPEN: set[tuple[str, str, str]] = set()


@pytest.fixture(autouse=True)
def _shared_models(monkeypatch: pytest.MonkeyPatch) -> None:
    share_botocore_models(monkeypatch)


@pytest.fixture
def proxy(moto: Seeder) -> Iterator[FaultProxy]:
    """The fault proxy in front of the session's (clean) moto server."""
    with fault_proxy(moto.url, hang_seconds=HANG_SECONDS) as running:
        yield running


def audit(
    proxy: FaultProxy, services: list[str], regions: tuple[str, ...] = (REGION,), **options: Any
) -> Inventory:
    """A live collection through the proxy (one attempt per call unless told otherwise)."""
    settings: dict[str, Any] = {"max_attempts": 1, "read_timeout": 10.0, "connect_timeout": 2.0}
    settings.update(options)
    return collect_live(
        AwsOptions(endpoint_url=proxy.url, regions=list(regions), services=services, **settings)
    )


def ledger(inventory: Inventory) -> dict[tuple[str, str | None], CoverageEntry]:
    """Ledger entries by (service, region)."""
    return {(entry.service, entry.region): entry for entry in inventory.coverage}


def seed_keys(moto: Seeder, region: str, count: int) -> set[str]:
    """``count`` rotating customer keys in ``region``; their ARNs."""
    kms = moto.client("kms", region)
    arns = set()
    for n in range(count):
        meta = kms.create_key(Description=f"key {n}")["KeyMetadata"]
        kms.enable_key_rotation(KeyId=meta["KeyId"])
        arns.add(meta["Arn"])
    return arns


def keys_of(inventory: Inventory) -> set[str]:
    return {r.id for r in inventory.resources if r.type == "aws_kms_key"}


# --- KMS (JSON protocol) through the real collector ---------------------------------------


def test_transient_throttle_is_retried_and_the_data_is_complete(
    moto: Seeder, proxy: FaultProxy
) -> None:
    keys = seed_keys(moto, REGION, 3)
    fault = proxy.add(Fault("kms", FaultKind.THROTTLE, action="ListKeys", times=2))
    inventory = audit(proxy, ["kms"], max_attempts=3)
    assert fault.hits == 2
    assert proxy.count("kms", "ListKeys", "forwarded") == 1
    assert ledger(inventory)[("kms", REGION)].status == CoverageStatus.OK
    assert keys_of(inventory) == keys


def test_max_attempts_counts_every_attempt(moto: Seeder, proxy: FaultProxy) -> None:
    proxy.add(Fault("kms", FaultKind.THROTTLE, action="ListKeys"))
    inventory = audit(proxy, ["kms"], max_attempts=2)
    assert ledger(inventory)[("kms", REGION)].status == CoverageStatus.THROTTLED
    assert proxy.count("kms", "ListKeys") == 2


def test_persistent_throttle_is_throttled_for_that_scope_only(
    moto: Seeder, proxy: FaultProxy
) -> None:
    here = seed_keys(moto, REGION, 1)
    seed_keys(moto, OTHER, 1)
    proxy.add(Fault("kms", FaultKind.THROTTLE, action="ListKeys", region=OTHER))
    inventory = audit(proxy, ["kms"], regions=(REGION, OTHER), max_attempts=2)
    entries = ledger(inventory)
    throttled = entries[("kms", OTHER)]
    assert (throttled.status, throttled.api_call) == (CoverageStatus.THROTTLED, "kms:ListKeys")
    assert "ThrottlingException" in (throttled.message or "")
    assert entries[("kms", REGION)].status == CoverageStatus.OK
    assert keys_of(inventory) == here
    assert proxy.count("kms", "ListKeys", "throttle") >= 2  # botocore retried before giving up


def test_access_denied_is_denied_and_not_retried(moto: Seeder, proxy: FaultProxy) -> None:
    seed_keys(moto, REGION, 1)
    proxy.add(Fault("kms", FaultKind.DENY, action="ListKeys"))
    inventory = audit(proxy, ["kms"], max_attempts=3)
    entry = ledger(inventory)[("kms", REGION)]
    assert (entry.status, entry.api_call) == (CoverageStatus.DENIED, "kms:ListKeys")
    assert "AccessDeniedException" in (entry.message or "")
    assert proxy.count("kms", "ListKeys") == 1
    assert keys_of(inventory) == set()


def test_hang_ends_as_timeout_within_the_read_timeout(moto: Seeder, proxy: FaultProxy) -> None:
    seed_keys(moto, REGION, 1)
    read_timeout = 1.0
    proxy.add(Fault("kms", FaultKind.HANG, action="ListKeys"))
    started = time.monotonic()
    inventory = audit(proxy, ["kms"], max_attempts=2, read_timeout=read_timeout)
    elapsed = time.monotonic() - started
    entry = ledger(inventory)[("kms", REGION)]
    assert (entry.status, entry.api_call) == (CoverageStatus.TIMEOUT, "kms:ListKeys")
    hung = proxy.count("kms", "ListKeys", "hang")
    assert hung >= 1
    # Each attempt waited one read timeout, no more: the proxy would have held it 20 s.
    assert read_timeout * hung * 0.9 <= elapsed <= read_timeout * hung + 3.0
    assert elapsed < HANG_SECONDS / 2


def test_connection_reset_once_is_retried(moto: Seeder, proxy: FaultProxy) -> None:
    keys = seed_keys(moto, REGION, 2)
    fault = proxy.add(Fault("kms", FaultKind.RESET, action="ListKeys", times=1))
    inventory = audit(proxy, ["kms"], max_attempts=2)
    assert fault.hits == 1
    assert ledger(inventory)[("kms", REGION)].status == CoverageStatus.OK
    assert keys_of(inventory) == keys


def test_persistent_connection_reset_is_an_error(moto: Seeder, proxy: FaultProxy) -> None:
    seed_keys(moto, REGION, 1)
    proxy.add(Fault("kms", FaultKind.RESET, action="DescribeKey"))
    inventory = audit(proxy, ["kms"], max_attempts=2)
    entry = ledger(inventory)[("kms", REGION)]
    assert (entry.status, entry.api_call) == (CoverageStatus.ERROR, "kms:DescribeKey")
    assert "connection closed" in (entry.message or "")
    assert proxy.count("kms", "DescribeKey", "reset") >= 2


def test_latency_below_the_read_timeout_is_only_slower(moto: Seeder, proxy: FaultProxy) -> None:
    keys = seed_keys(moto, REGION, 2)
    proxy.add(Fault("kms", FaultKind.LATENCY, delay=0.3))
    started = time.monotonic()
    inventory = audit(proxy, ["kms"], read_timeout=2.0)
    elapsed = time.monotonic() - started
    assert ledger(inventory)[("kms", REGION)].status == CoverageStatus.OK
    assert keys_of(inventory) == keys
    delayed = proxy.count("kms", outcome="latency")
    assert delayed >= 1 + 3 * len(keys)  # ListKeys, then three calls per key
    assert elapsed >= 0.3 * delayed  # one collector calls in sequence


def test_every_fault_at_once_the_run_completes(moto: Seeder, proxy: FaultProxy) -> None:
    seed_keys(moto, REGION, 1)
    moto.client("s3").create_bucket(Bucket="faulty-bucket")
    proxy.add(Fault("kms", FaultKind.HANG))
    proxy.add(Fault("ec2", FaultKind.THROTTLE))
    proxy.add(Fault("s3", FaultKind.DENY))
    proxy.add(Fault("rds", FaultKind.RESET))
    proxy.add(Fault("elasticloadbalancing", FaultKind.LATENCY, delay=0.2))
    names = list(registry.all_specs())
    started = time.monotonic()
    inventory = audit(proxy, names, max_attempts=2, read_timeout=3.0)
    assert time.monotonic() - started < HANG_SECONDS
    entries = {entry.service: entry for entry in inventory.coverage}
    assert set(entries) == set(names)  # one entry per service, none lost
    expected = {
        "kms": CoverageStatus.TIMEOUT,
        "ec2": CoverageStatus.THROTTLED,
        "s3": CoverageStatus.DENIED,
        "rds": CoverageStatus.ERROR,
    }
    assert {name: entries[name].status for name in expected} == expected
    if "elbv2" in entries:
        assert entries["elbv2"].status == CoverageStatus.OK


# --- every protocol's error shape, through the ledger ---------------------------------------

# (probe, boto3 service, operation, result key, credential-scope service, protocol, scope)
PROBES = [
    ("ec2", "ec2", "describe_vpcs", "Vpcs", "ec2", "ec2", Scope.REGIONAL),
    ("rds", "rds", "describe_db_instances", "DBInstances", "rds", "query", Scope.REGIONAL),
    (
        "elbv2",
        "elbv2",
        "describe_load_balancers",
        "LoadBalancers",
        "elasticloadbalancing",
        "query",
        Scope.REGIONAL,
    ),
    ("s3", "s3", "list_buckets", "Buckets", "s3", "s3", Scope.GLOBAL),
    ("kms", "kms", "list_keys", "Keys", "kms", "json", Scope.REGIONAL),
    ("eks", "eks", "list_clusters", "clusters", "eks", "rest-json", Scope.REGIONAL),
    ("route53", "route53", "list_hosted_zones", "HostedZones", "route53", "rest-xml", Scope.GLOBAL),
]


def _probe(name: str, service: str, operation: str, key: str, scope: Scope) -> ServiceSpec:
    def collect(ctx: CollectContext) -> Iterator[Resource]:
        list(ctx.paginate(ctx.client(service), operation, key))
        yield ctx.resource(f"probe:{name}:{ctx.region}", "probe")

    return ServiceSpec(name=f"probe-{name}", collect=collect, permissions=(), scope=scope)


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The registry replaced by one listing per protocol; their service names."""
    specs = {spec.name: spec for spec in (_probe(p[0], p[1], p[2], p[3], p[6]) for p in PROBES)}
    monkeypatch.setattr(registry, "all_specs", lambda: specs)
    return list(specs)


@pytest.mark.parametrize(
    ("kind", "status"),
    [(FaultKind.THROTTLE, CoverageStatus.THROTTLED), (FaultKind.DENY, CoverageStatus.DENIED)],
)
@pytest.mark.parametrize("probe", PROBES, ids=[p[0] for p in PROBES])
def test_each_protocols_error_shape_lands_in_the_ledger(
    moto: Seeder,
    proxy: FaultProxy,
    probes: list[str],
    probe: tuple[Any, ...],
    kind: FaultKind,
    status: CoverageStatus,
) -> None:
    name, signing, protocol = probe[0], probe[4], probe[5]
    proxy.add(Fault(signing, kind))
    inventory = audit(proxy, probes, max_attempts=2)
    statuses = {entry.service: entry.status for entry in inventory.coverage}
    assert statuses == {
        other: status if other == f"probe-{name}" else CoverageStatus.OK for other in probes
    }
    assert {s.protocol for s in proxy.seen if s.service == signing} == {protocol}


def test_transient_throttles_of_every_protocol_are_retried(
    moto: Seeder, proxy: FaultProxy, probes: list[str]
) -> None:
    faults = [proxy.add(Fault(p[4], FaultKind.THROTTLE, times=2)) for p in PROBES]
    inventory = audit(proxy, probes, max_attempts=3)
    assert {entry.status for entry in inventory.coverage} == {CoverageStatus.OK}
    assert [fault.hits for fault in faults] == [2] * len(PROBES)
    assert len(inventory.resources) == len(PROBES)


# --- a denial of any call a collector makes is never "ok" ---------------------------------


def test_every_collector_fails_closed_on_a_denial_of_any_of_its_calls(
    moto: Seeder, proxy: FaultProxy
) -> None:
    """Deny each call every collector makes on a seeded account, one at a time.

    A collector that treats a denied call as "absent" (an empty list, no tags) would
    pass every moto test; here its ledger entry would stay ok.
    """
    seed_account(moto, REGION)
    offenders: list[str] = []
    checked = 0
    for name in registry.all_specs():
        proxy.clear()
        baseline = audit(proxy, [name])
        if {e.status for e in baseline.coverage} != {CoverageStatus.OK}:
            continue  # moto cannot serve it (unsupported / error): nothing to compare
        calls = sorted({(s.service, s.action) for s in proxy.seen if s.service != "sts"})
        for service, action in calls:
            if (name, service, action) in KNOWN_FAIL_OPEN:
                continue
            proxy.clear()
            proxy.add(Fault(service, FaultKind.DENY, action=action))
            statuses = {e.status for e in audit(proxy, [name]).coverage}
            checked += 1
            if statuses != {CoverageStatus.DENIED}:
                found = ", ".join(sorted(statuses))
                offenders.append(f"{name}: {service}:{action} denied -> {found}")
    assert checked >= 20
    assert offenders == []


def test_denied_tag_read_is_denied_not_untagged(moto: Seeder, proxy: FaultProxy) -> None:
    kms = moto.client("kms", REGION)
    kms.create_key(Description="tagged", Tags=[{"TagKey": "Environment", "TagValue": "prod"}])
    proxy.add(Fault("kms", FaultKind.DENY, action="ListResourceTags"))
    inventory = audit(proxy, ["kms"])
    assert proxy.count("kms", "ListResourceTags", "deny") == 1
    assert ledger(inventory)[("kms", REGION)].status == CoverageStatus.DENIED


# --- end to end: a denied service is NOT_COLLECTED, and `archscan scan` exits 3 -----------


def test_denied_service_is_not_collected_and_scan_exits_3(
    moto: Seeder, proxy: FaultProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    here = seed_keys(moto, REGION, 1)
    seed_keys(moto, OTHER, 1)
    proxy.add(Fault("kms", FaultKind.DENY, region=OTHER))
    inventory = audit(proxy, ["kms"], regions=(REGION, OTHER))
    assert ledger(inventory)[("kms", OTHER)].status == CoverageStatus.DENIED
    assert ledger(inventory)[("kms", REGION)].status == CoverageStatus.OK
    saved = tmp_path / "inventory.json"
    saved.write_text(dump_inventory(inventory), encoding="utf-8")
    rules = write_kms_rule(tmp_path / "rules")

    result = run(inventory, ScanOptions(rules_dirs=[rules]))
    findings = result.context.findings
    reading_kms = {
        meta.id
        for meta in RuleSet.load([], [rules]).all_meta()
        if "kms" in services_for(meta.reads) and "live" in meta.inputs
    }
    assert "TST-KMS-001" in reading_kms
    for rule_id in reading_kms:
        gaps = {
            (f.account, f.region)
            for f in findings
            if f.rule_id == rule_id and f.status == Status.NOT_COLLECTED
        }
        assert gaps == {(DEFAULT_ACCOUNT, OTHER)}, rule_id
        assert not any(
            f.rule_id == rule_id and f.status == Status.PASS and f.region == OTHER for f in findings
        )
    assert {(f.resource_id, f.status) for f in findings if f.rule_id == "TST-KMS-001"} == {
        (next(iter(here)), Status.PASS),
        (f"kms:{DEFAULT_ACCOUNT}:{OTHER}", Status.NOT_COLLECTED),
    }

    base = ["scan", str(saved), "--rules-dir", str(rules), "--rule", "TST-KMS-001", "-q"]
    assert _exit_code([*base, "--unknown", "fail"], capsys) == 3
    assert _exit_code([*base, "--unknown", "warn"], capsys) == 0


def _exit_code(args: list[str], capsys: pytest.CaptureFixture[str]) -> int:
    with pytest.raises(SystemExit) as caught:
        main(args)
    capsys.readouterr()
    return int(caught.value.code or 0)
