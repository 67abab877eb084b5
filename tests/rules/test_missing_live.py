"""Documented components a live audit does not find: DB-001/002/003, CACHE-001, CMP-004.

moto's account stands in for the prod account. An empty account fails the prod database,
cache and EKS capacity controls; a seeded Aurora cluster removes the database's absence
verdict; an account the audit did not cover (dev, staging) is not judged at all.
"""

from __future__ import annotations

import copy
from typing import Any

from scanner.baseline.environment import resolve_environments
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.engine.evaluate import evaluate
from scanner.findings import Finding
from scanner.inventory.model import Inventory
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (fixtures)
from tests.rules.helpers import baseline, ruleset, statuses

REGION = "us-west-2"
RULES = {"DB-001", "DB-002", "DB-003", "CACHE-001", "CMP-004"}


def as_prod_account(inventory: Inventory) -> list[Finding]:
    """Evaluate with moto's account as the baseline's prod account."""
    data: dict[str, Any] = copy.deepcopy(baseline())
    data["accounts"]["prod"]["id"] = DEFAULT_ACCOUNT
    resolve_environments(inventory, data)
    return evaluate(inventory, data, ruleset(), RULES)


def test_empty_prod_account_fails_database_cache_and_capacity(moto: Seeder, audit) -> None:  # noqa: F811
    findings = as_prod_account(audit(["rds", "elasticache", "eks"], regions=[REGION]))
    assert statuses(findings, "DB-003") == {"prod/database": "FAIL"}
    assert statuses(findings, "CACHE-001") == {"prod/cache": "FAIL"}
    assert statuses(findings, "CMP-004") == {"prod/node-count": "FAIL"}
    assert statuses(findings, "DB-001") == {} and statuses(findings, "DB-002") == {}
    message = next(f.message for f in findings if f.rule_id == "DB-003")
    assert f"no aurora-mysql database in account {DEFAULT_ACCOUNT}, {REGION}" in message


def test_seeded_cluster_is_judged_instead_of_missing(moto: Seeder, audit) -> None:  # noqa: F811
    arn = moto.client("rds", REGION).create_db_cluster(
        DBClusterIdentifier="prod-main",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword="correct-horse-battery",
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )["DBCluster"]["DBClusterArn"]
    found = statuses(as_prod_account(audit(["rds"], regions=[REGION])), "DB-003")
    assert "prod/database" not in found
    assert found[arn] == "FAIL"  # no instances: judged on its shape, not reported missing


def test_uncollected_database_is_not_collected_not_missing(moto: Seeder, audit) -> None:  # noqa: F811
    """A denied rds collection: the absence cannot be known, so NOT_COLLECTED."""
    inventory = audit(["rds"], regions=[REGION])
    for entry in inventory.coverage:
        if entry.service == "rds":
            entry.status = type(entry.status)("denied")
            entry.message = "AccessDenied (planted by the test)"
    found = statuses(as_prod_account(inventory), "DB-003")
    assert "prod/database" not in found
    assert set(found.values()) == {"NOT_COLLECTED"}
