"""Environment resolution: override, account map, tag, VPC CIDR; signals kept for TAG-001."""

from __future__ import annotations

import pytest

from scanner.baseline.environment import resolve_environments
from scanner.errors import UsageError
from scanner.inventory.model import Inventory, Resource


def inventory() -> Inventory:
    return Inventory(
        source={"kind": "plan"},
        resources=[
            Resource(id="vpc", type="aws_vpc", attributes={"cidr_block": "10.2.0.0/16"}),
            Resource(
                id="subnet",
                type="aws_subnet",
                refs={"vpc": "vpc"},
                attributes={"cidr_block": "10.2.1.0/24"},
            ),
            Resource(id="nat", type="aws_nat_gateway", refs={"subnet": "subnet"}),
            Resource(id="tagged", type="aws_s3_bucket", tags={"environment": "Production"}),
            Resource(
                id="conflict",
                type="aws_subnet",
                refs={"vpc": "vpc"},
                tags={"Environment": "staging"},
            ),
            Resource(id="odd", type="aws_kms_key", tags={"Environment": "qa"}),
            Resource(id="account", type="aws_kms_key", account="333333333333"),
            Resource(id="nothing", type="aws_iam_role"),
        ],
    )


def test_signals_resolve_in_order(reference_baseline: dict) -> None:
    inv = inventory()
    resolve_environments(inv, reference_baseline)
    env = {r.id: r.environment for r in inv.resources}
    assert env["vpc"] == "prod" and env["subnet"] == "prod"
    assert env["nat"] == "prod"  # through its subnet to the VPC
    assert env["tagged"] == "prod"  # alias, case-insensitive key
    assert env["conflict"] == "staging"  # the tag outranks the CIDR ...
    conflict = next(r for r in inv.resources if r.id == "conflict")
    assert conflict.env_signals["cidr"] == "prod"  # ... and the disagreement is recorded
    assert env["odd"] is None
    assert next(r for r in inv.resources if r.id == "odd").env_signals["tag_unrecognized"] == "qa"
    account_env = reference_baseline["accounts"]
    dev_id = account_env[reference_baseline["environments"]["dev"]["account"]]["id"]
    assert dev_id == "333333333333" and env["account"] == "dev"
    assert env["nothing"] is None


def test_override_wins_and_must_exist(reference_baseline: dict) -> None:
    inv = inventory()
    resolve_environments(inv, reference_baseline, "dev")
    assert {r.environment for r in inv.resources} == {"dev"}
    with pytest.raises(UsageError, match="qa"):
        resolve_environments(inventory(), reference_baseline, "qa")
