"""Route 53: hosted zones, their records (failover, health checks, aliases), health checks (DR-006).

Names are given as Terraform gives them: lower case, without the trailing dot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

TAG_BATCH = 10  # ListTagsForResources takes at most 10 ids


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """Every hosted zone with its records, and every health check of the account."""
    route53 = ctx.client("route53")
    zones = list(ctx.paginate(route53, "list_hosted_zones", "HostedZones"))
    checks = list(ctx.paginate(route53, "list_health_checks", "HealthChecks"))
    zone_tags = _tags(ctx, route53, "hostedzone", [zone_id(zone) for zone in zones])
    check_tags = _tags(ctx, route53, "healthcheck", [check["Id"] for check in checks])
    for zone in zones:
        yield _zone(ctx, route53, zone, zone_tags.get(zone_id(zone), {}))
        records = ctx.paginate(
            route53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone["Id"]
        )
        for record in records:
            yield _record(ctx, zone_id(zone), record)
    for check in checks:
        yield _health_check(ctx, check, check_tags.get(check["Id"], {}))


def zone_id(zone: dict[str, Any]) -> str:
    """``Z123`` from ``/hostedzone/Z123``."""
    return str(zone["Id"]).rsplit("/", 1)[-1]


def dns_name(name: str | None) -> str | None:
    """Lower case, without the trailing dot (as Terraform stores names)."""
    return name.rstrip(".").lower() if isinstance(name, str) else None


def _tags(ctx: CollectContext, client: Any, kind: str, ids: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(ids), TAG_BATCH):
        answer = ctx.call(
            client,
            "list_tags_for_resources",
            ResourceType=kind,
            ResourceIds=ids[start : start + TAG_BATCH],
        )
        for item in answer.get("ResourceTagSets") or []:
            found[item["ResourceId"]] = tags_of(item.get("Tags"))
    return found


def _zone(ctx: CollectContext, client: Any, zone: dict[str, Any], tags: dict[str, str]) -> Resource:
    private = bool((zone.get("Config") or {}).get("PrivateZone", False))
    refs: dict[str, str | list[str]] = {}
    if private:
        vpcs = ctx.call(client, "get_hosted_zone", Id=zone["Id"]).get("VPCs") or []
        refs["vpcs"] = [vpc["VPCId"] for vpc in vpcs if vpc.get("VPCId")]
    return ctx.resource(
        zone_id(zone),
        "aws_route53_zone",
        name=dns_name(zone.get("Name")),
        tags=tags,
        attributes={
            "name": dns_name(zone.get("Name")),
            "private": private,
            "comment": (zone.get("Config") or {}).get("Comment"),
            "record_count": zone.get("ResourceRecordSetCount"),
        },
        refs=refs,
    )


def _record(ctx: CollectContext, zone: str, record: dict[str, Any]) -> Resource:
    name = dns_name(record.get("Name")) or ""
    kind = record.get("Type")
    identifier = record.get("SetIdentifier")
    attributes: dict[str, Any] = {"name": name, "type": kind}
    if identifier is not None:
        attributes["set_identifier"] = identifier
    if record.get("Failover"):
        attributes["failover"] = record["Failover"]
    if record.get("HealthCheckId"):
        attributes["health_check_id"] = record["HealthCheckId"]
    alias = record.get("AliasTarget")
    if alias:
        attributes["alias"] = {
            "name": dns_name(alias.get("DNSName")),
            "zone_id": alias.get("HostedZoneId"),
            "evaluate_target_health": bool(alias.get("EvaluateTargetHealth", False)),
        }
    else:
        attributes["ttl"] = record.get("TTL")
        attributes["records"] = [item.get("Value") for item in record.get("ResourceRecords") or []]
    refs: dict[str, str | list[str]] = {"zone": zone}
    if record.get("HealthCheckId"):
        refs["health_check"] = record["HealthCheckId"]
    # Terraform's import id: ZONEID_NAME_TYPE[_SET-IDENTIFIER]
    record_id = "_".join(str(part) for part in (zone, name, kind, identifier) if part is not None)
    return ctx.resource(
        record_id, "aws_route53_record", name=name, attributes=attributes, refs=refs
    )


def _health_check(ctx: CollectContext, check: dict[str, Any], tags: dict[str, str]) -> Resource:
    config = check.get("HealthCheckConfig") or {}
    return ctx.resource(
        check["Id"],
        "aws_route53_health_check",
        name=tags.get("Name") or config.get("FullyQualifiedDomainName") or check["Id"],
        tags=tags,
        attributes={
            "type": config.get("Type"),
            "fqdn": config.get("FullyQualifiedDomainName"),
            "ip_address": config.get("IPAddress"),
            "port": config.get("Port"),
            "resource_path": config.get("ResourcePath"),
            "request_interval": config.get("RequestInterval"),
            "failure_threshold": config.get("FailureThreshold"),
            "disabled": bool(config.get("Disabled", False)),
            "inverted": bool(config.get("Inverted", False)),
        },
    )


SPEC = ServiceSpec(
    name="route53",
    collect=collect,
    permissions=(
        "route53:ListHostedZones",
        "route53:GetHostedZone",
        "route53:ListResourceRecordSets",
        "route53:ListHealthChecks",
        "route53:ListTagsForResources",
    ),
    scope=Scope.GLOBAL,
    types=("aws_route53_zone", "aws_route53_record", "aws_route53_health_check"),
)
