"""The coverage ledger of a plan: one ``ok`` entry per account, region and service seen."""

from __future__ import annotations

from scanner.inventory.model import CoverageEntry, CoverageStatus, Resource
from scanner.inventory.types import SERVICE_OF_TYPE

# Services of type families that the live collector's table does not list, by the
# first words of the type after ``aws_`` (longest prefix wins).
_PREFIX_SERVICE = {
    "api_gateway": "apigateway",
    "cloudwatch_log": "logs",
    "cloudwatch_event": "events",
    "cloudwatch_metric": "cloudwatch",
    "db": "rds",
    "lb": "elbv2",
    "alb": "elbv2",
    "elasticsearch": "es",
    "launch_configuration": "autoscaling",
    "instance": "ec2",
    "eip": "ec2",
    "network": "ec2",
    "flow_log": "ec2",
    "volume_attachment": "ec2",
    "ebs": "ec2",
    "vpc": "ec2",
    "subnet": "ec2",
    "route": "ec2",
    "security_group": "ec2",
    "nat": "ec2",
    "internet_gateway": "ec2",
    "egress_only": "ec2",
    "customer_gateway": "ec2",
    "vpn": "ec2",
    "key_pair": "ec2",
    "ami": "ec2",
    "placement_group": "ec2",
}


def service_of(resource_type: str) -> str | None:
    """The AWS service of a resource type (``aws_iam_role`` -> ``iam``); None if not AWS."""
    if not resource_type.startswith("aws_"):
        return None
    if resource_type.startswith("aws_default_"):
        resource_type = "aws_" + resource_type[len("aws_default_") :]
    known = SERVICE_OF_TYPE.get(resource_type)
    if known:
        return known
    words = resource_type[len("aws_") :].split("_")
    for size in range(len(words), 0, -1):
        service = _PREFIX_SERVICE.get("_".join(words[:size]))
        if service:
            return service
    return words[0] or None


def plan_coverage(resources: list[Resource]) -> list[CoverageEntry]:
    """A plan is complete for what it describes: every (account, region, service) is ``ok``.

    ``account`` and ``region`` are None when the plan does not say.
    """
    seen: dict[tuple[str | None, str | None, str], None] = {}
    for resource in resources:
        service = service_of(resource.type)
        if service:
            seen[(resource.account, resource.region, service)] = None
    ordered = sorted(seen, key=lambda k: (k[0] or "", k[1] or "", k[2]))
    return [
        CoverageEntry(account, region, service, CoverageStatus.OK)  # type: ignore[arg-type]
        for account, region, service in ordered
    ]
