"""TAG-002: resources carry the cost-allocation tags the baseline requires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.bundled.rules.tags import attributable

from scanner.engine.python_rules import rule
from scanner.engine.verdict import Verdict
from scanner.inventory.model import Inventory, Resource

# Types AWS does not let you tag, or records that are not resources of their own.
UNTAGGABLE = frozenset(
    {
        "aws_ce_coverage",
        "aws_cloudwatch_dashboard",
        "aws_organizations_organization",
        "aws_organizations_policy_attachment",
        "aws_route53_record",
        "aws_shield_subscription",
        "aws_config_configuration_recorder",
        "aws_config_delivery_channel",
        "aws_autoscaling_schedule",
        "aws_db_instance_automated_backups_replication",
        "aws_main_route_table_association",
        "aws_route_table_association",
        "aws_iam_role_policy_attachment",
        "aws_iam_role_policy",
    }
)

# Taggable types whose tags the live collectors do not read: judged on plans only.
TAGS_NOT_COLLECTED_LIVE = frozenset(
    {
        "aws_budgets_budget",
        "aws_ce_anomaly_monitor",
        "aws_ce_anomaly_subscription",
        "aws_shield_protection",
    }
)


@rule(
    id="TAG-002",
    title="Resources carry the required cost-allocation tags",
    severity="low",
    description=(
        "Every taggable AWS resource carries each tag key listed in the baseline's "
        "tags.required (Environment, Owner, CostCenter) with a non-empty value."
    ),
    seed="Cost Management",
    rationale=(
        "Cost allocation reports, showback per team and the per-environment budget figures "
        "group spend by these tags; untagged spend lands in an unattributed bucket."
    ),
    remediation=(
        "Terraform: set the keys in the provider's default_tags block (covers every resource "
        "of the plan) or in the resource's tags. Live: `aws resourcegroupstaggingapi "
        "tag-resources --resource-arn-list ... --tags Owner=...,CostCenter=...`, and activate "
        "the keys as cost allocation tags in the Billing console."
    ),
    inputs=["plan", "live"],
    reads=[],
    baseline_paths=["tags.required"],
    frameworks={"well_architected": "COST03-BP02", "cis": None},
)
def tag_002(inventory: Inventory, baseline: dict[str, Any]) -> Iterator[Verdict]:
    """One verdict per taggable resource: PASS, FAIL (keys missing) or UNKNOWN (tags unknown)."""
    required = [str(key) for key in baseline.get("tags", {}).get("required", [])]
    if not required:
        return
    for resource in inventory.resources:
        if taggable(resource):
            yield _judge(resource, required)


# Name endings of Terraform types that link or configure another resource and take no tags.
UNTAGGABLE_SUFFIXES = ("_attachment", "_association", "_alias", "_rotation", "_status")


def taggable(resource: Resource) -> bool:
    """AWS resources that take tags of their own and whose tags the source shows."""
    if not attributable(resource) or resource.type in UNTAGGABLE:
        return False
    if resource.type.endswith(UNTAGGABLE_SUFFIXES):
        return False
    if resource.source == "plan" and not resource.mapped:
        # Raw planned values: Terraform lists tags/tags_all for every taggable type.
        fields = {"tags", "tags_all"}
        return bool(fields & set(resource.attributes) or fields & set(resource.unknown))
    if resource.attributes.get("is_default") is True:
        return False  # created by AWS in every account and region (default VPC, subnet, NACL)
    if resource.type == "aws_organizations_policy" and resource.attributes.get("aws_managed"):
        return False  # AWS-managed policies (FullAWSAccess) cannot be tagged
    return not (resource.source == "live" and resource.type in TAGS_NOT_COLLECTED_LIVE)


def _judge(resource: Resource, required: list[str]) -> Verdict:
    present = {key for key, value in resource.tags.items() if str(value).strip()}
    missing = [key for key in required if key not in present]
    lowered = {key.lower(): key for key in present}
    hints = [f"{key} (found {lowered[key.lower()]!r})" for key in missing if key.lower() in lowered]
    actual = sorted(key for key in required if key in present)
    if not missing:
        status, message = "PASS", f"{resource.id} carries {', '.join(required)}"
    elif "tags" in resource.unknown:
        status = "UNKNOWN"
        message = f"{resource.id}: tags are known only after apply; missing so far: " + ", ".join(
            missing
        )
    else:
        status = "FAIL"
        detail = f"; case differs: {', '.join(hints)}" if hints else ""
        message = f"{resource.id} lacks {', '.join(missing)}{detail}"
    return Verdict(
        resource=resource.id,
        status=status,
        message=message,
        expected=required,
        actual=actual,
    )
