"""Compute controls CMP-001..CMP-008 on plans (through the real collector) and on live
inventories collected from the moto server (or hand-built where moto lacks the API)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder, reset
from scanner.collect.aws.options import AwsOptions
from scanner.collect.terraform import collect_plan
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory, Resource
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (moto server fixtures)
from tests.rules.helpers import plan_of, scan_inventory, scan_plan, statuses

REGION = "us-west-2"
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/eks"
KEY = f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNET = "subnet-0a1b2c3d"
PROD_ACCOUNT = "555555555555"  # the baseline's prod account

# -- plans ------------------------------------------------------------------------------------


def cluster(name: str = "prod", **overrides: Any) -> tuple[str, dict[str, Any]]:
    """A hardened aws_eks_cluster."""
    values: dict[str, Any] = {
        "name": name,
        "role_arn": ROLE,
        "vpc_config": [
            {
                "subnet_ids": ["subnet-1", "subnet-2"],
                "endpoint_public_access": True,
                "endpoint_private_access": True,
                "public_access_cidrs": ["203.0.113.0/24"],
            }
        ],
        "encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": KEY}]}],
        "enabled_cluster_log_types": ["api", "audit", "authenticator"],
    }
    return f"aws_eks_cluster.{name}", {**values, **overrides}


def node_group(
    name: str,
    capacity: str,
    sizes: tuple[int, int, int],
    types: list[str] | None = None,
    role: str | None = None,
    cluster_name: str = "prod",
) -> tuple[str, dict[str, Any]]:
    """An aws_eks_node_group with (min, desired, max) sizes."""
    low, desired, high = sizes
    return f"aws_eks_node_group.{name}", {
        "cluster_name": cluster_name,
        "node_group_name": name,
        "node_role_arn": ROLE,
        "subnet_ids": ["subnet-1"],
        "capacity_type": capacity,
        "instance_types": types or ["m5.xlarge"],
        "scaling_config": [{"min_size": low, "desired_size": desired, "max_size": high}],
        "labels": {"role": role or name},
    }


def prod_groups(batch_desired: int = 1, app_max: int = 20) -> list[tuple[str, dict[str, Any]]]:
    """The documented production node groups: 3 system, application, batch on spot."""
    return [
        node_group("system", "ON_DEMAND", (3, 3, 3)),
        node_group("application", "ON_DEMAND", (0, 8, app_max)),
        node_group("batch", "SPOT", (0, batch_desired, 7)),
    ]


def test_cmp_001_plan_prod_spot_share(tmp_path: Path) -> None:
    """1 spot of 12 desired nodes is under prod's 20% ceiling; 6 of 17 is over it."""
    good = scan_plan(plan_of(cluster(), *prod_groups()), tmp_path, {"CMP-001"}, env="prod")
    assert statuses(good, "CMP-001") == {"prod/spot-share": "PASS"}
    bad = scan_plan(plan_of(cluster(), *prod_groups(6)), tmp_path, {"CMP-001"}, env="prod")
    assert statuses(bad, "CMP-001") == {"prod/spot-share": "FAIL"}
    [finding] = bad
    assert finding.actual["spot_percent"] == 35.3


def asg(name: str, desired: int, base: int, percent: int) -> tuple[str, dict[str, Any]]:
    """A self-managed aws_autoscaling_group with a mixed instances policy."""
    return f"aws_autoscaling_group.{name}", {
        "name": name,
        "min_size": 0,
        "max_size": 10,
        "desired_capacity": desired,
        "vpc_zone_identifier": ["subnet-1"],
        "mixed_instances_policy": [
            {
                "instances_distribution": [
                    {
                        "on_demand_base_capacity": base,
                        "on_demand_percentage_above_base_capacity": percent,
                        "spot_allocation_strategy": "price-capacity-optimized",
                    }
                ],
                "launch_template": [
                    {
                        "launch_template_specification": [{"launch_template_name": "nodes"}],
                        "override": [{"instance_type": "t3.medium"}],
                    }
                ],
            }
        ],
    }


def test_cmp_001_plan_mixed_instances_policy_counts_by_percentages(tmp_path: Path) -> None:
    """Dev band 60-80%: 2 on-demand base + 25% of 8 is 6 spot of 10; 50% above base is 4."""
    good = scan_plan(plan_of(asg("dev_nodes", 10, 2, 25)), tmp_path, {"CMP-001"}, env="dev")
    assert statuses(good, "CMP-001") == {"dev/spot-share": "PASS"}
    bad = scan_plan(plan_of(asg("dev_nodes", 10, 2, 50)), tmp_path, {"CMP-001"}, env="dev")
    assert statuses(bad, "CMP-001") == {"dev/spot-share": "FAIL"}


