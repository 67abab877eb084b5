"""OpenSearch Service domains (OBS-001); Elasticsearch-engine domains are listed too.

IAM names this service ``es``, while botocore names it ``opensearch``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

Item = dict[str, Any]
DESCRIBE_BATCH = 5  # DescribeDomains takes at most five names


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_opensearch_domain per domain of the region."""
    client = ctx.client("opensearch")
    listed = ctx.call(client, "list_domain_names").get("DomainNames") or []
    names = [item["DomainName"] for item in listed]
    for start in range(0, len(names), DESCRIBE_BATCH):
        batch = names[start : start + DESCRIBE_BATCH]
        answer = ctx.call(client, "describe_domains", DomainNames=batch)
        for domain in answer.get("DomainStatusList") or []:
            if domain.get("Deleted"):
                continue
            tags = ctx.call(client, "list_tags", ARN=domain["ARN"])
            yield domain_resource(ctx, domain, tags_of(tags.get("TagList")))


def domain_resource(ctx: CollectContext, domain: Item, tags: dict[str, str]) -> Resource:
    """aws_opensearch_domain from DescribeDomains."""
    cluster = domain.get("ClusterConfig") or {}
    at_rest = domain.get("EncryptionAtRestOptions") or {}
    endpoint = domain.get("DomainEndpointOptions") or {}
    vpc = domain.get("VPCOptions") or {}
    refs: dict[str, str | list[str]] = {}
    if vpc.get("SubnetIds"):
        refs["subnets"] = list(vpc["SubnetIds"])
    if vpc.get("SecurityGroupIds"):
        refs["security_groups"] = list(vpc["SecurityGroupIds"])
    if at_rest.get("KmsKeyId"):
        refs["kms_key"] = at_rest["KmsKeyId"]
    return ctx.resource(
        domain["ARN"],
        "aws_opensearch_domain",
        name=domain["DomainName"],
        tags=tags,
        attributes={
            "domain_name": domain["DomainName"],
            "engine_version": domain.get("EngineVersion"),
            "encrypt_at_rest": bool(at_rest.get("Enabled", False)),
            "node_to_node_encryption": bool(
                (domain.get("NodeToNodeEncryptionOptions") or {}).get("Enabled", False)
            ),
            "enforce_https": bool(endpoint.get("EnforceHTTPS", False)),
            "tls_security_policy": endpoint.get("TLSSecurityPolicy"),
            "instance_type": cluster.get("InstanceType"),
            "instance_count": cluster.get("InstanceCount"),
            "zone_awareness_enabled": bool(cluster.get("ZoneAwarenessEnabled", False)),
            "dedicated_master_enabled": bool(cluster.get("DedicatedMasterEnabled", False)),
            "in_vpc": bool(vpc.get("SubnetIds")),
        },
        refs=refs,
    )


SPEC = ServiceSpec(
    name="opensearch",
    collect=collect,
    permissions=("es:ListDomainNames", "es:DescribeDomains", "es:ListTags"),
    scope=Scope.REGIONAL,
    types=("aws_opensearch_domain",),
)
