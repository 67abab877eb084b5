"""Route 53 collector against a moto server: failover records with a health check, private zone."""

from __future__ import annotations

from typing import Any

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import route53
from scanner.inventory.model import CoverageStatus

ALB_DNS = "prod-alb-1.us-west-2.elb.amazonaws.com"
ALB_ZONE = "Z1H1FL5HABSF5"


def seed_dns(moto: Seeder) -> dict[str, Any]:
    """example.com: PRIMARY (alias, health-checked) and SECONDARY app records; a private zone."""
    client = moto.client("route53")
    zone = client.create_hosted_zone(Name="example.com", CallerReference="public")["HostedZone"]
    client.change_tags_for_resource(
        ResourceType="hostedzone",
        ResourceId=route53.zone_id(zone),
        AddTags=[{"Key": "Environment", "Value": "prod"}],
    )
    check = client.create_health_check(
        CallerReference="app",
        HealthCheckConfig={
            "Type": "HTTPS",
            "FullyQualifiedDomainName": "app.example.com",
            "Port": 443,
            "ResourcePath": "/health",
            "RequestInterval": 30,
            "FailureThreshold": 3,
        },
    )["HealthCheck"]
    primary = {
        "Name": "app.example.com",
        "Type": "A",
        "SetIdentifier": "primary",
        "Failover": "PRIMARY",
        "HealthCheckId": check["Id"],
        "AliasTarget": {"HostedZoneId": ALB_ZONE, "DNSName": ALB_DNS, "EvaluateTargetHealth": True},
    }
    secondary = {
        "Name": "app.example.com",
        "Type": "A",
        "SetIdentifier": "secondary",
        "Failover": "SECONDARY",
        "TTL": 60,
        "ResourceRecords": [{"Value": "192.0.2.10"}],
    }
    client.change_resource_record_sets(
        HostedZoneId=zone["Id"],
        ChangeBatch={
            "Changes": [
                {"Action": "CREATE", "ResourceRecordSet": record} for record in (primary, secondary)
            ]
        },
    )
    vpc = moto.client("ec2", "us-west-2").create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    private = client.create_hosted_zone(
        Name="internal.example.com",
        CallerReference="private",
        VPC={"VPCRegion": "us-west-2", "VPCId": vpc},
        HostedZoneConfig={"PrivateZone": True, "Comment": "internal"},
    )["HostedZone"]
    return {
        "zone": route53.zone_id(zone),
        "private": route53.zone_id(private),
        "check": check["Id"],
        "vpc": vpc,
    }


def test_zones_failover_records_and_health_checks(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    seeded = seed_dns(moto)
    inventory = audit(["route53"])
    found = inventory.by_id()
    zone_id = seeded["zone"]

    zone = found[zone_id]
    assert (zone.type, zone.name) == ("aws_route53_zone", "example.com")
    assert zone.attributes["private"] is False
    assert zone.tags == {"Environment": "prod"}
    assert zone.refs == {}
    private = found[seeded["private"]]
    assert private.attributes["private"] is True
    assert private.attributes["comment"] == "internal"
    assert private.refs == {"vpcs": [seeded["vpc"]]}

    primary = found[f"{zone_id}_app.example.com_A_primary"]
    assert primary.type == "aws_route53_record"
    assert primary.attributes == {
        "name": "app.example.com",
        "type": "A",
        "set_identifier": "primary",
        "failover": "PRIMARY",
        "health_check_id": seeded["check"],
        "alias": {"name": ALB_DNS, "zone_id": ALB_ZONE, "evaluate_target_health": True},
    }
    assert primary.refs == {"zone": zone_id, "health_check": seeded["check"]}
    secondary = found[f"{zone_id}_app.example.com_A_secondary"]
    assert secondary.attributes == {
        "name": "app.example.com",
        "type": "A",
        "set_identifier": "secondary",
        "failover": "SECONDARY",
        "ttl": 60,
        "records": ["192.0.2.10"],
    }
    assert secondary.refs == {"zone": zone_id}
    assert f"{zone_id}_example.com_NS" in found  # records without a set identifier

    check = found[seeded["check"]]
    assert check.type == "aws_route53_health_check"
    assert {k: check.attributes[k] for k in ("type", "fqdn", "port", "resource_path")} == {
        "type": "HTTPS",
        "fqdn": "app.example.com",
        "port": 443,
        "resource_path": "/health",
    }
    assert check.attributes["failure_threshold"] == 3
    assert [(e.region, e.service, e.status) for e in inventory.coverage] == [
        ("global", "route53", CoverageStatus.OK)
    ]


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    seed_dns(moto)
    ctx = CollectContext(DEFAULT_ACCOUNT, "us-east-1", lambda s, r: moto.client(s, r))
    kinds = {r.type for r in route53.SPEC.collect(ctx)}
    assert kinds == set(route53.SPEC.types)
    assert set(ctx.calls) == set(route53.SPEC.permissions)