def test_cmp_001_plan_weighs_desired_not_max_capacity(tmp_path: Path) -> None:
    """Max sizes would make dev 30 of 33 spot (91%, over 80); desired makes it 3 of 4 (75%)."""
    plan = plan_of(
        node_group("system", "ON_DEMAND", (1, 1, 3), ["t3.medium"], cluster_name="dev"),
        node_group("batch", "SPOT", (0, 3, 30), ["t3.medium"], cluster_name="dev"),
    )
    findings = scan_plan(plan, tmp_path, {"CMP-001"}, env="dev")
    assert statuses(findings, "CMP-001") == {"dev/spot-share": "PASS"}
    assert findings[0].actual["spot_percent"] == 75


def test_cmp_003_plan_instance_types(tmp_path: Path) -> None:
    plan = plan_of(
        cluster(),
        node_group("system", "ON_DEMAND", (3, 3, 3)),
        node_group("batch", "SPOT", (0, 1, 7), ["m5.4xlarge"]),
    )
    findings = scan_plan(plan, tmp_path, {"CMP-003"}, env="prod")
    assert statuses(findings, "CMP-003") == {
        "aws_eks_node_group.system": "PASS",
        "aws_eks_node_group.batch": "FAIL",
    }


def test_cmp_004_plan_node_count_bounds(tmp_path: Path) -> None:
    """Prod 3-30: 3 + 0 + 0 minimum and 3 + 20 + 7 maximum pass; a 30-node app max fails."""
    good = scan_plan(plan_of(cluster(), *prod_groups()), tmp_path, {"CMP-004"}, env="prod")
    assert statuses(good, "CMP-004") == {"prod/node-count": "PASS"}
    bad = scan_plan(plan_of(cluster(), *prod_groups(app_max=30)), tmp_path, {"CMP-004"}, "prod")
    assert statuses(bad, "CMP-004") == {"prod/node-count": "FAIL"}


def test_cmp_005_plan_node_group_roles(tmp_path: Path) -> None:
    good = scan_plan(plan_of(cluster(), *prod_groups()), tmp_path, {"CMP-005"}, env="prod")
    assert set(statuses(good, "CMP-005").values()) == {"PASS"}
    assert "aws_eks_cluster.prod" in statuses(good, "CMP-005")
    plan = plan_of(cluster(), node_group("system", "SPOT", (3, 3, 3)))
    bad = scan_plan(plan, tmp_path, {"CMP-005"}, env="prod")
    assert statuses(bad, "CMP-005") == {
        "aws_eks_cluster.prod": "FAIL",  # no application or batch group
        "aws_eks_node_group.system": "FAIL",  # system on spot
    }


PROD_ADDONS = [
    "aws-load-balancer-controller",
    "external-dns",
    "metrics-server",
    "cert-manager",
    "fluent-bit",
    "adot",
]
PROD_CHARTS = [
    ("istiod", "istio"),
    ("karpenter", "karpenter"),
    ("keda", "keda"),
    ("vpa", "vertical-pod-autoscaler"),
    ("external_secrets", "external-secrets"),
    ("monitoring", "kube-prometheus-stack"),
]


def addons_plan(skip: str = "") -> dict[str, Any]:
    """The prod cluster with its documented add-ons as EKS add-ons and Helm releases."""
    resources = [cluster()]
    resources += [
        (f"aws_eks_addon.{name.replace('-', '_')}", {"cluster_name": "prod", "addon_name": name})
        for name in PROD_ADDONS
    ]
    resources += [
        (f"helm_release.{name}", {"name": name, "chart": chart, "namespace": "kube-system"})
        for name, chart in PROD_CHARTS
        if name != skip
    ]
    return plan_of(*resources)


def test_cmp_006_plan_addons(tmp_path: Path) -> None:
    good = scan_plan(addons_plan(), tmp_path, {"CMP-006"}, env="prod")
    assert statuses(good, "CMP-006") == {"aws_eks_cluster.prod": "PASS"}
    bad = scan_plan(addons_plan(skip="karpenter"), tmp_path, {"CMP-006"}, env="prod")
    assert statuses(bad, "CMP-006") == {"aws_eks_cluster.prod": "FAIL"}
    assert "karpenter" in bad[0].message


