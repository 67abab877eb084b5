"""Mappers for edge, observability and DR types: CloudFront, WAF, Shield, Route 53, OpenSearch,
X-Ray and CloudWatch dashboards.

Attribute names follow the live collectors (``services/cloudfront.py``, ``wafv2.py``,
``shield.py``, ``route53.py``, ``opensearch.py``). ``aws_wafv2_web_acl_association``
instances are folded into their web ACL's ``refs.resources`` (the association itself stays
an unmapped record of the plan). X-Ray and dashboards have no live collector yet: their
attributes are the few OBS-002 needs.
"""

from __future__ import annotations

from typing import Any

from scanner.collect.terraform.mapping import (
    ABSENT,
    LOAD_BALANCER,
    UNKNOWN,
    MapContext,
    PathStep,
    to_bool,
    to_int,
)
from scanner.collect.terraform.walk import Instance

WEB_ACL = frozenset({"aws_wafv2_web_acl"})
DISTRIBUTION = frozenset({"aws_cloudfront_distribution"})
HOSTED_ZONE = frozenset({"aws_route53_zone"})
HEALTH_CHECK = frozenset({"aws_route53_health_check"})
ASSOCIATION = "aws_wafv2_web_acl_association"


def _block_bool(ctx: MapContext, name: str, *path: PathStep, default: bool = False) -> None:
    """A boolean read from an optional single nested block (absent block: ``default``)."""
    found = ctx.get(*path)
    if found is UNKNOWN:
        ctx.mark_unknown(name)
    elif found is ABSENT or found is None:
        count = ctx.count(*path[:-2]) if len(path) > 2 else 0
        if count is UNKNOWN:
            ctx.mark_unknown(name)
        else:
            ctx.set(name, default)
    else:
        ctx.set(name, bool(to_bool(found)))


def map_cloudfront_distribution(ctx: MapContext) -> None:
    """aws_cloudfront_distribution: origins (linked to load balancers), TLS floor, geo, WAF."""
    ctx.copy("distribution_id", "id")
    ctx.copy("domain_name", "domain_name")
    ctx.copy("enabled", "enabled", convert=to_bool)
    ctx.copy("status", "status")
    ctx.copy("aliases", "aliases", convert=lambda v: sorted(v or []))
    ctx.copy("price_class", "price_class")
    _origins(ctx)
    behavior = ctx.get("default_cache_behavior", 0, partial=True)
    if behavior is UNKNOWN:
        ctx.mark_unknown("default_cache_behavior")
    elif isinstance(behavior, dict):
        compress = ctx.get("default_cache_behavior", 0, "compress")
        if compress is UNKNOWN:
            ctx.mark_unknown("default_cache_behavior")
        ctx.set(
            "default_cache_behavior",
            {
                "compress": bool(to_bool(compress)) if compress is not UNKNOWN else None,
                "viewer_protocol_policy": ctx.value(
                    "default_cache_behavior", 0, "viewer_protocol_policy"
                ),
                "target_origin_id": ctx.value("default_cache_behavior", 0, "target_origin_id"),
            },
        )
    default_cert = ctx.get("viewer_certificate", 0, "cloudfront_default_certificate")
    ctx.set("cloudfront_default_certificate", to_bool(default_cert))
    if to_bool(default_cert) is True:
        ctx.set("minimum_protocol_version", "TLSv1")  # what AWS applies to its default certificate
    else:
        ctx.copy("minimum_protocol_version", "viewer_certificate", 0, "minimum_protocol_version")
    geo = ctx.get("restrictions", 0, "geo_restriction", 0)
    if geo is UNKNOWN:
        ctx.mark_unknown("geo_restriction")
    elif isinstance(geo, dict):
        ctx.set(
            "geo_restriction",
            {
                "restriction_type": geo.get("restriction_type") or "none",
                "locations": sorted(geo.get("locations") or []),
            },
        )
    acl = ctx.get("web_acl_id")
    if acl is UNKNOWN:
        ctx.mark_unknown("web_acl_id")
    else:
        ctx.set("web_acl_id", acl or None)
    ctx.ref("web_acl", "web_acl_id", targets=WEB_ACL)
    ctx.name_from(ctx.value("id"))


