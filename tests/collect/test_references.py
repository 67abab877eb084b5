"""Links between resources: after values, configuration references, modules, count, for_each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.terraform import collect_plan
from scanner.inventory.model import Inventory, Resource
from tests.collect.conftest import DATA, raw_changes, read_json


@pytest.fixture(scope="module")
def network() -> dict[str, Resource]:
    return collect_plan(DATA / "network_plan.json").by_id()


@pytest.fixture(scope="module")
def apps() -> dict[str, Resource]:
    return collect_plan(DATA / "apps_plan.json").by_id()


@pytest.fixture(scope="module")
def data() -> dict[str, Resource]:
    return collect_plan(DATA / "data_plan.json").by_id()


def _of_type(resources: dict[str, Resource], rtype: str) -> list[Resource]:
    return [r for r in resources.values() if r.type == rtype]


# -- network ------------------------------------------------------------------------------


def test_subnet_to_vpc_through_an_indexed_reference(network: dict[str, Resource]) -> None:
    for pos in (0, 1):
        subnet = network[f"module.network.aws_subnet.private[{pos}]"]
        assert subnet.refs["vpc"] == "module.network.aws_vpc.this[0]"
        assert "refs.vpc" not in subnet.unknown


def test_subnet_to_vpc_through_a_local(network: dict[str, Resource]) -> None:
    # `vpc_id = local.vpc_id`: locals are not in the JSON plan; the only VPC of the module.
    for key in ("a", "b"):
        assert network[f'module.network.aws_subnet.public["{key}"]'].refs["vpc"] == (
            "module.network.aws_vpc.this[0]"
        )
    assert network["module.network.aws_internet_gateway.this"].refs["vpc"] == (
        "module.network.aws_vpc.this[0]"
    )


def test_subnet_to_vpc_through_a_module_local_in_a_real_plan(real_plan) -> None:
    inventory = collect_plan(real_plan("opencostcalc_eks_vpc.json"))
    subnets = [r for r in inventory.resources if r.type == "aws_subnet"]
    assert len(subnets) == 6
    assert {r.refs["vpc"] for r in subnets} == {"module.vpc.aws_vpc.this[0]"}
    assert inventory.by_id()["module.vpc.aws_vpc.this[0]"].type == "aws_vpc"


def test_nat_gateway_to_subnet_by_count_index_over_for_each_instances(
    network: dict[str, Resource],
) -> None:
    # subnet_id = values(aws_subnet.public)[count.index].id
    assert network["module.network.aws_nat_gateway.this[0]"].refs["subnet"] == (
        'module.network.aws_subnet.public["a"]'
    )
    assert network["module.network.aws_nat_gateway.this[1]"].refs["subnet"] == (
        'module.network.aws_subnet.public["b"]'
    )


def test_route_resources_fold_with_their_targets(network: dict[str, Resource]) -> None:
    for pos in (0, 1):
        table = network[f"module.network.aws_route_table.private[{pos}]"]
        assert table.refs["vpc"] == "module.network.aws_vpc.this[0]"
        assert table.attributes["routes"] == [
            {
                "destination": "0.0.0.0/0",
                "target_type": "nat_gateway",
                "target": f"module.network.aws_nat_gateway.this[{pos}]",
            }
        ]
        assert table.refs["subnets"] == [f"module.network.aws_subnet.private[{pos}]"]


def test_inline_route_and_for_each_association(network: dict[str, Resource]) -> None:
    table = network["module.network.aws_route_table.public"]
    assert table.attributes["routes"] == [
        {
            "destination": "0.0.0.0/0",
            "target_type": "internet_gateway",
            "target": "module.network.aws_internet_gateway.this",
        }
    ]
    # for_each = aws_subnet.public; subnet_id = each.value.id
    assert table.refs["subnets"] == [
        'module.network.aws_subnet.public["a"]',
        'module.network.aws_subnet.public["b"]',
    ]
    assert table.attributes["main"] is True


def test_vpc_endpoint_links(network: dict[str, Resource]) -> None:
    s3 = network["module.network.aws_vpc_endpoint.s3"]
    assert s3.refs["vpc"] == "module.network.aws_vpc.this[0]"
    assert s3.refs["route_tables"] == [
        "module.network.aws_route_table.private[0]",
        "module.network.aws_route_table.private[1]",
    ]
    ecr = network["module.network.aws_vpc_endpoint.ecr_api"]
    assert ecr.refs["subnets"] == [
        "module.network.aws_subnet.private[0]",
        "module.network.aws_subnet.private[1]",
    ]


def test_known_aws_id_is_kept(network: dict[str, Resource]) -> None:
    plan = read_json(DATA / "network_plan.json")
    shared_vpc = plan["variables"]["shared_vpc_id"]["value"]
    assert network["aws_subnet.shared"].refs["vpc"] == shared_vpc


def test_known_id_of_a_planned_resource_names_that_resource(network: dict[str, Resource]) -> None:
    plan = read_json(DATA / "network_plan.json")
    legacy_vpc = next(c for c in raw_changes(plan) if c["address"] == "aws_vpc.legacy")
    subnet = next(c for c in raw_changes(plan) if c["address"] == "aws_subnet.legacy")
    assert subnet["change"]["after"]["vpc_id"] == legacy_vpc["change"]["after"]["id"]
    assert network["aws_subnet.legacy"].refs["vpc"] == "aws_vpc.legacy"


def test_known_ids_in_real_plans_are_kept(real_plan) -> None:
    path = real_plan("checkov_for_each_tf19.json")
    plan = read_json(path)
    groups = [c for c in raw_changes(plan) if c["type"] == "aws_security_group"]
    inventory = collect_plan(path).by_id()
    for change in groups:
        assert change["address"].startswith('module.sg["')
        assert inventory[change["address"]].refs["vpc"] == change["change"]["after"]["vpc_id"]


def test_direct_references_of_terraform_0_12(real_plan) -> None:
    inventory = collect_plan(real_plan("tfcompliance_lb_listener_issue171.json")).by_id()
    for name in ("privA", "privB", "pubA", "pubB"):
        assert inventory[f"aws_subnet.test-subnet-{name}"].refs["vpc"] == "aws_vpc.test-vpc"
    assert inventory["aws_internet_gateway.test-igw"].refs["vpc"] == "aws_vpc.test-vpc"
    table = inventory["aws_route_table.test-pub-rtb"]
    assert table.refs["vpc"] == "aws_vpc.test-vpc"
    assert table.refs["subnets"] == ["aws_subnet.test-subnet-pubA", "aws_subnet.test-subnet-pubB"]
    lb = inventory["aws_lb.nlb-noncompliant"]
    assert lb.refs["subnets"] == ["aws_subnet.test-subnet-pubA", "aws_subnet.test-subnet-pubB"]
    assert lb.refs["security_groups"] == ["aws_security_group.sg-loadBalancer-noncompliant"]
    for listener in ("tcp", "udp", "tcpudp"):
        assert (
            inventory[f"aws_lb_listener.{listener}-listener-noncompliant"].refs["load_balancer"]
            == "aws_lb.nlb-noncompliant"
        )


def test_nat_gateway_to_subnet_in_a_real_plan(real_plan) -> None:
    inventory = collect_plan(real_plan("tfcompliance_nat_vpn_pull330.json")).by_id()
    assert inventory["aws_nat_gateway.gw"].refs["subnet"] == "aws_subnet.test"


# -- modules ------------------------------------------------------------------------------


def test_security_group_to_vpc_through_module_output_and_variable(
    apps: dict[str, Resource],
) -> None:
    for app in ("api", "web"):
        group = apps[f'module.apps["{app}"].aws_security_group.app']
        assert group.refs["vpc"] == "module.network.aws_vpc.this"


def test_references_through_nested_module_outputs(real_plan) -> None:
    # child2's `var.child_vpc_id` <- module.child1.grandchild_vpc
    #   <- module.grandchild1.grandchild_vpc <- aws_vpc.grandchild
    inventory = collect_plan(real_plan("regula_vpc_sg_tf10.json")).by_id()
    grandchild_vpc = "module.child1.module.grandchild1.aws_vpc.grandchild"
    assert inventory["module.child2.aws_security_group.child"].refs["vpc"] == grandchild_vpc
    assert inventory["aws_security_group.parent"].refs["vpc"] == grandchild_vpc
    assert (
        inventory["module.child1.module.grandchild1.aws_security_group.grandchild"].refs["vpc"]
        == grandchild_vpc
    )


def test_security_group_rules_fold_into_their_group(apps: dict[str, Resource]) -> None:
    for app in ("api", "web"):
        address = f'module.apps["{app}"].aws_security_group.app'
        group = apps[address]
        assert [
            (r["protocol"], r["from_port"], r["to_port"]) for r in group.attributes["ingress"]
        ] == [
            ("tcp", 443, 443),
            ("tcp", 8080, 8080),
        ]
        assert group.attributes["ingress"][1]["security_groups"] == [address]
        assert group.attributes["ingress"][1]["self"] is True
        assert group.attributes["egress"] == [
            {
                "protocol": "-1",
                "from_port": 0,
                "to_port": 0,
                "cidr_blocks": ["0.0.0.0/0"],
                "ipv6_cidr_blocks": [],
                "security_groups": [],
                "self": False,
                "description": None,
            }
        ]


def test_load_balancer_and_listener_in_for_each_modules(apps: dict[str, Resource]) -> None:
    private_subnets = [f"module.network.aws_subnet.private[{i}]" for i in range(3)]
    for app in ("api", "web"):
        lb = f'module.apps["{app}"].aws_lb.this'
        assert apps[lb].refs["subnets"] == private_subnets
        assert apps[lb].refs["security_groups"] == [f'module.apps["{app}"].aws_security_group.app']
        assert apps[f'module.apps["{app}"].aws_lb_listener.http'].refs["load_balancer"] == lb


def test_autoscaling_group_links(apps: dict[str, Resource]) -> None:
    for app in ("api", "web"):
        group = apps[f'module.apps["{app}"].aws_autoscaling_group.app']
        assert group.refs["subnets"] == [
            f"module.network.aws_subnet.private[{i}]" for i in range(3)
        ]
        assert group.refs["launch_template"] == f'module.apps["{app}"].aws_launch_template.app'


def test_autoscaling_group_to_launch_template_in_real_plans(real_plan) -> None:
    regula = collect_plan(real_plan("regula_asg_launch_template.json")).by_id()
    assert regula["aws_autoscaling_group.example"].refs["launch_template"] == (
        "aws_launch_template.example"
    )
    terracost = collect_plan(real_plan("terracost_asg_launch_template.json")).by_id()
    assert terracost["module.magento.aws_autoscaling_group.lt"].refs["launch_template"] == (
        "module.magento.aws_launch_template.foobar"
    )


def test_eks_links_through_a_positional_module_output(apps: dict[str, Resource]) -> None:
    # subnet_ids = [module.network.private_subnets[1]]
    cluster = apps["module.eks.aws_eks_cluster.this"]
    assert cluster.refs["subnets"] == ["module.network.aws_subnet.private[1]"]
    for group in ("spot", "system"):
        node_group = apps[f'module.eks.aws_eks_node_group.this["{group}"]']
        assert node_group.refs["cluster"] == "module.eks.aws_eks_cluster.this"
        assert node_group.refs["subnets"] == ["module.network.aws_subnet.private[1]"]
        assert node_group.refs["launch_template"] == "module.eks.aws_launch_template.nodes"


def test_node_group_to_cluster_in_a_real_plan(real_plan) -> None:
    inventory = collect_plan(real_plan("opencostcalc_eks_lb_controller.json")).by_id()
    assert inventory["module.eks.aws_eks_node_group.eks_nodes"].refs["cluster"] == (
        "module.eks.aws_eks_cluster.eks_cluster"
    )


def test_alb_alias_listener_to_load_balancer(real_plan) -> None:
    inventory = collect_plan(real_plan("tfcompliance_alb_asg_issue249.json")).by_id()
    listener = inventory["module.alb.aws_alb_listener.alb"]
    assert listener.type == "aws_lb_listener"
    assert listener.refs["load_balancer"] == "module.alb.aws_alb.alb"
    assert inventory["module.alb.aws_alb.alb"].type == "aws_lb"


# -- data -----------------------------------------------------------------------------------


def test_cluster_instances_to_cluster(data: dict[str, Resource]) -> None:
    for pos in (0, 1):
        instance = data[f"module.data.aws_rds_cluster_instance.main[{pos}]"]
        assert instance.refs["cluster"] == "module.data.aws_rds_cluster.main"
    cluster = data["module.data.aws_rds_cluster.main"]
    assert cluster.refs == {
        "subnet_group": "module.data.aws_db_subnet_group.main",
        "kms_key": "module.data.aws_kms_key.db",
    }


def test_s3_split_resources_find_their_bucket(real_plan) -> None:
    # Three buckets are all named "testing": the configuration tells them apart.
    path = real_plan("checkov_nested_modules_s3_connections.json")
    plan = read_json(path)
    blocks = {
        c["address"]: c["change"]["after"]
        for c in raw_changes(plan)
        if c["type"] == "aws_s3_bucket_public_access_block"
    }
    inventory = collect_plan(path).by_id()
    pairs = {
        "aws_s3_bucket_public_access_block.root": "aws_s3_bucket.root_bucket",
        "module.s3_module.aws_s3_bucket_public_access_block.module_bucket": (
            "module.s3_module.aws_s3_bucket.module_bucket"
        ),
        "module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket": (
            "module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket"
        ),
    }
    for block, bucket in pairs.items():
        after = blocks[block]
        assert inventory[bucket].attributes["public_access_block"] == {
            field: bool(after[field])
            for field in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
        }
        assert block not in inventory


def test_replication_destination_is_linked(data: dict[str, Resource]) -> None:
    assert data["aws_s3_bucket.logs"].refs["replication_destinations"] == ["aws_s3_bucket.replica"]


# -- count, for_each and splat on a small plan ------------------------------------------------


def _tiny(tmp_path: Path, references: list[str], *, count_key: Any = None) -> Inventory:
    """Three subnets (two for_each, one count) and a route table association to test."""

    def change(address: str, rtype: str, name: str, key: Any, after: dict, unknown: dict) -> dict:
        out = {"address": address, "mode": "managed", "type": rtype, "name": name}
        if key is not None:
            out["index"] = key
        out["change"] = {"actions": ["create"], "after": after, "after_unknown": unknown}
        return out

    subnet_unknown = {"id": True, "vpc_id": True}
    changes = [
        change('aws_subnet.zone["a"]', "aws_subnet", "zone", "a", {}, subnet_unknown),
        change('aws_subnet.zone["b"]', "aws_subnet", "zone", "b", {}, subnet_unknown),
        change("aws_subnet.extra[0]", "aws_subnet", "extra", 0, {}, subnet_unknown),
        change("aws_route_table.rt", "aws_route_table", "rt", None, {}, {"id": True}),
        change(
            "aws_vpc_endpoint.x" + ("" if count_key is None else f"[{count_key}]"),
            "aws_vpc_endpoint",
            "x",
            count_key,
            {"service_name": "com.amazonaws.eu-west-1.s3"},
            {"subnet_ids": True, "vpc_id": True},
        ),
    ]
    resources = [
        {"address": "aws_subnet.zone", "mode": "managed", "type": "aws_subnet", "name": "zone"},
        {"address": "aws_subnet.extra", "mode": "managed", "type": "aws_subnet", "name": "extra"},
        {
            "address": "aws_route_table.rt",
            "mode": "managed",
            "type": "aws_route_table",
            "name": "rt",
        },
        {
            "address": "aws_vpc_endpoint.x",
            "mode": "managed",
            "type": "aws_vpc_endpoint",
            "name": "x",
            "expressions": {"subnet_ids": {"references": references}},
        },
    ]
    plan = {
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": resources}},
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return collect_plan(path)


def _endpoint(inventory: Inventory) -> Resource:
    return next(r for r in inventory.resources if r.type == "aws_vpc_endpoint")


def test_splat_names_every_instance(tmp_path: Path) -> None:
    endpoint = _endpoint(_tiny(tmp_path, ["aws_subnet.zone[*].id", "aws_subnet.zone"]))
    assert endpoint.refs["subnets"] == ['aws_subnet.zone["a"]', 'aws_subnet.zone["b"]']


def test_string_key_names_one_instance(tmp_path: Path) -> None:
    refs = ['aws_subnet.zone["b"].id', 'aws_subnet.zone["b"]', "aws_subnet.zone"]
    assert _endpoint(_tiny(tmp_path, refs)).refs["subnets"] == ['aws_subnet.zone["b"]']


def test_integer_key_names_one_instance(tmp_path: Path) -> None:
    refs = ["aws_subnet.extra[0].id", "aws_subnet.extra[0]", "aws_subnet.extra"]
    assert _endpoint(_tiny(tmp_path, refs)).refs["subnets"] == ["aws_subnet.extra[0]"]


def test_several_blocks_concatenated(tmp_path: Path) -> None:
    refs = ["aws_subnet.zone", "aws_subnet.extra", "aws_route_table.rt"]
    assert _endpoint(_tiny(tmp_path, refs)).refs["subnets"] == [
        'aws_subnet.zone["a"]',
        'aws_subnet.zone["b"]',
        "aws_subnet.extra[0]",
    ]


def test_count_index_picks_the_same_position(tmp_path: Path) -> None:
    # element(values(aws_subnet.zone)[*].id, count.index) in the endpoint with index 1
    endpoint = _endpoint(_tiny(tmp_path, ["aws_subnet.zone", "count.index"], count_key=1))
    assert endpoint.refs["subnets"] == ['aws_subnet.zone["b"]']


def test_reference_to_a_resource_outside_the_plan_is_unresolved(tmp_path: Path) -> None:
    endpoint = _endpoint(_tiny(tmp_path, ["aws_subnet.missing[0].id", "aws_subnet.missing"]))
    assert "subnets" not in endpoint.refs
    assert "refs.subnets" in endpoint.unknown