def test_cmp_006_plan_helm_releases_without_environment_count(tmp_path: Path) -> None:
    """Helm releases carry no tags: they count for the plan's only cluster environment."""
    plan = addons_plan()
    for item in plan["resource_changes"]:  # the cluster alone is tagged; no --env override
        if item["type"] == "aws_eks_cluster":
            item["change"]["after"]["tags"] = {"Environment": "prod"}
    findings = scan_plan(plan, tmp_path, {"CMP-006"})
    assert statuses(findings, "CMP-006") == {"aws_eks_cluster.prod": "PASS"}


def scheduled_dev(schedule: bool) -> dict[str, Any]:
    """A dev auto scaling group, with or without a scale-to-zero schedule."""
    resources = [asg("dev_nodes", 2, 0, 0)]
    if schedule:
        resources.append(
            (
                "aws_autoscaling_schedule.night",
                {
                    "scheduled_action_name": "night",
                    "autoscaling_group_name": "dev_nodes",
                    "recurrence": "0 19 * * 1-5",
                    "min_size": 0,
                    "max_size": 3,
                    "desired_capacity": 0,
                },
            )
        )
    return plan_of(*resources)


def test_cmp_007_plan_schedules(tmp_path: Path) -> None:
    good = scan_plan(scheduled_dev(True), tmp_path, {"CMP-007"}, env="dev")
    assert statuses(good, "CMP-007") == {"aws_autoscaling_group.dev_nodes": "PASS"}
    bad = scan_plan(scheduled_dev(False), tmp_path, {"CMP-007"}, env="dev")
    assert statuses(bad, "CMP-007") == {"aws_autoscaling_group.dev_nodes": "FAIL"}


def test_cmp_007_plan_prod_is_not_scheduled(tmp_path: Path) -> None:
    findings = scan_plan(scheduled_dev(False), tmp_path, {"CMP-007"}, env="prod")
    assert statuses(findings, "CMP-007") == {}


def test_cmp_008_plan_cluster_hardening(tmp_path: Path) -> None:
    good = scan_plan(plan_of(cluster()), tmp_path, {"CMP-008"}, env="prod")
    assert statuses(good, "CMP-008") == {"aws_eks_cluster.prod": "PASS"}
    open_cluster = cluster(
        vpc_config=[{"subnet_ids": ["subnet-1"], "endpoint_public_access": True}],
        encryption_config=[],
        enabled_cluster_log_types=["api"],
    )
    bad = scan_plan(plan_of(open_cluster), tmp_path, {"CMP-008"}, env="prod")
    assert statuses(bad, "CMP-008") == {"aws_eks_cluster.prod": "FAIL"}
    assert "open to the world" in bad[0].message
    assert "not encrypted" in bad[0].message


# -- live: moto ---------------------------------------------------------------------------------