def _origins(ctx: MapContext) -> None:
    count = ctx.count("origin")
    if count is UNKNOWN:
        ctx.mark_unknown("origins")
        ctx.mark_unknown("refs.origins")
        return
    origins: list[dict[str, Any]] = []
    linked: list[str] = []
    for pos in range(count):
        domain = ctx.get("origin", pos, "domain_name")
        origins.append(
            {
                "domain_name": None if domain is UNKNOWN or domain is ABSENT else domain,
                "id": ctx.value("origin", pos, "origin_id"),
            }
        )
        result = ctx.resolve("origin", pos, "domain_name", targets=LOAD_BALANCER)
        if isinstance(result.value, str) and result.value:
            linked.append(result.value)
        elif domain is UNKNOWN or result.unresolved:
            ctx.mark_unknown("refs.origins")
    ctx.set("origins", origins)
    if linked:
        ctx.refs["origins"] = sorted(set(linked))


def map_wafv2_web_acl(ctx: MapContext) -> None:
    """aws_wafv2_web_acl, with the resources of the associations that name it."""
    ctx.copy("arn", "arn")
    ctx.copy("name", "name")
    ctx.copy("scope", "scope")
    default = ctx.get("default_action", 0)
    if isinstance(default, dict):
        ctx.set("default_action", "block" if default.get("block") else "allow")
    count = ctx.count("rule")
    if count is UNKNOWN:
        ctx.mark_unknown("rules")
    else:
        ctx.set("rules", [_waf_rule(ctx, pos) for pos in range(count)])
    resources, unresolved = _associations(ctx)
    if resources:
        ctx.refs["resources"] = resources
    if unresolved:
        ctx.mark_unknown("refs.resources")
    ctx.name_from(ctx.value("name"))


def _waf_rule(ctx: MapContext, pos: int) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "name": ctx.value("rule", pos, "name"),
        "priority": to_int(ctx.value("rule", pos, "priority")),
    }
    managed = ctx.value("rule", pos, "statement", 0, "managed_rule_group_statement", 0)
    if isinstance(managed, dict):
        rule["managed_rule_group"] = {
            "vendor": managed.get("vendor_name"),
            "name": managed.get("name"),
        }
    reference = ctx.value("rule", pos, "statement", 0, "rule_group_reference_statement", 0)
    if isinstance(reference, dict):
        rule["rule_group_arn"] = reference.get("arn")
    override = ctx.value("rule", pos, "override_action", 0)
    if isinstance(override, dict):
        rule["override_action"] = "count" if override.get("count") else "none"
    action = ctx.value("rule", pos, "action", 0)
    if isinstance(action, dict):
        chosen = [key for key, value in action.items() if value]
        if chosen:
            rule["action"] = chosen[0]
    return rule


def _associations(ctx: MapContext) -> tuple[list[str], bool]:
    """Resources of every association whose ``web_acl_arn`` resolves to this web ACL."""
    found: list[str] = []
    unresolved = False
    instances: list[Instance] = ctx.resolver.index.by_type.get(ASSOCIATION, [])
    for association in instances:
        actx = MapContext(association, ctx.resolver)
        acl = actx.resolve("web_acl_arn", targets=WEB_ACL)
        if acl.value != ctx.instance.address:
            continue
        target = actx.resolve("resource_arn", targets=LOAD_BALANCER)
        if isinstance(target.value, str) and target.value:
            if target.value not in found:
                found.append(target.value)
        elif target.unresolved:
            unresolved = True
    return sorted(found), unresolved


def map_shield_protection(ctx: MapContext) -> None:
    """aws_shield_protection."""
    ctx.copy("name", "name")
    ctx.copy("resource_arn", "resource_arn")
    ctx.ref("resource", "resource_arn", targets=DISTRIBUTION | LOAD_BALANCER)
    ctx.name_from(ctx.value("name"))


def map_route53_record(ctx: MapContext) -> None:
    """aws_route53_record: failover policy, health check and alias."""
    name = ctx.value("name")
    ctx.set("name", name.rstrip(".").lower() if isinstance(name, str) else None)
    ctx.copy("type", "type")
    ctx.copy("set_identifier", "set_identifier")
    failover = ctx.get("failover_routing_policy", 0, "type")
    if failover is UNKNOWN:
        ctx.mark_unknown("failover")
    elif isinstance(failover, str):
        ctx.set("failover", failover.upper())
    ctx.copy("health_check_id", "health_check_id")
    alias = ctx.value("alias", 0)
    if isinstance(alias, dict):
        target = alias.get("name")
        ctx.set(
            "alias",
            {
                "name": target.rstrip(".").lower() if isinstance(target, str) else None,
                "zone_id": alias.get("zone_id"),
                "evaluate_target_health": bool(to_bool(alias.get("evaluate_target_health"))),
            },
        )
    else:
        ctx.copy("ttl", "ttl", convert=to_int)
        ctx.copy("records", "records")
    ctx.ref("zone", "zone_id", targets=HOSTED_ZONE)
    ctx.ref("health_check", "health_check_id", targets=HEALTH_CHECK)
    ctx.name_from(ctx.value("name"))


