"""Checkov checks that judge the same thing as one of our controls, by our control id.

When such a control is among the selected rules, a failure of one of its Checkov checks
is not reported: our control already judges that topic, with the baseline deciding
where the requirement applies (a dev bucket need not be versioned, a load balancer may
listen on 80/443 to the world), so Checkov's finding would be the same problem twice or
a contradiction of the documented architecture. The pairs come from the overlap list in
checkov-notes.md plus the checks whose names match a control's title; every id is checked
against the installed Checkov's registry by tests/engine/test_checkov_integration.py.
"""

from __future__ import annotations

from collections.abc import Iterable

OVERLAPS: dict[str, tuple[str, ...]] = {
    # encryption at rest
    "STO-002": ("CKV_AWS_3", "CKV_AWS_189"),  # EBS volumes encrypted (CMK)
    "DB-004": ("CKV_AWS_16", "CKV_AWS_96", "CKV_AWS_327"),  # RDS / Aurora encrypted (CMK)
    "CACHE-002": ("CKV_AWS_29", "CKV_AWS_191"),  # ElastiCache at rest (CMK)
    # S3: encryption, public access block, versioning
    "STO-005": (
        "CKV_AWS_19",
        "CKV_AWS_145",
        "CKV_AWS_21",
        "CKV2_AWS_6",
        "CKV_AWS_53",
        "CKV_AWS_54",
        "CKV_AWS_55",
        "CKV_AWS_56",
    ),
    "DR-002": ("CKV_AWS_21", "CKV_AWS_144"),  # production buckets versioned and replicated
    # listener TLS, HTTP redirect
    "SEC-001": ("CKV_AWS_103", "CKV_AWS_2", "CKV2_AWS_20", "CKV2_AWS_74"),
    # CloudFront: WAF, TLS floor
    "EDGE-002": ("CKV_AWS_68", "CKV2_AWS_47"),
    "EDGE-001": ("CKV_AWS_174",),
    # KMS rotation, CloudTrail
    "SEC-002": ("CKV_AWS_7",),
    "SEC-006": ("CKV_AWS_35", "CKV_AWS_36", "CKV_AWS_67"),
    # ECR scan on push, immutable tags
    "SEC-007": ("CKV_AWS_51", "CKV_AWS_163"),
    # EKS: secrets encryption, control plane logging, closed endpoint
    "CMP-008": ("CKV_AWS_37", "CKV_AWS_38", "CKV_AWS_39", "CKV_AWS_58"),
    # network exposure
    "NET-010": ("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"),
    "NET-006": ("CKV_AWS_130",),
    "DB-006": ("CKV_AWS_17",),
}


def duplicated_checks(selected: Iterable[str]) -> dict[str, list[str]]:
    """Checkov check id -> the selected controls (sorted) that already judge it."""
    owners: dict[str, list[str]] = {}
    for control in sorted(set(selected)):
        for check_id in OVERLAPS.get(control, ()):
            owners.setdefault(check_id, []).append(control)
    return owners


def overlapping_check_ids() -> set[str]:
    """Every Checkov check id named in :data:`OVERLAPS`."""
    return {check_id for checks in OVERLAPS.values() for check_id in checks}
