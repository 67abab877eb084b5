"""Direct Connect: dedicated connections and Direct Connect gateways (NET-012).

Connections are regional. A Direct Connect gateway is global: every region's endpoint
lists all of the account's gateways, so they are read once, in us-east-1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

GATEWAY_REGION = "us-east-1"


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_dx_connection per connection; aws_dx_gateway once per account, from us-east-1."""
    dx = ctx.client("directconnect")
    for connection in _connections(ctx, dx):
        yield _connection(ctx, connection)
    if not ctx.home:
        return
    home = ctx.client("directconnect", GATEWAY_REGION)
    gateways = ctx.paginate(home, "describe_direct_connect_gateways", "directConnectGateways")
    for gateway in gateways:
        yield _gateway(ctx, gateway)


def _connections(ctx: CollectContext, client: Any) -> Iterator[dict[str, Any]]:
    """Every connection of the region (DescribeConnections has no botocore paginator)."""
    params: dict[str, Any] = {}
    while True:
        page = ctx.call(client, "describe_connections", **params)
        yield from page.get("connections") or []
        token = page.get("nextToken")
        if not token:
            return
        params["nextToken"] = token


def _connection(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    return ctx.resource(
        item["connectionId"],
        "aws_dx_connection",
        name=item.get("connectionName"),
        tags=tags_of(item.get("tags")),
        attributes={
            "name": item.get("connectionName"),
            "bandwidth": item.get("bandwidth"),
            "location": item.get("location"),
            "state": item.get("connectionState"),
            "provider_name": item.get("providerName") or item.get("partnerName"),
            "has_logical_redundancy": item.get("hasLogicalRedundancy"),
            "encryption_mode": item.get("encryptionMode"),
        },
    )


def _gateway(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    return ctx.resource(
        item["directConnectGatewayId"],
        "aws_dx_gateway",
        region=GATEWAY_REGION,
        name=item.get("directConnectGatewayName"),
        tags=tags_of(item.get("tags")),
        attributes={
            "name": item.get("directConnectGatewayName"),
            "amazon_side_asn": item.get("amazonSideAsn"),
            "state": item.get("directConnectGatewayState"),
            "owner_account_id": item.get("ownerAccount"),
        },
    )


SPEC = ServiceSpec(
    name="directconnect",
    collect=collect,
    permissions=(
        "directconnect:DescribeConnections",
        "directconnect:DescribeDirectConnectGateways",
    ),
    scope=Scope.REGIONAL,
    types=("aws_dx_connection", "aws_dx_gateway"),
)
