"""NET-006 .. NET-012 on plans (through the real plan collector) and on a seeded moto server.

Each test names the control and the resource (or environment scope) whose verdict it expects.
Live checks run against moto's default account (123456789012); where a control needs the
network account, the bundled baseline is copied with that account as the network account.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline.environment import resolve_environments
from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder, reset
from scanner.collect.aws.options import AwsOptions
from scanner.engine.evaluate import evaluate
from scanner.findings import Finding
from scanner.inventory.model import Inventory
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (fixtures)
from tests.rules.helpers import baseline, plan_of, ruleset, scan_inventory, scan_plan, statuses

REGION = "us-west-2"
ZONES = ("us-west-2a", "us-west-2b", "us-west-2c")
TIERS = {"public": 1, "private": 10, "database": 20}
WORLD_HTTPS = {
    "protocol": "tcp",
    "from_port": 443,
    "to_port": 443,
    "cidr_blocks": ["0.0.0.0/0"],
    "ipv6_cidr_blocks": [],
    "security_groups": [],
    "prefix_list_ids": [],
    "self": False,
    "description": "https",
}


# -- plans --------------------------------------------------------------------------------


def prod_network(public_ip: dict[str, bool] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The documented prod VPC and nine subnets (``subnet-<tier>-<n>``) as plan resources."""
    public_ip = public_ip or {}
    out: list[tuple[str, dict[str, Any]]] = [
        ("aws_vpc.prod", {"id": "vpc-p", "cidr_block": "10.2.0.0/16"}),
    ]
    for tier, base in TIERS.items():
        for n, zone in enumerate(ZONES):
            name = f"{tier}_{n}"
            values = {
                "id": f"subnet-{tier}-{n}",
                "vpc_id": "vpc-p",
                "cidr_block": f"10.2.{base + n}.0/24",
                "availability_zone": zone,
                "map_public_ip_on_launch": public_ip.get(name, tier == "public"),
            }
            out.append((f"aws_subnet.{name}", values))
    return out


def test_net_006_plan_private_subnet_mapping_public_ips_fails(tmp_path: Path) -> None:
    plan = plan_of(*prod_network({"private_0": True}), region=REGION)
    found = statuses(scan_plan(plan, tmp_path, {"NET-006"}, env="prod"), "NET-006")
    assert found["aws_subnet.private_0"] == "FAIL"
    assert found["aws_subnet.public_0"] == "PASS"
    assert found["aws_subnet.database_0"] == "PASS"


def test_net_006_plan_documented_subnets_pass(tmp_path: Path) -> None:
    plan = plan_of(*prod_network(), region=REGION)
    found = statuses(scan_plan(plan, tmp_path, {"NET-006"}, env="prod"), "NET-006")
    assert len(found) == 9
    assert set(found.values()) == {"PASS"}


def endpoint(service: str, kind: str) -> tuple[str, dict[str, Any]]:
    name = service.replace(".", "_")
    return (
        f"aws_vpc_endpoint.{name}",
        {
            "service_name": f"com.amazonaws.{REGION}.{service}",
            "vpc_endpoint_type": kind,
            "vpc_id": "vpc-p",
        },
    )


ALL_ENDPOINTS = [
    endpoint("s3", "Gateway"),
    endpoint("dynamodb", "Gateway"),
    endpoint("ecr.api", "Interface"),
    endpoint("ecr.dkr", "Interface"),
    endpoint("secretsmanager", "Interface"),
]


def test_net_007_plan_all_endpoints_pass(tmp_path: Path) -> None:
    plan = plan_of(*prod_network(), *ALL_ENDPOINTS, region=REGION)
    found = statuses(scan_plan(plan, tmp_path, {"NET-007"}, env="prod"), "NET-007")
    assert found == {"aws_vpc.prod/vpc-endpoints": "PASS"}


def test_net_007_plan_missing_dynamodb_gateway_fails(tmp_path: Path) -> None:
    endpoints = [e for e in ALL_ENDPOINTS if "dynamodb" not in e[0]]
    plan = plan_of(*prod_network(), *endpoints, region=REGION)
    findings = scan_plan(plan, tmp_path, {"NET-007"}, env="prod")
    assert statuses(findings, "NET-007") == {"aws_vpc.prod/vpc-endpoints": "FAIL"}
    assert "gateway endpoint for dynamodb" in findings[0].message


