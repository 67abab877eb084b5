"""The IAM policy an audit needs: every collector's declared read actions, nothing more.

``python -m scanner.collect.aws.iam_policy --write docs/iam/archscan-readonly.json``
regenerates the documented policy; ``--check PATH`` exits 1 when that file is stale.
:func:`iam_action` turns a call recorded by ``CollectContext`` (``elbv2:DescribeListeners``,
botocore's service and wire operation) into the IAM action that authorizes it
(``elasticloadbalancing:DescribeListeners``), so tests can compare what collectors call
with what they declare.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from scanner.collect.aws import registry
from scanner.collect.aws.spec import ServiceSpec

POLICY_VERSION = "2012-10-17"
STATEMENT_ID = "ArchscanReadOnly"
MANAGED_POLICY_LIMIT = 6144  # characters of a managed policy, whitespace not counted
READ_VERBS = ("Describe", "Get", "List", "View", "Search", "Lookup", "BatchGet")

# IAM service prefixes that differ from the botocore model's signing name.
_PREFIX_OVERRIDES = {"cloudwatch": "cloudwatch", "resourcegroupstaggingapi": "tag"}

# Operations authorized by an IAM action of another name: (service, operation) -> action.
ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "GetBucketLifecycle"): "GetLifecycleConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "GetReplicationConfiguration",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "GetBucketNotificationConfiguration"): "GetBucketNotification",
    ("s3", "GetBucketAccelerateConfiguration"): "GetAccelerateConfiguration",
    ("s3", "GetBucketCors"): "GetBucketCORS",
    ("s3", "GetObjectLockConfiguration"): "GetBucketObjectLockConfiguration",
    ("s3", "GetBucketIntelligentTieringConfiguration"): "GetIntelligentTieringConfiguration",
    ("s3", "ListBucketIntelligentTieringConfigurations"): "GetIntelligentTieringConfiguration",
    ("s3", "GetBucketInventoryConfiguration"): "GetInventoryConfiguration",
    ("s3", "ListBucketInventoryConfigurations"): "GetInventoryConfiguration",
    ("s3", "GetBucketMetricsConfiguration"): "GetMetricsConfiguration",
    ("s3", "ListBucketMetricsConfigurations"): "GetMetricsConfiguration",
    ("s3", "GetBucketAnalyticsConfiguration"): "GetAnalyticsConfiguration",
    ("s3", "ListBucketAnalyticsConfigurations"): "GetAnalyticsConfiguration",
    ("budgets", "DescribeBudgets"): "ViewBudget",
    ("budgets", "DescribeBudget"): "ViewBudget",
    ("budgets", "DescribeBudgetPerformanceHistory"): "ViewBudget",
    ("budgets", "DescribeNotificationsForBudget"): "ViewBudget",
    ("budgets", "DescribeSubscribersForNotification"): "ViewBudget",
}


def policy_document(specs: list[ServiceSpec] | None = None) -> dict[str, Any]:
    """The identity policy allowing exactly the actions the collectors declare."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": STATEMENT_ID,
                "Effect": "Allow",
                "Action": registry.permissions(specs),
                "Resource": "*",
            }
        ],
    }


def render(document: dict[str, Any]) -> str:
    """The policy as the JSON file documents it (stable, two-space indent, final newline)."""
    return json.dumps(document, indent=2) + "\n"


def policy_size(document: dict[str, Any]) -> int:
    """Characters IAM counts against the managed-policy limit (whitespace excluded)."""
    return len(json.dumps(document, separators=(",", ":")))


def not_read_only(actions: Iterable[str]) -> list[str]:
    """Actions whose verb is not a read (Describe, Get, List, ...): a read-only audit has none."""
    return sorted(a for a in actions if not a.split(":", 1)[-1].startswith(READ_VERBS))


def iam_action(call: str) -> str:
    """The IAM action authorizing a recorded call (``botocore-service:WireOperation``)."""
    service, _, operation = call.partition(":")
    return f"{_iam_prefix(service)}:{ACTION_OVERRIDES.get((service, operation), operation)}"


def undeclared(calls: Iterable[str], permissions: Iterable[str]) -> list[str]:
    """Recorded calls whose IAM action is not among ``permissions``, as IAM actions."""
    allowed = set(permissions)
    return sorted({iam_action(call) for call in calls} - allowed)


@cache
def _iam_prefix(service: str) -> str:
    if service in _PREFIX_OVERRIDES:
        return _PREFIX_OVERRIDES[service]
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model(service)
    except Exception:  # an unknown name is taken as its own prefix
        return service
    return str(model.signing_name or service)


def main(argv: list[str] | None = None) -> int:
    """Print the policy, write it to a file, or check that a file holds it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="PATH", help="write the policy here")
    group.add_argument("--check", type=Path, metavar="PATH", help="exit 1 if PATH is stale")
    args = parser.parse_args(argv)
    text = render(policy_document())
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        return 0
    if args.check:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != text:
            print(
                f"{args.check}: stale IAM policy; regenerate it with "
                f"python -m scanner.collect.aws.iam_policy --write {args.check}",
                file=sys.stderr,
            )
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
