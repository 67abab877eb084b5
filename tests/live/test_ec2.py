"""EC2 collectors against a moto server: network layout, security groups, compute and EBS,
reserved instances as a service of their own, and IAM actions declared for every call."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.errors import CollectionFailure
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.collect.aws.services import ec2, ec2_reserved
from scanner.inventory.io import dump_inventory, validate_inventory
from scanner.inventory.model import CoverageStatus, Inventory, Resource

REGION = "us-west-2"
OTHER = "us-east-1"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def of_type(inventory: Inventory, rtype: str) -> dict[str, Resource]:
    """Resources of one type, by id."""
    return {r.id: r for r in inventory.resources if r.type == rtype}


def tags(**values: str) -> list[dict[str, Any]]:
    """A TagSpecification-style tag list."""
    return [{"Key": k, "Value": v} for k, v in values.items()]


def seed_network(client: Any) -> dict[str, Any]:
    """A prod-like VPC: public subnets in 3 AZs behind an IGW, a private one behind a NAT."""
    ids: dict[str, Any] = {}
    vpc = client.create_vpc(
        CidrBlock="10.2.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": tags(Name="prod", Environment="prod")}],
    )["Vpc"]["VpcId"]
    client.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    ids["vpc"] = vpc
    ids["public"] = []
    for index, zone in enumerate("abc", start=1):
        subnet = client.create_subnet(
            VpcId=vpc, CidrBlock=f"10.2.{index}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]["SubnetId"]
        client.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
        ids["public"].append(subnet)
    ids["private"] = client.create_subnet(
        VpcId=vpc, CidrBlock="10.2.10.0/24", AvailabilityZone=f"{REGION}b"
    )["Subnet"]["SubnetId"]
    ids["igw"] = client.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    client.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=vpc)
    ids["eigw"] = client.create_egress_only_internet_gateway(VpcId=vpc)[
        "EgressOnlyInternetGateway"
    ]["EgressOnlyInternetGatewayId"]
    allocation = client.allocate_address(Domain="vpc")["AllocationId"]
    ids["nat"] = client.create_nat_gateway(SubnetId=ids["public"][1], AllocationId=allocation)[
        "NatGateway"
    ]["NatGatewayId"]
    ids["tgw"] = client.create_transit_gateway(Description="hub")["TransitGateway"][
        "TransitGatewayId"
    ]
    ids["attachment"] = client.create_transit_gateway_vpc_attachment(
        TransitGatewayId=ids["tgw"], VpcId=vpc, SubnetIds=[ids["private"]]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ids["rt_public"] = client.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    client.create_route(
        RouteTableId=ids["rt_public"], DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"]
    )
    for subnet in ids["public"]:
        client.associate_route_table(RouteTableId=ids["rt_public"], SubnetId=subnet)
    private = client.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ids["rt_private"] = private
    client.create_route(
        RouteTableId=private, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat"]
    )
    client.create_route(
        RouteTableId=private, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=ids["tgw"]
    )
    client.create_route(
        RouteTableId=private,
        DestinationIpv6CidrBlock="::/0",
        EgressOnlyInternetGatewayId=ids["eigw"],
    )
    client.associate_route_table(RouteTableId=private, SubnetId=ids["private"])
    ids["s3"] = client.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[private],
    )["VpcEndpoint"]["VpcEndpointId"]
    ids["ecr"] = client.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.ecr.dkr",
        VpcEndpointType="Interface",
        SubnetIds=[ids["private"]],
    )["VpcEndpoint"]["VpcEndpointId"]
    return ids


def test_network_layout_with_refs(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    client = moto.client("ec2", REGION)
    ids = seed_network(client)
    gone = client.create_nat_gateway(SubnetId=ids["public"][0])["NatGateway"]["NatGatewayId"]
    client.delete_nat_gateway(NatGatewayId=gone)
    inventory = audit(["ec2"], regions=[REGION, OTHER])

    assert {(e.region, e.status) for e in inventory.coverage if e.service == "ec2"} == {
        (REGION, CoverageStatus.OK),
        (OTHER, CoverageStatus.OK),
    }
    vpcs = of_type(inventory, "aws_vpc")
    vpc = vpcs[ids["vpc"]]
    assert (vpc.region, vpc.account, vpc.name, vpc.source) == (
        REGION,
        DEFAULT_ACCOUNT,
        "prod",
        "live",
    )
    assert vpc.tags == {"Name": "prod", "Environment": "prod"}
    assert vpc.attributes == {
        "cidr_block": "10.2.0.0/16",
        "enable_dns_hostnames": True,
        "enable_dns_support": True,
        "is_default": False,
    }
    defaults = {v.region: v for v in vpcs.values() if v.attributes["is_default"]}
    assert set(defaults) == {REGION, OTHER}  # each region's own default VPC, flagged
    assert all(v.attributes["cidr_block"] == "172.31.0.0/16" for v in defaults.values())

    subnets = of_type(inventory, "aws_subnet")
    public = [subnets[s] for s in ids["public"]]
    assert [s.attributes["availability_zone"] for s in public] == [f"{REGION}{z}" for z in "abc"]
    assert all(s.refs == {"vpc": ids["vpc"]} for s in public)
    assert public[0].attributes == {
        "cidr_block": "10.2.1.0/24",
        "availability_zone": f"{REGION}a",
        "map_public_ip_on_launch": True,
        "is_default": False,
    }
    assert subnets[ids["private"]].attributes["map_public_ip_on_launch"] is False

    tables = of_type(inventory, "aws_route_table")
    rt_public = tables[ids["rt_public"]]
    assert rt_public.attributes == {
        "routes": [
            {"destination": "10.2.0.0/16", "target_type": "local", "target": "local"},
            {"destination": "0.0.0.0/0", "target_type": "internet_gateway", "target": ids["igw"]},
        ],
        "main": False,
    }
    assert rt_public.refs == {"vpc": ids["vpc"], "subnets": ids["public"]}
    private_routes = tables[ids["rt_private"]].attributes["routes"]
    assert {r["destination"]: (r["target_type"], r["target"]) for r in private_routes} == {
        "10.2.0.0/16": ("local", "local"),
        "0.0.0.0/0": ("nat_gateway", ids["nat"]),
        "10.0.0.0/8": ("transit_gateway", ids["tgw"]),
        "::/0": ("egress_only_internet_gateway", ids["eigw"]),
        next(r["destination"] for r in private_routes if r["destination"].startswith("pl-")): (
            "vpc_endpoint",
            ids["s3"],
        ),
    }
    assert tables[ids["rt_private"]].refs["subnets"] == [ids["private"]]
    (main,) = [t for t in tables.values() if t.refs["vpc"] == ids["vpc"] and t.attributes["main"]]
    assert main.refs["subnets"] == []  # implicit associations stay implicit, as in a plan

    assert of_type(inventory, "aws_internet_gateway")[ids["igw"]].refs == {"vpc": ids["vpc"]}
    nats = of_type(inventory, "aws_nat_gateway")
    assert gone not in nats
    assert nats[ids["nat"]].attributes == {
        "connectivity_type": "public",
        "availability_zone": f"{REGION}b",
        "state": "available",
    }
    assert nats[ids["nat"]].refs == {"subnet": ids["public"][1]}

    endpoints = of_type(inventory, "aws_vpc_endpoint")
    s3, ecr = endpoints[ids["s3"]], endpoints[ids["ecr"]]
    assert (s3.attributes["service"], s3.attributes["vpc_endpoint_type"]) == ("s3", "Gateway")
    assert s3.attributes["service_name"] == f"com.amazonaws.{REGION}.s3"
    assert s3.refs == {"vpc": ids["vpc"], "subnets": [], "route_tables": [ids["rt_private"]]}
    assert (ecr.attributes["service"], ecr.attributes["vpc_endpoint_type"]) == (
        "ecr.dkr",
        "Interface",
    )
    assert ecr.refs["subnets"] == [ids["private"]]

    tgw = of_type(inventory, "aws_ec2_transit_gateway")[ids["tgw"]]
    assert (tgw.attributes["description"], tgw.attributes["owner_id"]) == ("hub", DEFAULT_ACCOUNT)
    attachment = of_type(inventory, "aws_ec2_transit_gateway_vpc_attachment")[ids["attachment"]]
    assert attachment.refs == {
        "transit_gateway": ids["tgw"],
        "vpc": ids["vpc"],
        "subnets": [ids["private"]],
    }

    seeded = {v for v in ids.values() if isinstance(v, str)} | set(ids["public"])
    placed = {r.id: r.region for r in inventory.resources if r.id in seeded}
    assert set(placed) == seeded - {ids["eigw"]}  # egress-only gateways are not collected
    assert set(placed.values()) == {REGION}
    assert not [r for r in inventory.resources if r.region == OTHER and not _default_estate(r)]
    validate_inventory(json.loads(dump_inventory(inventory)), "live")


def _default_estate(resource: Resource) -> bool:
    """What a fresh region holds: its default VPC, subnets, tables, ACL, group and gateway."""
    return resource.type in {
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_network_acl",
        "aws_security_group",
        "aws_internet_gateway",
    }


def test_security_groups_and_acls(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    client = moto.client("ec2", REGION)
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = client.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    app = client.create_security_group(GroupName="app", Description="app tier", VpcId=vpc)
    web = client.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)
    app_id, web_id = app["GroupId"], web["GroupId"]
    client.authorize_security_group_ingress(
        GroupId=web_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "ssh"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8081,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                "UserIdGroupPairs": [{"GroupId": app_id}, {"GroupId": web_id}],
            },
        ],
    )
    acl = client.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    client.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=90,
        Protocol="6",
        RuleAction="deny",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )
    inventory = audit(["ec2"], regions=[REGION])

    groups = of_type(inventory, "aws_security_group")
    group = groups[web_id]
    assert (group.name, group.attributes["name"], group.attributes["description"]) == (
        "web",
        "web",
        "web tier",
    )
    assert group.refs == {"vpc": vpc}
    rule = {
        "protocol": "tcp",
        "cidr_blocks": [],
        "ipv6_cidr_blocks": [],
        "security_groups": [],
        "self": False,
        "description": None,
    }
    assert sorted(group.attributes["ingress"], key=lambda r: r["from_port"]) == [
        rule
        | {
            "from_port": 22,
            "to_port": 22,
            "cidr_blocks": ["0.0.0.0/0"],
            "ipv6_cidr_blocks": ["::/0"],
            "description": "ssh",
        },
        rule
        | {
            "from_port": 8080,
            "to_port": 8081,
            "cidr_blocks": ["10.0.0.0/8"],
            "security_groups": [app_id],
            "self": True,
        },
    ]
    all_traffic = rule | {"protocol": "-1", "from_port": None, "to_port": None}
    assert group.attributes["egress"] == [all_traffic | {"cidr_blocks": ["0.0.0.0/0"]}]
    assert groups[app_id].attributes["ingress"] == []

    acls = of_type(inventory, "aws_network_acl")
    custom = acls[acl]
    assert custom.attributes["is_default"] is False
    assert custom.refs == {"vpc": vpc, "subnets": []}
    assert {
        "rule_number": 90,
        "egress": False,
        "protocol": "tcp",
        "rule_action": "deny",
        "cidr_block": "0.0.0.0/0",
        "ipv6_cidr_block": None,
        "from_port": 22,
        "to_port": 22,
        "icmp_type": None,
        "icmp_code": None,
    } in custom.attributes["entries"]
    (default,) = [a for a in acls.values() if a.refs["vpc"] == vpc and a.attributes["is_default"]]
    assert default.refs["subnets"] == [subnet]
    assert {(e["rule_number"], e["rule_action"]) for e in default.attributes["entries"]} == {
        (100, "allow"),
        (32767, "deny"),
    }


def test_compute_storage_and_ips(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    client = moto.client("ec2", REGION)
    subnet = client.create_subnet(
        VpcId=client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"],
        CidrBlock="10.0.1.0/24",
        AvailabilityZone=f"{REGION}a",
    )["Subnet"]["SubnetId"]
    spot, on_demand, ended = (
        client.run_instances(
            ImageId="ami-12345678",
            MinCount=1,
            MaxCount=1,
            InstanceType=kind,
            SubnetId=subnet,
            **extra,
        )["Instances"][0]["InstanceId"]
        for kind, extra in (
            ("t3.large", {"InstanceMarketOptions": {"MarketType": "spot"}}),
            ("m5.xlarge", {}),
            ("t3.micro", {}),
        )
    )
    client.terminate_instances(InstanceIds=[ended])
    zone = f"{REGION}a"
    gp2 = client.create_volume(AvailabilityZone=zone, Size=10, VolumeType="gp2")["VolumeId"]
    gp3 = client.create_volume(
        AvailabilityZone=zone, Size=20, VolumeType="gp3", Iops=3000, Encrypted=True
    )["VolumeId"]
    client.attach_volume(VolumeId=gp3, InstanceId=on_demand, Device="/dev/sdf")
    snapshot = client.create_snapshot(VolumeId=gp2, Description="nightly")["SnapshotId"]
    template = client.create_launch_template(
        LaunchTemplateName="nodes", LaunchTemplateData={"InstanceType": "t3.medium"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    client.create_launch_template_version(
        LaunchTemplateId=template,
        LaunchTemplateData={
            "InstanceType": "m5.large",
            "InstanceMarketOptions": {"MarketType": "spot"},
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50, "VolumeType": "gp3"}}
            ],
        },
    )
    idle = client.allocate_address(Domain="vpc")["AllocationId"]
    used = client.allocate_address(Domain="vpc")["AllocationId"]
    client.associate_address(AllocationId=used, InstanceId=spot)
    inventory = audit(["ec2"], regions=[REGION])

    instances = of_type(inventory, "aws_instance")
    assert set(instances) == {spot, on_demand}  # the terminated one is gone
    assert instances[spot].attributes == {
        "instance_type": "t3.large",
        "lifecycle": "spot",
        "state": "running",
        "availability_zone": zone,
    }
    assert instances[on_demand].attributes["lifecycle"] == "on-demand"
    assert instances[spot].refs == {"subnet": subnet}

    volumes = of_type(inventory, "aws_ebs_volume")
    assert volumes[gp2].attributes == {
        "type": "gp2",
        "size": 10,
        "encrypted": False,
        "availability_zone": zone,
        "snapshot_id": None,
        "attached": False,
        "state": "available",
    }
    assert volumes[gp2].refs == {}
    encrypted = volumes[gp3]
    assert (encrypted.attributes["type"], encrypted.attributes["iops"]) == ("gp3", 3000)
    assert (encrypted.attributes["encrypted"], encrypted.attributes["attached"]) == (True, True)
    assert encrypted.attributes["state"] == "in-use"
    assert encrypted.refs["kms_key"].startswith(f"arn:aws:kms:{REGION}:")

    snapshots = of_type(inventory, "aws_ebs_snapshot")
    assert set(snapshots) == {snapshot}  # own snapshots only (the fixture loads no AMIs)
    taken = snapshots[snapshot]
    started = datetime.strptime(taken.attributes["start_time"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs((datetime.now(UTC) - started.replace(tzinfo=UTC)).total_seconds()) < 600
    assert (taken.attributes["age_days"], taken.attributes["volume_size"]) == (0, 10)
    assert (taken.attributes["encrypted"], taken.refs) == (False, {"volume": gp2})

    templates = of_type(inventory, "aws_launch_template")
    assert templates[template].name == "nodes"
    assert templates[template].attributes == {
        "name": "nodes",
        "instance_type": "m5.large",
        "market_type": "spot",
        "block_devices": [
            {"device_name": "/dev/xvda", "volume_type": "gp3", "volume_size": 50, "encrypted": None}
        ],
        "latest_version": 2,
        "default_version": 1,
    }

    validate_inventory(json.loads(dump_inventory(inventory)), "live")  # JSON-ready, in schema
    ips = of_type(inventory, "aws_eip")
    assert ips[idle].attributes["associated"] is False
    assert "instance" not in ips[idle].attributes
    assert (ips[used].attributes["associated"], ips[used].attributes["instance"]) == (True, spot)


def test_reserved_instances_fail_alone(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    client = moto.client("ec2", REGION)
    try:
        client.describe_reserved_instances()
        answer = "implemented"
    except ResponseParserError as exc:  # an HTML page, not an EC2 error document
        answer = str(exc)
    except ClientError as exc:
        answer = str(exc)
    assert "500 Internal Server Error" in answer, f"moto now answers: {answer[:200]}"

    vpc = client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    inventory = audit(["ec2", "ec2-reserved"], regions=[REGION])
    ledger = {e.service: e for e in inventory.coverage if e.region == REGION}
    assert ledger["ec2"].status == CoverageStatus.OK
    assert vpc in of_type(inventory, "aws_vpc")
    reserved = ledger["ec2-reserved"]
    assert (reserved.status, reserved.api_call) == (
        CoverageStatus.UNSUPPORTED,
        "ec2:DescribeReservedInstances",
    )
    assert not of_type(inventory, "aws_ec2_reserved_instances")


def test_every_call_is_a_declared_permission(moto: Seeder) -> None:
    client = moto.client("ec2", REGION)
    seed_network(client)
    client.create_volume(AvailabilityZone=f"{REGION}a", Size=1)
    client.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={})
    ctx = CollectContext(DEFAULT_ACCOUNT, REGION, lambda s, r: moto.client(s, r))
    assert list(ec2.SPEC.collect(ctx))
    assert set(ctx.calls) == set(ec2.SPEC.permissions)

    reserved = CollectContext(DEFAULT_ACCOUNT, REGION, lambda s, r: moto.client(s, r))
    with pytest.raises(CollectionFailure) as failure:
        list(ec2_reserved.SPEC.collect(reserved))
    assert failure.value.status == CoverageStatus.UNSUPPORTED
    assert set(reserved.calls) == set(ec2_reserved.SPEC.permissions)