def map_route53_health_check(ctx: MapContext) -> None:
    """aws_route53_health_check."""
    ctx.copy("type", "type")
    ctx.copy("fqdn", "fqdn")
    ctx.copy("ip_address", "ip_address")
    ctx.copy("port", "port", convert=to_int)
    ctx.copy("resource_path", "resource_path")
    ctx.copy("request_interval", "request_interval", convert=to_int)
    ctx.copy("failure_threshold", "failure_threshold", convert=to_int)
    ctx.copy("disabled", "disabled", convert=to_bool)
    ctx.copy("inverted", "inverted", convert=to_bool)


def map_opensearch_domain(ctx: MapContext) -> None:
    """aws_opensearch_domain: encryption (absent blocks are off), HTTPS, sizing."""
    ctx.copy("domain_name", "domain_name")
    ctx.copy("engine_version", "engine_version")
    _block_bool(ctx, "encrypt_at_rest", "encrypt_at_rest", 0, "enabled")
    _block_bool(ctx, "node_to_node_encryption", "node_to_node_encryption", 0, "enabled")
    _block_bool(ctx, "enforce_https", "domain_endpoint_options", 0, "enforce_https")
    ctx.copy("tls_security_policy", "domain_endpoint_options", 0, "tls_security_policy")
    ctx.copy("instance_type", "cluster_config", 0, "instance_type")
    ctx.copy("instance_count", "cluster_config", 0, "instance_count", convert=to_int)
    ctx.copy(
        "zone_awareness_enabled", "cluster_config", 0, "zone_awareness_enabled", convert=to_bool
    )
    ctx.copy(
        "dedicated_master_enabled",
        "cluster_config",
        0,
        "dedicated_master_enabled",
        convert=to_bool,
    )
    vpc = ctx.count("vpc_options")
    if vpc is UNKNOWN:
        ctx.mark_unknown("in_vpc")
    else:
        ctx.set("in_vpc", vpc > 0)
    ctx.name_from(ctx.value("domain_name"))


def map_xray_group(ctx: MapContext) -> None:
    """aws_xray_group (no live collector yet)."""
    ctx.copy("group_name", "group_name")
    ctx.copy("filter_expression", "filter_expression")
    ctx.name_from(ctx.value("group_name"))


def map_xray_sampling_rule(ctx: MapContext) -> None:
    """aws_xray_sampling_rule (no live collector yet)."""
    ctx.copy("rule_name", "rule_name")
    ctx.copy("service_name", "service_name")
    ctx.copy("fixed_rate", "fixed_rate")
    ctx.name_from(ctx.value("rule_name"))


def map_xray_encryption_config(ctx: MapContext) -> None:
    """aws_xray_encryption_config (no live collector yet)."""
    ctx.copy("type", "type")


def map_cloudwatch_dashboard(ctx: MapContext) -> None:
    """aws_cloudwatch_dashboard: the name only (the body is not read; no live collector yet)."""
    ctx.copy("dashboard_name", "dashboard_name")
    ctx.name_from(ctx.value("dashboard_name"))


EXTRA_MAPPERS = {
    "aws_cloudfront_distribution": map_cloudfront_distribution,
    "aws_wafv2_web_acl": map_wafv2_web_acl,
    "aws_shield_protection": map_shield_protection,
    "aws_route53_record": map_route53_record,
    "aws_route53_health_check": map_route53_health_check,
    "aws_opensearch_domain": map_opensearch_domain,
    "aws_xray_group": map_xray_group,
    "aws_xray_sampling_rule": map_xray_sampling_rule,
    "aws_xray_encryption_config": map_xray_encryption_config,
    "aws_cloudwatch_dashboard": map_cloudwatch_dashboard,
}
