"""Pagination fails closed: every page or a CollectionFailure, never a short list.

moto answers most listings in one page whatever the page size, so a collector that stops
after page 1 passes every moto test. Two ways around it:

- ``CollectContext.paginate`` alone runs the real botocore paginator on pages served by
  botocore's ``Stubber`` (used for this unit only; everything else goes over HTTP);
- the KMS collector end to end reads recorded pages that the fault proxy serves in place
  of moto's single page, one key per page, while the per-key calls still reach moto.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.errors import CollectionFailure
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.options import AwsOptions
from scanner.inventory.model import CoverageStatus, Inventory
from tests.live.fault_proxy import Fault, FaultKind, FaultProxy, fault_proxy, share_botocore_models

REGION = "us-east-1"
ARN = "arn:aws:kms:us-east-1:123456789012:key/"


def key(n: int) -> dict[str, str]:
    """One ListKeys item."""
    return {"KeyId": f"key-{n}", "KeyArn": f"{ARN}key-{n}"}


def stubbed_kms() -> tuple[Any, CollectContext]:
    """A KMS client that never leaves the process, and a context handing it out."""
    client = boto3.client(
        "kms", region_name=REGION, aws_access_key_id="stub", aws_secret_access_key="stub"
    )
    return client, CollectContext(DEFAULT_ACCOUNT, REGION, lambda _service, _region: client)


PAGES = [
    ({}, {"Keys": [key(1), key(2)], "NextMarker": "m2", "Truncated": True}),
    ({"Marker": "m2"}, {"Keys": [key(3), key(4)], "NextMarker": "m3", "Truncated": True}),
    ({"Marker": "m3"}, {"Keys": [key(5)], "Truncated": False}),
]


def test_complete_listing_yields_every_item_of_every_page() -> None:
    client, ctx = stubbed_kms()
    with Stubber(client) as stub:
        for expected, page in PAGES:
            stub.add_response("list_keys", page, expected_params=expected)
        items = list(ctx.paginate(client, "list_keys", "Keys"))
        stub.assert_no_pending_responses()
    assert [item["KeyId"] for item in items] == [f"key-{n}" for n in range(1, 6)]
    assert ctx.calls == ["kms:ListKeys"]


@pytest.mark.parametrize(
    ("code", "http", "status"),
    [
        ("ThrottlingException", 400, CoverageStatus.THROTTLED),
        ("AccessDeniedException", 400, CoverageStatus.DENIED),
        ("KMSInternalException", 500, CoverageStatus.ERROR),
    ],
)
def test_error_on_page_three_raises_never_a_short_list(
    code: str, http: int, status: CoverageStatus
) -> None:
    client, ctx = stubbed_kms()
    seen: list[str] = []
    with Stubber(client) as stub:
        for expected, page in PAGES[:2]:
            stub.add_response("list_keys", page, expected_params=expected)
        stub.add_client_error(
            "list_keys",
            service_error_code=code,
            service_message="page three failed",
            http_status_code=http,
            expected_params={"Marker": "m3"},
        )
        with pytest.raises(CollectionFailure) as failure:
            for item in ctx.paginate(client, "list_keys", "Keys"):
                seen.append(item["KeyId"])
        stub.assert_no_pending_responses()
    assert failure.value.status == status
    assert failure.value.api_call == "kms:ListKeys"
    assert code in failure.value.message
    # The items of pages 1-2 came out before the failure: the caller must drop them, and
    # the framework records the scope as not collected (see the end-to-end test below).
    assert seen == ["key-1", "key-2", "key-3", "key-4"]


def test_timeout_on_page_three_raises_timeout() -> None:
    client, ctx = stubbed_kms()
    pages = iter(PAGES[:2])

    def serve(**_: Any) -> tuple[Any, dict[str, Any]]:
        """Pages 1 and 2, then a read timeout (what botocore raises after its retries)."""
        try:
            _expected, page = next(pages)
        except StopIteration:
            raise ReadTimeoutError(endpoint_url=f"https://kms.{REGION}.amazonaws.com/") from None
        return _http_ok(), page

    client.meta.events.register_first("before-call.kms.ListKeys", serve)
    with pytest.raises(CollectionFailure) as failure:
        list(ctx.paginate(client, "list_keys", "Keys"))
    assert failure.value.status == CoverageStatus.TIMEOUT
    assert failure.value.api_call == "kms:ListKeys"


def _http_ok() -> Any:
    from botocore.awsrequest import AWSResponse

    return AWSResponse(f"https://kms.{REGION}.amazonaws.com/", 200, {}, None)


# --- the KMS collector end to end, on recorded pages served by the proxy -----------------


@pytest.fixture(autouse=True)
def _shared_models(monkeypatch: pytest.MonkeyPatch) -> None:
    share_botocore_models(monkeypatch)


@pytest.fixture
def proxy(moto: Seeder) -> Iterator[FaultProxy]:
    """The fault proxy in front of the session's (clean) moto server."""
    with fault_proxy(moto.url, hang_seconds=10.0) as running:
        yield running


