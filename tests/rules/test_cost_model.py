"""COST-001 and the cost model (scanner.cost): exact arithmetic, the examples, plans, live.

Prices come from the shipped tables (baselines/prices/); the expected figures below are
written out from those tables so a changed price shows up here as a failing test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import Seeder, moto_server, reset
from scanner.collect.aws.options import AwsOptions
from scanner.collect.terraform import collect_plan
from scanner.cost import estimate, load_prices
from scanner.cost.model import io2_iops_month
from scanner.inventory.model import Inventory, Resource
from tests.rules.helpers import UNKNOWN, baseline, plan_of, scan_inventory, scan_plan, statuses

REPO = Path(__file__).resolve().parents[2]
H = 730  # hours per month in the tables


def inventory_of(*resources: Resource, kind: str = "plan") -> Inventory:
    for resource in resources:
        resource.environment = resource.environment or "dev"
        resource.region = resource.region or "us-west-2"
    return Inventory(source={"kind": kind}, resources=list(resources))


def test_hand_built_inventory_exact_arithmetic() -> None:
    inv = inventory_of(
        Resource(id="eks", type="aws_eks_cluster", attributes={"name": "c"}),
        Resource(
            id="ng-od",
            type="aws_eks_node_group",
            attributes={
                "capacity_type": "ON_DEMAND",
                "instance_types": ["t3.medium"],
                "desired_size": 2,
            },
        ),
        Resource(
            id="ng-spot",
            type="aws_eks_node_group",
            attributes={
                "capacity_type": "SPOT",
                "instance_types": ["t3.medium"],
                "desired_size": 5,
            },
        ),
        Resource(
            id="vol", type="aws_ebs_volume", attributes={"type": "gp3", "size": 100, "iops": 4000}
        ),
        Resource(id="nat", type="aws_nat_gateway", attributes={"connectivity_type": "public"}),
        Resource(
            id="cluster",
            type="aws_rds_cluster",
            attributes={"serverless_v2": {"min_capacity": 0.5, "max_capacity": 2}},
        ),
        Resource(
            id="db",
            type="aws_rds_cluster_instance",
            attributes={"instance_class": "db.serverless"},
            refs={"cluster": "cluster"},
        ),
        Resource(
            id="redis",
            type="aws_elasticache_replication_group",
            attributes={"node_type": "cache.t3.micro", "num_cache_clusters": 1},
        ),
    )
    est = estimate(inv, baseline(), load_prices())
    # dev: 30% on-demand target only, so on-demand nodes stay at list price.
    assert est.known("dev", "compute") == round(0.10 * H + 2 * 0.0416 * H + 5 * 0.0416 * H * 0.3, 2)
    # 100 GB gp3 + 1,000 IOPS above the free 3,000.
    assert est.known("dev", "storage") == round(100 * 0.08 + 1000 * 0.005, 2)
    # Serverless v2: 0.5 + 0.25 x (2 - 0.5) = 0.875 ACU for every hour.
    assert est.known("dev", "database") == round(0.875 * H * 0.12, 2)
    assert est.known("dev", "cache") == round(0.017 * H, 2)
    # NAT hour + 50 GB ("minimal" data transfer) processed.
    assert est.known("dev", "network") == round(0.045 * H + 50 * 0.045, 2)
    assert est.unknown("dev") == []
    line = next(x for x in est.lines if x.resource == "ng-spot")
    assert (line.quantity, line.unit_price, line.multiplier) == (5 * H, 0.0416, 0.3)
    assert "spot" in (line.assumption or "")


def test_commitment_mix_and_io2_tiers() -> None:
    prod = inventory_of(
        Resource(
            id="ng",
            type="aws_eks_node_group",
            environment="prod",
            attributes={
                "capacity_type": "ON_DEMAND",
                "instance_types": ["m5.xlarge"],
                "desired_size": 1,
            },
        ),
    )
    line = estimate(prod, baseline(), load_prices()).lines[0]
    # prod mix: 60% RI 3-yr (-55%), 30% compute SP 1-yr (-27%), 10% on-demand.
    assert line.multiplier == round(0.6 * 0.45 + 0.3 * 0.73 + 0.1, 4) == 0.589
    assert line.monthly == round(0.192 * H * 0.589, 2)
    tiers = load_prices().tables["us-west-2"].data["ebs"]["io2_iops_tiers"]
    assert io2_iops_month(40000, tiers) == pytest.approx(32000 * 0.065 + 8000 * 0.0455)


def test_unknown_values_make_lines_unknown_never_zero() -> None:
    inv = inventory_of(
        Resource(
            id="ng",
            type="aws_eks_node_group",
            unknown=["desired_size"],
            attributes={"capacity_type": "ON_DEMAND", "instance_types": ["t3.medium"]},
        ),
        Resource(id="odd", type="aws_instance", attributes={"instance_type": "x9.huge"}),
        Resource(id="far", type="aws_nat_gateway", region="eu-west-1"),
    )
    est = estimate(inv, baseline(), load_prices())
    reasons = {x.resource: x.unknown for x in est.unknown("dev")}
    assert reasons == {
        "ng": "desired_size is known only after apply",
        "odd": "no price for x9.huge in us-west-2",
        "far": "no price table for region eu-west-1",
    }
    assert est.known("dev") == 0


def test_compliant_example_figures(tmp_path: Path) -> None:
    """prod-compliant: every component within its budget at list prices."""
    inv = collect_plan(REPO / "examples" / "prod-compliant.plan.json")
    findings = scan_inventory(inv, {"COST-001"})
    assert statuses(findings, "COST-001") == {
        "cost/prod/compute": "PASS",
        "cost/prod/database": "PASS",
        "cost/prod/storage": "PASS",
        "cost/prod/network": "PASS",
        "cost/prod/total": "PASS",
    }
    by_id = {f.resource_id: f for f in findings}
    # 765.92 = the node groups at the blended commitment price, plus the DR standby cluster.
    assert by_id["cost/prod/compute"].actual["estimate"] == 765.92
    assert by_id["cost/prod/database"].actual["estimate"] == 1270.2
    assert by_id["cost/prod/network"].actual["estimate"] == 132.3
    # io2 500 GB with 3,000 IOPS: 500 x 0.125 + 3,000 x 0.065 = 257.50, plus the gp3 volumes.
    assert by_id["cost/prod/storage"].actual["estimate"] == 357.7
    total = by_id["cost/prod/total"]
    assert total.actual["estimate"] == 3170.72
    assert total.actual["components"]["cache"] == 601.52
    assert total.actual["components"]["load_balancing"] == 43.08
    assert total.expected == {
        "budget": 6135,
        "tolerance_percent": 10,
        "limit": 6748.5,
        "currency": "USD",
    }
    assert "$3,170.72" in total.message and total.environment == "prod"


def test_drifted_example_figures() -> None:
    inv = collect_plan(REPO / "examples" / "prod-drifted.plan.json")
    findings = scan_inventory(inv, {"COST-001"})
    by_id = {f.resource_id: f for f in findings}
    # Two db.r5.large instead of three db.r5.xlarge; two NATs; two extra scratch volumes.
    assert by_id["cost/prod/database"].actual["estimate"] == round(2 * 0.29 * H, 2)
    assert by_id["cost/prod/network"].actual["estimate"] == round(2 * (0.045 * H + 250 * 0.045), 2)
    assert by_id["cost/prod/storage"].actual["estimate"] == 422.7
    assert by_id["cost/prod/total"].actual["estimate"] == 2344.82


def node_group(desired: object, instance_type: str = "t3.medium") -> tuple[str, dict]:
    scaling = (
        UNKNOWN
        if desired is UNKNOWN
        else [{"desired_size": desired, "min_size": 1, "max_size": 10}]
    )
    return (
        "aws_eks_node_group.app",
        {
            "node_group_name": "app",
            "capacity_type": "ON_DEMAND",
            "instance_types": [instance_type],
            "scaling_config": scaling,
            "tags": {"Environment": "dev"},
        },
    )


def test_plan_pass_dev_compute_within_budget(tmp_path: Path) -> None:
    findings = scan_plan(plan_of(node_group(3)), tmp_path, {"COST-001"})
    result = statuses(findings, "COST-001")
    assert result["cost/dev/compute"] == "PASS", findings


def test_plan_fail_dev_compute_over_budget(tmp_path: Path) -> None:
    findings = scan_plan(plan_of(node_group(3, "m5.2xlarge")), tmp_path, {"COST-001"})
    result = statuses(findings, "COST-001")
    assert result["cost/dev/compute"] == "FAIL"  # 3 x 0.384 x 730 = $840.96 > $330
    assert result["cost/dev/total"] == "FAIL"


def test_plan_unknown_desired_size(tmp_path: Path) -> None:
    findings = scan_plan(plan_of(node_group(UNKNOWN)), tmp_path, {"COST-001"})
    result = statuses(findings, "COST-001")
    assert result["cost/dev/compute"] == "UNKNOWN"
    assert result["cost/dev/total"] == "UNKNOWN"


# --- live: a seeded moto estate ------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def moto(moto_url: str) -> Iterator[Seeder]:
    reset(moto_url)
    yield Seeder(moto_url)
    reset(moto_url)


def seed_cluster(moto: Seeder, instance_type: str, desired: int) -> None:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.10.0/24")["Subnet"]["SubnetId"]
    role = "arn:aws:iam::123456789012:role/eks"
    eks = moto.client("eks")
    eks.create_cluster(name="dev", roleArn=role, resourcesVpcConfig={"subnetIds": [subnet]})
    eks.create_nodegroup(
        clusterName="dev",
        nodegroupName="app",
        nodeRole=role,
        subnets=[subnet],
        instanceTypes=[instance_type],
        capacityType="ON_DEMAND",
        scalingConfig={"minSize": 1, "maxSize": 10, "desiredSize": desired},
    )
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=50, VolumeType="gp3")


def live(moto: Seeder) -> Inventory:
    return collect_live(
        AwsOptions(
            endpoint_url=moto.url,
            regions=["us-east-1"],
            services=["ec2", "eks"],
            max_attempts=1,
            read_timeout=10,
        )
    )


def test_live_pass_dev_within_budget(moto: Seeder) -> None:
    seed_cluster(moto, "t3.medium", 2)
    findings = scan_inventory(live(moto), {"COST-001"}, env="dev")
    by_id = {f.resource_id: f for f in findings}
    assert by_id["cost/dev/compute"].status.value == "PASS"
    assert by_id["cost/dev/compute"].actual["estimate"] == round(0.10 * H + 2 * 0.0416 * H, 2)
    assert by_id["cost/dev/storage"].actual["estimate"] == 50 * 0.08


def test_live_fail_dev_compute_over_budget(moto: Seeder) -> None:
    seed_cluster(moto, "m5.xlarge", 4)  # 73 + 4 x 140.16 = $633.64 > $330
    findings = scan_inventory(live(moto), {"COST-001"}, env="dev")
    assert statuses(findings, "COST-001")["cost/dev/compute"] == "FAIL"


def test_asg_mix_rds_multi_az_and_skipped_node_group_members() -> None:
    inv = inventory_of(
        Resource(
            id="asg",
            type="aws_autoscaling_group",
            attributes={
                "desired_capacity": 4,
                "instance_types": ["t3.large"],
                "mixed_instances": {
                    "on_demand_base_capacity": 1,
                    "on_demand_percentage_above_base_capacity": 0,
                },
            },
        ),
        Resource(
            id="eks-asg",
            type="aws_autoscaling_group",
            tags={"eks:nodegroup-name": "app"},
            attributes={"desired_capacity": 3, "instance_types": ["t3.large"]},
        ),
        Resource(
            id="node",
            type="aws_instance",
            tags={"aws:autoscaling:groupName": "asg"},
            attributes={"instance_type": "t3.large"},
        ),
        Resource(
            id="rds",
            type="aws_db_instance",
            attributes={"instance_class": "db.t3.medium", "multi_az": True},
        ),
        Resource(id="alb", type="aws_lb", attributes={"load_balancer_type": "application"}),
    )
    est = estimate(inv, baseline(), load_prices())
    # 1 on-demand (base) + 3 spot; the node group's ASG and its member instance are skipped.
    assert est.known("dev", "compute") == round(0.0832 * H + 0.0832 * H * 3 * 0.3, 2)
    assert {x.resource for x in est.of("dev", "compute")} == {"asg"}
    assert est.known("dev", "database") == round(0.068 * H * 2, 2)
    assert est.known("dev", "load_balancing") == round(0.0225 * H + 0.008 * H, 2)