def seed_clusters(moto: Seeder) -> dict[str, str]:  # noqa: F811
    """A documented prod cluster and a drifted dev one; returns names -> ARNs.

    moto's EKS does not check subnet ids, so no VPC is made (EC2 start-up is slow).
    """
    eks = moto.client("eks", REGION)
    arns: dict[str, str] = {}
    arns["prod"] = eks.create_cluster(
        name="prod",
        roleArn=ROLE,
        resourcesVpcConfig={
            "subnetIds": [SUBNET],
            "endpointPublicAccess": True,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
        tags={"Environment": "prod"},
    )["cluster"]["arn"]
    arns["dev"] = eks.create_cluster(
        name="dev",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": [SUBNET], "endpointPublicAccess": True},
        tags={"Environment": "dev"},
    )["cluster"]["arn"]
    groups = [
        ("prod", "system", "ON_DEMAND", (3, 3, 3), "m5.xlarge"),
        ("prod", "application", "ON_DEMAND", (0, 8, 20), "m5.xlarge"),
        ("prod", "batch", "SPOT", (0, 1, 7), "m5.xlarge"),
        ("dev", "workers", "ON_DEMAND", (2, 4, 12), "m5.4xlarge"),
    ]
    for env, name, capacity, (low, desired, high), itype in groups:
        arns[f"{env}/{name}"] = eks.create_nodegroup(
            clusterName=env,
            nodegroupName=name,
            nodeRole=ROLE,
            subnets=[SUBNET],
            scalingConfig={"minSize": low, "desiredSize": desired, "maxSize": high},
            capacityType=capacity,
            instanceTypes=[itype],
            labels={"role": name},
            tags={"Environment": env},
        )["nodegroup"]["nodegroupArn"]
    return arns


@pytest.fixture(scope="module")
def eks_live(moto_url: str) -> tuple[dict[str, str], Inventory]:  # noqa: F811
    """The two clusters seeded and collected once (eks and eks-addons) for this module."""
    reset(moto_url)
    arns = seed_clusters(Seeder(moto_url))
    options = AwsOptions(
        endpoint_url=moto_url,
        regions=[REGION],
        services=["eks", "eks-addons"],
        max_attempts=1,
        read_timeout=10,
    )
    inventory = collect_live(options)
    reset(moto_url)
    return arns, inventory


EksLive = tuple[dict[str, str], Inventory]


def test_cmp_001_live_spot_share(eks_live: EksLive) -> None:
    findings = scan_inventory(eks_live[1], {"CMP-001"})
    assert statuses(findings, "CMP-001") == {
        "prod/spot-share": "PASS",  # 1 of 12
        "dev/spot-share": "FAIL",  # 0 of 4, documented 60-80%
    }


def test_cmp_003_live_instance_types(eks_live: EksLive) -> None:
    arns, inventory = eks_live
    found = statuses(scan_inventory(inventory, {"CMP-003"}), "CMP-003")
    assert found[arns["prod/system"]] == "PASS"
    assert found[arns["dev/workers"]] == "FAIL"  # m5.4xlarge, documented t3.medium


def test_cmp_004_live_node_count(eks_live: EksLive) -> None:
    findings = scan_inventory(eks_live[1], {"CMP-004"})
    assert statuses(findings, "CMP-004") == {
        "prod/node-count": "PASS",
        "dev/node-count": "FAIL",  # 2-12, documented 1-10
    }


def test_cmp_005_live_roles(eks_live: EksLive) -> None:
    arns, inventory = eks_live
    found = statuses(scan_inventory(inventory, {"CMP-005"}), "CMP-005")
    assert found[arns["prod"]] == "PASS"
    assert found[arns["prod/system"]] == "PASS"
    assert found[arns["dev"]] == "FAIL"  # no system, application or batch group
    assert found[arns["dev/workers"]] == "FAIL"  # no role


def test_cmp_008_live_cluster_hardening(eks_live: EksLive) -> None:
    arns, inventory = eks_live
    found = statuses(scan_inventory(inventory, {"CMP-008"}), "CMP-008")
    assert found == {arns["prod"]: "PASS", arns["dev"]: "FAIL"}


def test_cmp_006_live_moto_lacks_eks_addons(eks_live: EksLive) -> None:
    """moto has no EKS add-on API: the eks-addons gap makes CMP-006 NOT_COLLECTED there."""
    arns, inventory = eks_live
    found = statuses(scan_inventory(inventory, {"CMP-006"}), "CMP-006")
    assert found == {f"eks-addons:{DEFAULT_ACCOUNT}:{REGION}": "NOT_COLLECTED"}
    assert arns["prod"] not in found


def test_cmp_007_live_schedules(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Two dev groups: one scaled to zero at night by a scheduled action, one never."""
    client = moto.client("autoscaling", REGION)
    client.create_launch_configuration(
        LaunchConfigurationName="nodes", ImageId="ami-12345678", InstanceType="t3.medium"
    )
    for name in ("dev-scheduled", "dev-always-on"):
        client.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchConfigurationName="nodes",
            MinSize=0,
            MaxSize=3,
            DesiredCapacity=0,
            AvailabilityZones=[f"{REGION}a"],
            Tags=[{"Key": "Environment", "Value": "dev", "PropagateAtLaunch": True}],
        )
    client.put_scheduled_update_group_action(
        AutoScalingGroupName="dev-scheduled",
        ScheduledActionName="night",
        Recurrence="0 19 * * 1-5",
        MinSize=0,
        DesiredCapacity=0,
    )
    inventory = audit(["autoscaling"], regions=[REGION])
    names = {r.id: r.name for r in inventory.resources if r.type == "aws_autoscaling_group"}
    found = statuses(scan_inventory(inventory, {"CMP-007"}), "CMP-007")
    assert {names[rid]: status for rid, status in found.items()} == {
        "dev-scheduled": "PASS",
        "dev-always-on": "FAIL",
    }


def test_cmp_002_live_moto_lacks_cost_explorer(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """moto has no Cost Explorer coverage API: the ledger says unsupported -> NOT_COLLECTED."""
    findings = scan_inventory(audit(["ce"]), {"CMP-002"})
    assert statuses(findings, "CMP-002") == {f"ce:{DEFAULT_ACCOUNT}:global": "NOT_COLLECTED"}


# -- live: hand-built (APIs moto lacks) -------------------------------------------------------


def live(resources: list[Resource]) -> Inventory:
    """A live inventory whose ledger says every service of ``resources`` was collected."""
    coverage = [
        CoverageEntry(PROD_ACCOUNT, region, service, CoverageStatus.OK)
        for region, service in {("global", "ce"), (REGION, "eks"), (REGION, "eks-addons")}
    ]
    return Inventory(source={"kind": "live"}, resources=resources, coverage=coverage)


def coverage(kind: str, percent: float | None) -> Resource:
    """An aws_ce_coverage resource as the ce collector writes it."""
    return Resource(
        id=f"{PROD_ACCOUNT}/ce-coverage/{kind}",
        type="aws_ce_coverage",
        account=PROD_ACCOUNT,
        region="global",
        source="live",
        attributes={
            "kind": kind,
            "period_start": "2026-10-01",
            "period_end": "2026-11-01",
            "data_available": True,
            "coverage_percent": percent,
        },
    )


def test_cmp_002_live_commitment_coverage() -> None:
    """Prod (resolved from its account): 62 + 31 >= 90 passes; 50 + 20 fails."""
    good = scan_inventory(
        live([coverage("reservation", 62), coverage("savings_plans", 31)]), {"CMP-002"}
    )
    assert statuses(good, "CMP-002") == {"prod/commitment-coverage": "PASS"}
    bad = scan_inventory(
        live([coverage("reservation", 50), coverage("savings_plans", 20)]), {"CMP-002"}
    )
    assert statuses(bad, "CMP-002") == {"prod/commitment-coverage": "FAIL"}
    none = scan_inventory(live([coverage("reservation", 95)]), {"CMP-002"})
    assert statuses(none, "CMP-002") == {"prod/commitment-coverage": "UNKNOWN"}


def live_cluster(addons: list[str]) -> Inventory:
    """A prod cluster with ``addons`` as EKS add-ons."""
    arn = f"arn:aws:eks:{REGION}:{PROD_ACCOUNT}:cluster/prod"
    resources = [
        Resource(id=arn, type="aws_eks_cluster", account=PROD_ACCOUNT, region=REGION, source="live")
    ]
    resources += [
        Resource(
            id=f"arn:aws:eks:{REGION}:{PROD_ACCOUNT}:addon/prod/{name}/1",
            type="aws_eks_addon",
            account=PROD_ACCOUNT,
            region=REGION,
            source="live",
            attributes={"addon_name": name, "cluster_name": "prod"},
            refs={"cluster": arn},
        )
        for name in addons
    ]
    return live(resources)


def test_cmp_006_live_addons() -> None:
    """Live sees EKS add-ons only (no Helm releases): a missing add-on is UNKNOWN, not FAIL."""
    arn = f"arn:aws:eks:{REGION}:{PROD_ACCOUNT}:cluster/prod"
    every = PROD_ADDONS + [chart for _, chart in PROD_CHARTS]
    good = scan_inventory(live_cluster(every), {"CMP-006"})
    assert statuses(good, "CMP-006") == {arn: "PASS"}
    partial = scan_inventory(live_cluster(PROD_ADDONS), {"CMP-006"})
    assert statuses(partial, "CMP-006") == {arn: "UNKNOWN"}
    assert "karpenter" in partial[0].message


def test_plan_mappers_match_the_live_collectors(tmp_path: Path) -> None:
    """A schedule drops Terraform's -1 (size unchanged); an EKS add-on links its cluster."""
    schedule = {
        "scheduled_action_name": "night",
        "autoscaling_group_name": "dev_nodes",
        "recurrence": "0 19 * * 1-5",
        "min_size": -1,
        "max_size": -1,
        "desired_capacity": 0,
    }
    path = tmp_path / "plan.json"
    plan = plan_of(
        cluster(),
        ("aws_eks_addon.cni", {"cluster_name": "prod", "addon_name": "vpc-cni"}),
        ("aws_autoscaling_schedule.night", schedule),
    )
    path.write_text(json.dumps(plan), encoding="utf-8")
    found = collect_plan(path).by_id()
    assert found["aws_autoscaling_schedule.night"].attributes == {
        "scheduled_action_name": "night",
        "autoscaling_group_name": "dev_nodes",
        "recurrence": "0 19 * * 1-5",
        "desired_capacity": 0,
    }
    addon = found["aws_eks_addon.cni"]
    assert addon.attributes == {"addon_name": "vpc-cni", "cluster_name": "prod"}
    assert addon.refs == {"cluster": "aws_eks_cluster.prod"}
