"""Secrets Manager: secrets and whether they rotate (SEC-003).

Only ListSecrets is called: it carries every field needed. Secret values are never read
(no GetSecretValue call, no such permission), so none can reach the inventory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scanner.collect.aws.context import CollectContext, tags_of
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import Resource

RATE_DAYS = re.compile(r"rate\((\d+) days?\)")


def collect(ctx: CollectContext) -> Iterator[Resource]:
    """One aws_secretsmanager_secret per secret of the region (pending deletion excluded)."""
    client = ctx.client("secretsmanager")
    for item in ctx.paginate(client, "list_secrets", "SecretList"):
        yield secret(ctx, item)


def secret(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    """A ListSecrets entry as an aws_secretsmanager_secret."""
    rules = item.get("RotationRules") or {}
    refs: dict[str, str | list[str]] = {}
    key = item.get("KmsKeyId") or ""
    if key.startswith("arn:") and ":key/" in key:
        refs["kms_key"] = key
    return ctx.resource(
        item["ARN"],
        "aws_secretsmanager_secret",
        name=item.get("Name"),
        tags=tags_of(item.get("Tags")),
        attributes={
            "name": item.get("Name"),
            "rotation_enabled": bool(item.get("RotationEnabled", False)),
            "rotation_days": rotation_days(rules),
            "rotation_schedule": rules.get("ScheduleExpression"),
            "kms_key_id_set": bool(key),
            "last_rotated": iso(item.get("LastRotatedDate")),
        },
        refs=refs,
    )


def rotation_days(rules: dict[str, Any]) -> int | None:
    """Days between rotations: AutomaticallyAfterDays, or a ``rate(N days)`` schedule."""
    days = rules.get("AutomaticallyAfterDays")
    if isinstance(days, int):
        return days
    match = RATE_DAYS.fullmatch(str(rules.get("ScheduleExpression") or "").strip())
    return int(match.group(1)) if match else None


def iso(value: Any) -> str | None:
    """A botocore timestamp as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC); None stays None."""
    if not isinstance(value, datetime):
        return None
    moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


SPEC = ServiceSpec(
    name="secretsmanager",
    collect=collect,
    permissions=("secretsmanager:ListSecrets",),
    scope=Scope.REGIONAL,
    types=("aws_secretsmanager_secret",),
)
