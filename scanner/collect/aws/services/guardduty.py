"""GuardDuty: detectors and whether they are enabled (SEC-005).

A region without a detector is a valid, successful answer (no resource): rules decide.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_guardduty_detector per detector of the region (at most one in AWS)."""
    client = ctx.client("guardduty")
    for detector_id in ctx.paginate(client, "list_detectors", "DetectorIds"):
        detector = ctx.call(client, "get_detector", DetectorId=detector_id)
        yield ctx.resource(
            f"arn:aws:guardduty:{ctx.region}:{ctx.account}:detector/{detector_id}",
            "aws_guardduty_detector",
            name=detector_id,
            tags={str(k): str(v) for k, v in (detector.get("Tags") or {}).items()},
            attributes={
                "detector_id": detector_id,
                "status": detector.get("Status"),
                "finding_publishing_frequency": detector.get("FindingPublishingFrequency"),
            },
        )


SPEC = ServiceSpec(
    name="guardduty",
    collect=collect,
    permissions=("guardduty:ListDetectors", "guardduty:GetDetector"),
    scope=Scope.REGIONAL,
    types=("aws_guardduty_detector",),
)
