"""The benchmark's plan generator: deterministic, exactly N changes, the features it promises."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.plan_generator import generate, write_plan
from scanner.collect.terraform import collect_plan

SIZE = 700


@pytest.fixture(scope="module")
def plan() -> dict:
    return generate(SIZE)


def test_same_size_gives_identical_bytes(tmp_path: Path) -> None:
    first = write_plan(SIZE, tmp_path / "a.json").read_bytes()
    second = write_plan(SIZE, tmp_path / "b.json").read_bytes()
    assert first == second
    assert write_plan(SIZE + 1, tmp_path / "c.json").read_bytes() != first


@pytest.mark.parametrize("size", [400, SIZE, 1234])
def test_exactly_the_requested_number_of_changes(size: int) -> None:
    assert len(generate(size)["resource_changes"]) == size


def test_plan_has_every_feature_the_benchmark_needs(plan: dict) -> None:
    changes = plan["resource_changes"]
    actions = Counter(tuple(c["change"]["actions"]) for c in changes)
    for wanted in [("create",), ("no-op",), ("delete",), ("update",)]:
        assert actions[wanted] > 0, wanted
    depths = {c.get("module_address", "").count("module.") for c in changes}
    assert {1, 2} <= depths  # modules and nested modules
    indexes = [c["index"] for c in changes if "index" in c]
    assert any(isinstance(i, int) for i in indexes)  # count
    assert any(isinstance(i, str) for i in indexes)  # for_each
    assert any(True in c["change"]["after_unknown"].values() for c in changes)
    types = {c["type"] for c in changes}
    assert {
        "aws_s3_bucket",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_public_access_block",
        "aws_vpc",
        "aws_nat_gateway",
        "aws_eks_cluster",
        "aws_rds_cluster",
        "aws_lambda_function",
        "aws_sqs_queue",
    } <= types
    addresses = [c["address"] for c in changes]
    assert len(addresses) == len(set(addresses))
    call = plan["configuration"]["root_module"]["module_calls"]["stack"]
    assert "for_each_expression" in call
    assert "for_each_expression" in call["module"]["module_calls"]["service"]


def test_known_ids_differ_between_stacks(plan: dict) -> None:
    ids = [
        c["change"]["before"]["id"]
        for c in plan["resource_changes"]
        if c["type"] == "aws_vpc" and c["change"]["before"]
    ]
    assert len(ids) == len(set(ids))


def test_links_known_only_after_apply_resolve_through_modules(tmp_path: Path) -> None:
    inventory = collect_plan(write_plan(SIZE, tmp_path / "plan.json"))
    by_type: dict[str, list] = {}
    for resource in inventory.resources:
        by_type.setdefault(resource.type, []).append(resource)
    services = [r for r in by_type["aws_security_group"] if ".module.service[" in r.id]
    assert services
    for group in services:
        stack = group.id.split(".module.service[")[0]
        assert group.refs["vpc"] == f"{stack}.module.vpc.aws_vpc.this"
    buckets = [r for r in by_type["aws_s3_bucket"] if r.id.endswith("aws_s3_bucket.artifacts")]
    assert buckets
    for bucket in buckets:  # the split resources folded into their bucket
        assert bucket.attributes["versioning"]["status"] == "Enabled"
        assert bucket.attributes["public_access_block"]["block_public_acls"] is True
    assert len(inventory.changes) == SIZE - sum(
        1 for c in generate(SIZE)["resource_changes"] if c["mode"] == "data"
    )


def test_planned_values_hold_every_planned_managed_object(plan: dict) -> None:
    def count(module: dict) -> int:
        return len(module.get("resources", [])) + sum(
            count(child) for child in module.get("child_modules", [])
        )

    planned = [
        c for c in plan["resource_changes"] if c["mode"] == "managed" and c["change"]["after"]
    ]
    assert count(plan["planned_values"]["root_module"]) == len(planned)
    assert json.dumps(plan)  # serializable as is