def serve_key_pages(proxy: FaultProxy, keys: list[dict[str, str]], last: Fault | None) -> None:
    """ListKeys answered one key per page; ``last`` replaces the final page when given."""
    faults: list[Fault] = []
    for index, item in enumerate(keys):
        more = index < len(keys) - 1
        page: dict[str, Any] = {"Keys": [item], "Truncated": more}
        if more:
            page["NextMarker"] = f"page-{index + 2}"
        faults.append(
            Fault(
                "kms",
                FaultKind.RESPOND,
                action="ListKeys",
                body=json.dumps(page),
                body_contains=f'"page-{index + 1}"' if index else None,
            )
        )
    if last is not None:
        last.body_contains = f'"page-{len(keys)}"'
        faults[-1] = last
    for fault in reversed(faults):  # the page-less first request matches last
        proxy.add(fault)


def seed_keys(moto: Seeder, count: int) -> list[dict[str, str]]:
    """``count`` customer keys in moto, as ListKeys items."""
    kms = moto.client("kms", REGION)
    made = [kms.create_key(Description=f"key {n}")["KeyMetadata"] for n in range(count)]
    return [{"KeyId": meta["KeyId"], "KeyArn": meta["Arn"]} for meta in made]


def collect(proxy: FaultProxy, **options: Any) -> Inventory:
    settings: dict[str, Any] = {"max_attempts": 1, "read_timeout": 5.0}
    settings.update(options)
    return collect_live(
        AwsOptions(endpoint_url=proxy.url, regions=[REGION], services=["kms"], **settings)
    )


def test_collector_reads_every_page(moto: Seeder, proxy: FaultProxy) -> None:
    keys = seed_keys(moto, 3)
    serve_key_pages(proxy, keys, last=None)
    inventory = collect(proxy)
    assert [(e.service, e.status) for e in inventory.coverage] == [("kms", CoverageStatus.OK)]
    assert {r.id for r in inventory.resources} == {item["KeyArn"] for item in keys}
    assert proxy.count("kms", "ListKeys", "respond") == 3
    assert proxy.count("kms", "ListKeys", "forwarded") == 0
    assert proxy.count("kms", "DescribeKey", "forwarded") == 3


def test_collector_page_three_failure_is_not_a_short_listing(
    moto: Seeder, proxy: FaultProxy
) -> None:
    keys = seed_keys(moto, 3)
    serve_key_pages(proxy, keys, last=Fault("kms", FaultKind.THROTTLE, action="ListKeys"))
    inventory = collect(proxy, max_attempts=2)
    [entry] = inventory.coverage
    assert (entry.service, entry.status, entry.api_call) == (
        "kms",
        CoverageStatus.THROTTLED,
        "kms:ListKeys",
    )
    assert proxy.count("kms", "ListKeys", "respond") == 2
    assert proxy.count("kms", "ListKeys", "throttle") >= 2  # retried, then given up