def transit(owner: str, tier: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("aws_ec2_transit_gateway.hub", {"id": "tgw-1", "owner_id": owner}),
        (
            "aws_ec2_transit_gateway_vpc_attachment.prod",
            {
                "transit_gateway_id": "tgw-1",
                "vpc_id": "vpc-p",
                "subnet_ids": [f"subnet-{tier}-{n}" for n in range(3)],
            },
        ),
    ]


def test_net_008_plan_private_attachment_to_network_gateway_passes(tmp_path: Path) -> None:
    network_id = baseline()["accounts"]["network"]["id"]
    plan = plan_of(*prod_network(), *transit(network_id, "private"), region=REGION)
    found = statuses(scan_plan(plan, tmp_path, {"NET-008"}, env="prod"), "NET-008")
    assert found == {"aws_vpc.prod/transit-gateway": "PASS"}


def test_net_008_plan_public_subnet_attachment_fails(tmp_path: Path) -> None:
    network_id = baseline()["accounts"]["network"]["id"]
    plan = plan_of(*prod_network(), *transit(network_id, "public"), region=REGION)
    findings = scan_plan(plan, tmp_path, {"NET-008"}, env="prod")
    assert statuses(findings, "NET-008") == {"aws_vpc.prod/transit-gateway": "FAIL"}
    assert "public tier" in findings[0].message


def load_balancer(name: str, kind: str, zones: int, groups: list[str]) -> tuple[str, Any]:
    return (
        f"aws_lb.{name}",
        {
            "name": name,
            "load_balancer_type": kind,
            "internal": False,
            "subnets": [f"subnet-public-{n}" for n in range(zones)],
            "security_groups": groups,
        },
    )


def test_net_009_plan_three_az_alb_and_nlb_pass(tmp_path: Path) -> None:
    lbs = [load_balancer("web", "application", 3, []), load_balancer("tcp", "network", 3, [])]
    plan = plan_of(*prod_network(), *lbs, region=REGION)
    found = statuses(scan_plan(plan, tmp_path, {"NET-009"}, env="prod"), "NET-009")
    assert found == {"aws_vpc.prod/load-balancers": "PASS"}


def test_net_009_plan_two_az_alb_without_nlb_fails(tmp_path: Path) -> None:
    plan = plan_of(*prod_network(), load_balancer("web", "application", 2, []), region=REGION)
    findings = scan_plan(plan, tmp_path, {"NET-009"}, env="prod")
    assert statuses(findings, "NET-009") == {"aws_vpc.prod/load-balancers": "FAIL"}
    assert "spans 2 AZs" in findings[0].message
    assert "no network load balancer" in findings[0].message


def security_group(name: str, port: int) -> tuple[str, dict[str, Any]]:
    rule = {**WORLD_HTTPS, "from_port": port, "to_port": port}
    return (
        f"aws_security_group.{name}",
        {"id": f"sg-{name}", "name": name, "vpc_id": "vpc-p", "ingress": [rule], "egress": []},
    )


def test_net_010_plan_world_https_on_load_balancer_group_passes(tmp_path: Path) -> None:
    plan = plan_of(
        security_group("lb", 443),
        load_balancer("web", "application", 3, ["sg-lb"]),
        *prod_network(),
        region=REGION,
    )
    found = statuses(scan_plan(plan, tmp_path, {"NET-010"}, env="prod"), "NET-010")
    assert found == {"aws_security_group.lb": "PASS"}


def test_net_010_plan_world_ssh_fails(tmp_path: Path) -> None:
    plan = plan_of(
        security_group("lb", 22),
        security_group("app", 443),
        load_balancer("web", "application", 3, ["sg-lb"]),
        *prod_network(),
        region=REGION,
    )
    found = statuses(scan_plan(plan, tmp_path, {"NET-010"}, env="prod"), "NET-010")
    assert found == {"aws_security_group.lb": "FAIL", "aws_security_group.app": "FAIL"}


def test_net_011_plan_custom_acl_and_association_pass_bare_subnet_fails(tmp_path: Path) -> None:
    acl = (
        "aws_network_acl.public",
        {"id": "acl-1", "vpc_id": "vpc-p", "subnet_ids": ["subnet-public-0"], "ingress": []},
    )
    association = (
        "aws_network_acl_association.public_1",
        {"network_acl_id": "acl-1", "subnet_id": "subnet-public-1"},
    )
    plan = plan_of(*prod_network(), acl, association, region=REGION)
    found = statuses(scan_plan(plan, tmp_path, {"NET-011"}, env="prod"), "NET-011")
    assert found["aws_subnet.public_0"] == "PASS"
    assert found["aws_subnet.public_1"] == "PASS"
    assert found["aws_subnet.public_2"] == "FAIL"
    assert found["aws_subnet.private_0"] == "FAIL"


