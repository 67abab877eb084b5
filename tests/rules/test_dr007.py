"""DR-007 on plans: the Velero bucket is versioned in the primary region."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.helpers import plan_of, scan_plan, statuses

CLUSTER = (
    "aws_eks_cluster.main",
    {"name": "prod", "version": "1.29", "tags": {"Environment": "prod"}},
)


@pytest.mark.parametrize(("status", "expected"), [("Enabled", "PASS"), ("Suspended", "FAIL")])
def test_dr_007_velero_bucket_versioning(tmp_path: Path, status: str, expected: str) -> None:
    plan = plan_of(
        CLUSTER,
        (
            "aws_s3_bucket.velero",
            {"bucket": "prod-velero-backups", "tags": {"Environment": "prod"}},
        ),
        (
            "aws_s3_bucket_versioning.velero",
            {
                "bucket": "prod-velero-backups",
                "versioning_configuration": [{"status": status, "mfa_delete": "Disabled"}],
            },
        ),
    )
    findings = scan_plan(plan, tmp_path, {"DR-007"}, env="prod")
    assert statuses(findings, "DR-007") == {"prod/velero-bucket": expected}


def test_dr_007_without_a_velero_bucket_fails(tmp_path: Path) -> None:
    findings = scan_plan(plan_of(CLUSTER), tmp_path, {"DR-007"}, env="prod")
    assert statuses(findings, "DR-007") == {"prod/velero-bucket": "FAIL"}
