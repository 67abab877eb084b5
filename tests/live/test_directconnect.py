"""Direct Connect collector against a moto server: connections per region, global gateways.

moto lacks DescribeDirectConnectGateways, so us-east-1 (where gateways are read) cannot be
collected there; gateway shaping is checked with botocore's Stubber.
"""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import directconnect
from scanner.inventory.model import CoverageStatus


def test_connections_of_a_region(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    client = moto.client("directconnect", "us-west-2")
    created = client.create_connection(
        location="EqSe2",
        bandwidth="10Gbps",
        connectionName="network-dx",
        tags=[{"key": "Environment", "value": "network"}],
    )
    # us-east-1 is the home task (it also reads the account's gateways, which moto lacks),
    # so us-west-2 holds just the connection.
    inventory = audit(["directconnect"], regions=["us-west-2", "us-east-1"])
    [connection] = inventory.resources
    assert (connection.id, connection.type) == (created["connectionId"], "aws_dx_connection")
    assert (connection.name, connection.region) == ("network-dx", "us-west-2")
    assert connection.tags == {"Environment": "network"}
    assert {k: connection.attributes[k] for k in ("name", "bandwidth", "location", "state")} == {
        "name": "network-dx",
        "bandwidth": "10Gbps",
        "location": "EqSe2",
        "state": "available",
    }
    assert sorted((e.region, e.status) for e in inventory.coverage) == [
        ("us-east-1", CoverageStatus.UNSUPPORTED),
        ("us-west-2", CoverageStatus.OK),
    ]


def test_gateways_are_read_in_us_east_1_where_moto_lacks_them(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    inventory = audit(["directconnect"], regions=["us-east-1", "us-west-2"])
    ledger = {e.region: e for e in inventory.coverage}
    assert ledger["us-west-2"].status == CoverageStatus.OK
    assert ledger["us-east-1"].status == CoverageStatus.UNSUPPORTED
    assert ledger["us-east-1"].api_call == "directconnect:DescribeDirectConnectGateways"


def test_gateways_are_shaped_from_real_answers() -> None:
    client = boto3.client(
        "directconnect", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    gateway = {
        "directConnectGatewayId": "5f294f92-bafb-4011-916d-9b0bec385e62",
        "directConnectGatewayName": "network-dxgw",
        "amazonSideAsn": 64512,
        "ownerAccount": DEFAULT_ACCOUNT,
        "directConnectGatewayState": "available",
    }
    with Stubber(client) as stub:
        stub.add_response("describe_connections", {"connections": []}, {})
        stub.add_response("describe_direct_connect_gateways", {"directConnectGateways": [gateway]})
        ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: client, home=True)
        [found] = directconnect.SPEC.collect(ctx)
        stub.assert_no_pending_responses()
    assert (found.id, found.type, found.name) == (
        gateway["directConnectGatewayId"],
        "aws_dx_gateway",
        "network-dxgw",
    )
    assert found.attributes == {
        "name": "network-dxgw",
        "amazon_side_asn": 64512,
        "state": "available",
        "owner_account_id": DEFAULT_ACCOUNT,
    }
    assert set(ctx.calls) == set(directconnect.SPEC.permissions)