# -- live (moto) ----------------------------------------------------------------------------
#
# One estate is seeded and audited once for NET-006 .. NET-011 (moto's EC2 is slow to seed):
# a prod VPC that follows the documents and a staging VPC that drifts. Environments resolve
# from the VPC CIDRs, as in a real audit of an account the baseline does not map.


@dataclass
class Estate:
    """The audited inventory and the ids of what was seeded."""

    inventory: Inventory
    vpcs: dict[str, str]
    subnets: dict[str, str]
    groups: dict[str, str]


def scan_as_network_account(inventory: Inventory, rules: set[str]) -> list[Finding]:
    """scan_inventory with moto's account as the baseline's network account.

    The network environment's account link is dropped, so that the workload VPCs seeded in
    the same account still resolve to their environments by CIDR.
    """
    data = copy.deepcopy(baseline())
    data["accounts"]["network"]["id"] = DEFAULT_ACCOUNT
    data["environments"]["network"].pop("account", None)
    resolve_environments(inventory, data)
    return evaluate(inventory, data, ruleset(), rules)


def seed_vpc(ec2: Any, prefix: str, names: list[str]) -> tuple[str, dict[str, str]]:
    """A VPC ``<prefix>.0.0/16`` and its subnets ``<tier>_<n>`` in us-east-1a..c."""
    vpc = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16")["Vpc"]["VpcId"]
    subnets = {}
    for name in names:
        tier, n = name.rsplit("_", 1)
        subnets[name] = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"{prefix}.{TIERS[tier] + int(n)}.0/24",
            AvailabilityZone=f"us-east-1{'abc'[int(n)]}",
        )["Subnet"]["SubnetId"]
    return vpc, subnets


def seed_endpoints(ec2: Any, vpc: str, subnet: str, services: list[str]) -> None:
    for service in services:
        kind = "Gateway" if service in ("s3", "dynamodb") else "Interface"
        extra = {"SubnetIds": [subnet]} if kind == "Interface" else {}
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.us-east-1.{service}",
            VpcEndpointType=kind,
            **extra,
        )


def world_open(ec2: Any, group: str, port: int) -> None:
    permission = {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    }
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])


@pytest.fixture(scope="module")
def estate(moto_url: str) -> Iterator[Estate]:  # noqa: F811
    """prod as documented, staging drifted, audited once (ec2 and elbv2, us-east-1)."""
    reset(moto_url)
    seeder = Seeder(moto_url)
    ec2, elb = seeder.client("ec2"), seeder.client("elbv2")
    prod, subnets = seed_vpc(ec2, "10.2", [f"{t}_{n}" for t in TIERS for n in range(3)])
    staging, staging_subnets = seed_vpc(ec2, "10.1", ["public_0", "private_0"])
    subnets.update({f"staging_{k}": v for k, v in staging_subnets.items()})
    # NET-006: prod's private_0 maps public IPs (FAIL), public_0 may (PASS).
    for name in ("public_0", "private_0"):
        ec2.modify_subnet_attribute(SubnetId=subnets[name], MapPublicIpOnLaunch={"Value": True})
    # NET-007: prod has every endpoint; staging only S3.
    interface = ["ecr.api", "ecr.dkr", "secretsmanager"]
    seed_endpoints(ec2, prod, subnets["private_0"], ["s3", "dynamodb", *interface])
    seed_endpoints(ec2, staging, subnets["staging_private_0"], ["s3"])
    # NET-008: prod attaches through its private subnets, staging through a public one.
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    private = [subnets[f"private_{n}"] for n in range(3)]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=prod, SubnetIds=private)
    ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=staging, SubnetIds=[subnets["staging_public_0"]]
    )
    # NET-009 / NET-010: prod's internet-facing ALB over 3 AZs and an NLB; staging has none.
    groups = {
        name: ec2.create_security_group(GroupName=name, Description=name, VpcId=prod)["GroupId"]
        for name in ("alb", "app")
    }
    world_open(ec2, groups["alb"], 443)
    world_open(ec2, groups["app"], 22)
    public = [subnets[f"public_{n}"] for n in range(3)]
    elb.create_load_balancer(
        Name="web", Subnets=public, SecurityGroups=[groups["alb"]], Scheme="internet-facing"
    )
    elb.create_load_balancer(Name="tcp", Subnets=public, Type="network", Scheme="internal")
    # NET-011: prod's private_0 moves to a custom ACL; the rest keep the VPC's default.
    custom = ec2.create_network_acl(VpcId=prod)["NetworkAcl"]["NetworkAclId"]
    acls = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnets["private_0"]]}]
    )["NetworkAcls"]
    association = next(
        a["NetworkAclAssociationId"]
        for a in acls[0]["Associations"]
        if a["SubnetId"] == subnets["private_0"]
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=custom)
    options = AwsOptions(
        endpoint_url=moto_url,
        regions=["us-east-1"],
        services=["ec2", "elbv2"],
        max_attempts=1,
        read_timeout=10,
    )
    inventory = collect_live(options)
    yield Estate(inventory, {"prod": prod, "staging": staging}, subnets, groups)
    reset(moto_url)


