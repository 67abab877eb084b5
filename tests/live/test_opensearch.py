"""OpenSearch collector against a moto server: encryption, HTTPS, sizing, batches of five."""

from __future__ import annotations

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.iam_policy import iam_action
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import opensearch
from scanner.inventory.model import CoverageStatus


def seed(moto: Seeder) -> str:
    """A hardened log domain and six plain ones in us-west-2 (more than one describe batch)."""
    client = moto.client("opensearch", "us-west-2")
    logs = client.create_domain(
        DomainName="logs",
        EngineVersion="OpenSearch_2.11",
        ClusterConfig={
            "InstanceType": "r6g.large.search",
            "InstanceCount": 3,
            "ZoneAwarenessEnabled": True,
        },
        EncryptionAtRestOptions={"Enabled": True},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={
            "EnforceHTTPS": True,
            "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
        },
        TagList=[{"Key": "Environment", "Value": "shared"}],
    )["DomainStatus"]
    for n in range(6):
        client.create_domain(DomainName=f"plain-{n}")
    return str(logs["ARN"])


def test_domains_in_canonical_shape(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    arn = seed(moto)
    moto.client("opensearch", "us-east-1").create_domain(DomainName="dr-logs")
    inventory = audit(["opensearch"], regions=["us-west-2", "us-east-1"])
    domains = {r.name: r for r in inventory.resources if r.type == "aws_opensearch_domain"}
    assert len(domains) == 8
    logs = domains["logs"]
    assert (logs.id, logs.region) == (arn, "us-west-2")
    assert logs.tags == {"Environment": "shared"}
    assert logs.attributes == {
        "domain_name": "logs",
        "engine_version": "OpenSearch_2.11",
        "encrypt_at_rest": True,
        "node_to_node_encryption": True,
        "enforce_https": True,
        "tls_security_policy": "Policy-Min-TLS-1-2-2019-07",
        "instance_type": "r6g.large.search",
        "instance_count": 3,
        "zone_awareness_enabled": True,
        "dedicated_master_enabled": False,
        "in_vpc": False,
    }
    plain = domains["plain-5"].attributes
    assert (plain["encrypt_at_rest"], plain["node_to_node_encryption"]) == (False, False)
    assert plain["enforce_https"] is False
    assert domains["dr-logs"].region == "us-east-1"
    ledger = {(e.region, e.status) for e in inventory.coverage if e.service == "opensearch"}
    assert ledger == {("us-west-2", CoverageStatus.OK), ("us-east-1", CoverageStatus.OK)}


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed(moto)
    ctx = CollectContext(
        DEFAULT_ACCOUNT, "us-west-2", lambda service, region: moto.client(service, region)
    )
    assert len(list(opensearch.SPEC.collect(ctx))) == 7
    # botocore calls the service "opensearch"; IAM's prefix is "es"
    assert {iam_action(call) for call in ctx.calls} == set(opensearch.SPEC.permissions)
