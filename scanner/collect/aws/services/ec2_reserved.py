"""EC2 reserved instances (CMP-002), a service of its own so a failure marks only it."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.services.ec2_common import iso, tagged
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_ec2_reserved_instances per reservation of the region, whatever its state."""
    ec2 = ctx.client("ec2")
    for item in ctx.paginate(ec2, "describe_reserved_instances", "ReservedInstances"):
        yield tagged(
            ctx,
            item["ReservedInstancesId"],
            "aws_ec2_reserved_instances",
            item,
            {
                "instance_type": item.get("InstanceType"),
                "instance_count": item.get("InstanceCount"),
                "state": item.get("State"),
                "start": iso(item.get("Start")),
                "end": iso(item.get("End")),
                "duration": item.get("Duration"),
                "offering_type": item.get("OfferingType"),
                "offering_class": item.get("OfferingClass"),
                "scope": item.get("Scope"),
                "availability_zone": item.get("AvailabilityZone"),
                "product_description": item.get("ProductDescription"),
            },
        )


SPEC = ServiceSpec(
    name="ec2-reserved",
    collect=collect,
    permissions=("ec2:DescribeReservedInstances",),
    scope=Scope.REGIONAL,
    types=("aws_ec2_reserved_instances",),
)