def test_net_006_live_private_subnet_mapping_public_ips_fails(estate: Estate) -> None:
    found = statuses(scan_inventory(estate.inventory, {"NET-006"}), "NET-006")
    assert found[estate.subnets["public_0"]] == "PASS"
    assert found[estate.subnets["private_0"]] == "FAIL"
    assert found[estate.subnets["database_0"]] == "PASS"


def test_net_007_live_prod_endpoints_pass_staging_without_dynamodb_fails(estate: Estate) -> None:
    found = statuses(scan_inventory(estate.inventory, {"NET-007"}), "NET-007")
    assert found[f"{estate.vpcs['prod']}/vpc-endpoints"] == "PASS"
    assert found[f"{estate.vpcs['staging']}/vpc-endpoints"] == "FAIL"


def test_net_008_live_private_attachment_passes_public_attachment_fails(estate: Estate) -> None:
    found = statuses(scan_as_network_account(estate.inventory, {"NET-008"}), "NET-008")
    assert found[f"{estate.vpcs['prod']}/transit-gateway"] == "PASS"
    assert found[f"{estate.vpcs['staging']}/transit-gateway"] == "FAIL"


def test_net_008_live_gateway_outside_network_account_fails(estate: Estate) -> None:
    """With the bundled baseline, moto's account is not the network account."""
    findings = scan_inventory(estate.inventory, {"NET-008"})
    prod = next(f for f in findings if f.resource_id == f"{estate.vpcs['prod']}/transit-gateway")
    assert prod.status.value == "FAIL"
    assert "is not in the network account" in prod.message


def test_net_009_live_prod_alb_and_nlb_pass_staging_without_alb_fails(estate: Estate) -> None:
    found = statuses(scan_inventory(estate.inventory, {"NET-009"}), "NET-009")
    assert found[f"{estate.vpcs['prod']}/load-balancers"] == "PASS"
    assert found[f"{estate.vpcs['staging']}/load-balancers"] == "FAIL"


def test_net_010_live_alb_group_on_443_passes_world_ssh_fails(estate: Estate) -> None:
    found = statuses(scan_inventory(estate.inventory, {"NET-010"}), "NET-010")
    assert found[estate.groups["alb"]] == "PASS"
    assert found[estate.groups["app"]] == "FAIL"


def test_net_011_live_custom_acl_passes_default_acl_fails(estate: Estate) -> None:
    found = statuses(scan_inventory(estate.inventory, {"NET-011"}), "NET-011")
    assert found[estate.subnets["private_0"]] == "PASS"
    assert found[estate.subnets["private_1"]] == "FAIL"


def test_net_012_live_connection_in_network_account(moto: Seeder, audit) -> None:  # noqa: F811
    """No connection: UNKNOWN (moto lacks DescribeDirectConnectGateways, so a gateway could
    exist unseen; the FAIL path with both collected is test_net_012_none_fails_and_gap_is_unknown
    in policies/network_test.rego). With a connection: PASS."""
    scope = f"{DEFAULT_ACCOUNT}/direct-connect"
    regions = ["us-west-2", "us-east-1"]  # us-east-1 is the home task, where gateways are read
    empty = scan_as_network_account(audit(["directconnect"], regions=regions), {"NET-012"})
    assert statuses(empty, "NET-012")[scope] == "UNKNOWN"
    moto.client("directconnect", "us-west-2").create_connection(
        location="EqSe2", bandwidth="10Gbps", connectionName="network-dx"
    )
    found = scan_as_network_account(audit(["directconnect"], regions=regions), {"NET-012"})
    assert statuses(found, "NET-012")[scope] == "PASS"
