"""Canonical attributes of each mapped type (docs/inventory.md), checked against raw values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.terraform import collect_plan
from scanner.inventory.model import Resource
from tests.collect.conftest import DATA, raw_changes, raw_resource_change, read_json


def _after(plan: dict[str, Any], address: str) -> dict[str, Any]:
    return raw_resource_change(plan, address)["change"]["after"]


@pytest.fixture(scope="module")
def network() -> tuple[dict, dict[str, Resource]]:
    return read_json(DATA / "network_plan.json"), collect_plan(DATA / "network_plan.json").by_id()


@pytest.fixture(scope="module")
def apps() -> tuple[dict, dict[str, Resource]]:
    return read_json(DATA / "apps_plan.json"), collect_plan(DATA / "apps_plan.json").by_id()


@pytest.fixture(scope="module")
def data() -> tuple[dict, dict[str, Resource]]:
    return read_json(DATA / "data_plan.json"), collect_plan(DATA / "data_plan.json").by_id()


# -- network ------------------------------------------------------------------------------


def test_vpc(network) -> None:
    plan, inventory = network
    after = _after(plan, "module.network.aws_vpc.this[0]")
    vpc = inventory["module.network.aws_vpc.this[0]"]
    assert vpc.attributes["cidr_block"] == after["cidr_block"]
    assert vpc.attributes["enable_dns_support"] == after["enable_dns_support"]
    # Unknown only because nothing sets it on a new VPC: AWS's default applies.
    assert vpc.attributes["enable_dns_hostnames"] is False
    assert vpc.attributes["is_default"] is False
    assert vpc.name == after["tags"]["Name"]
    assert vpc.tags == after["tags_all"]


def test_default_vpc_and_subnet_map_onto_the_plain_types(real_plan) -> None:
    path = real_plan("infracost_tf014_rds_default_vpc.json")
    plan = read_json(path)
    defaults = [c for c in raw_changes(plan) if c["type"] == "aws_default_vpc"]
    inventory = collect_plan(path).by_id()
    assert defaults
    for change in defaults:
        vpc = inventory[change["address"]]
        assert vpc.type == "aws_vpc" and vpc.mapped
        assert vpc.attributes["is_default"] is True
        assert vpc.attributes["cidr_block"] == change["change"]["after"]["cidr_block"]
    path = real_plan("infracost_ebs_attachment_after_deploy.json")
    after = _after(read_json(path), "aws_default_subnet.default")
    subnet = collect_plan(path).by_id()["aws_default_subnet.default"]
    assert subnet.type == "aws_subnet"
    assert subnet.attributes == {
        "cidr_block": after["cidr_block"],
        "availability_zone": after["availability_zone"],
        "map_public_ip_on_launch": after["map_public_ip_on_launch"],
        "is_default": True,
    }
    assert subnet.refs["vpc"] == after["vpc_id"]


def test_subnet(network) -> None:
    plan, inventory = network
    for address in (
        "module.network.aws_subnet.private[1]",
        'module.network.aws_subnet.public["a"]',
    ):
        after = _after(plan, address)
        assert inventory[address].attributes == {
            "cidr_block": after["cidr_block"],
            "availability_zone": after["availability_zone"],
            "map_public_ip_on_launch": after["map_public_ip_on_launch"],
            "is_default": False,
        }


def test_subnet_tags_are_strings_only(network) -> None:
    plan, inventory = network
    tags = _after(plan, "module.network.aws_subnet.private[0]")["tags"]
    assert any(not isinstance(v, str) for v in tags.values())
    assert inventory["module.network.aws_subnet.private[0]"].tags == {
        k: v for k, v in tags.items() if isinstance(v, str)
    }


def test_nat_gateway_takes_its_zone_from_its_subnet(network) -> None:
    _, inventory = network
    for pos in (0, 1):
        nat = inventory[f"module.network.aws_nat_gateway.this[{pos}]"]
        subnet = inventory[nat.refs["subnet"]]
        assert nat.attributes == {
            "connectivity_type": "public",
            "availability_zone": subnet.attributes["availability_zone"],
        }


def test_nat_gateway_count_in_a_real_plan(real_plan) -> None:
    path = real_plan("infracost_nat_gateway.json")
    expected = [
        c["address"] for c in raw_changes(read_json(path)) if c["type"] == "aws_nat_gateway"
    ]
    nats = [r for r in collect_plan(path).resources if r.type == "aws_nat_gateway"]
    assert [r.id for r in nats] == expected
    assert len(nats) == 4
    assert {r.attributes["connectivity_type"] for r in nats} == {"public"}


def test_internet_gateway_route_in_a_real_plan(real_plan) -> None:
    inventory = collect_plan(real_plan("opencostcalc_eks_vpc.json")).by_id()
    table = inventory["module.vpc.aws_route_table.public[0]"]
    assert table.attributes["routes"] == [
        {
            "destination": "0.0.0.0/0",
            "target_type": "internet_gateway",
            "target": "module.vpc.aws_internet_gateway.this[0]",
        }
    ]
    assert "module.vpc.aws_route.public_internet_gateway[0]" not in inventory


def test_route_table_with_a_literal_gateway(tmp_path: Path) -> None:
    after = {
        "route": [
            {"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc", "nat_gateway_id": ""},
            {"cidr_block": "10.1.0.0/16", "gateway_id": "", "vpc_peering_connection_id": "pcx-1"},
            {"cidr_block": "10.2.0.0/16", "gateway_id": "vgw-9", "transit_gateway_id": ""},
            {"cidr_block": "10.3.0.0/16", "gateway_id": "", "transit_gateway_id": "tgw-3"},
        ],
        "vpc_id": "vpc-1",
    }
    table = _single(tmp_path, "aws_route_table", after)
    assert table.attributes["routes"] == [
        {"destination": "0.0.0.0/0", "target_type": "internet_gateway", "target": "igw-0abc"},
        {"destination": "10.1.0.0/16", "target_type": "vpc_peering_connection", "target": "pcx-1"},
        {"destination": "10.2.0.0/16", "target_type": "virtual_private_gateway", "target": "vgw-9"},
        {"destination": "10.3.0.0/16", "target_type": "transit_gateway", "target": "tgw-3"},
    ]
    assert table.attributes["main"] is False
    assert table.refs == {"vpc": "vpc-1"}


def test_vpc_endpoint(network) -> None:
    _, inventory = network
    s3 = inventory["module.network.aws_vpc_endpoint.s3"].attributes
    ecr = inventory["module.network.aws_vpc_endpoint.ecr_api"].attributes
    assert (s3["service"], s3["vpc_endpoint_type"]) == ("s3", "Gateway")
    assert (ecr["service"], ecr["vpc_endpoint_type"]) == ("ecr.api", "Interface")
    assert ecr["service_name"] == "com.amazonaws.eu-west-1.ecr.api"


# -- security -----------------------------------------------------------------------------


def test_security_group_inline_rules(real_plan) -> None:
    path = real_plan("tfcompliance_lb_listener_issue171.json")
    address = "aws_security_group.sg-loadBalancer-noncompliant"
    after = _after(read_json(path), address)
    group = collect_plan(path).by_id()[address]
    for direction in ("ingress", "egress"):
        expected = [
            {
                "protocol": rule["protocol"],
                "from_port": rule["from_port"],
                "to_port": rule["to_port"],
                "cidr_blocks": rule["cidr_blocks"],
                "ipv6_cidr_blocks": rule["ipv6_cidr_blocks"],
                "security_groups": rule["security_groups"],
                "self": rule["self"],
                "description": rule["description"],
            }
            for rule in after[direction]
        ]
        assert group.attributes[direction] == expected
    assert group.attributes["name"] == after["name"] == group.name
    assert group.attributes["description"] == after["description"]


def test_security_group_rule_resources_fold_without_duplicates(real_plan) -> None:
    path = real_plan("tfcompliance_alb_asg_issue249.json")
    plan = read_json(path)
    rules = [
        c
        for c in raw_changes(plan)
        if c["type"] == "aws_security_group_rule"
        and c["address"].startswith("aws_security_group_rule.asg")
    ]
    group = collect_plan(path).by_id()["module.myapp-asg.aws_security_group.sg_asg"]
    ports = [(r["from_port"], r["to_port"]) for r in group.attributes["ingress"]]
    assert len(ports) == len(set(ports))
    for rule in rules:
        after = rule["change"]["after"]
        assert (after["from_port"], after["to_port"]) in ports
    assert not any(c["address"] in {r.id for r in collect_plan(path).resources} for c in rules)


def test_rule_for_a_group_outside_the_plan_is_reported(real_plan) -> None:
    path = real_plan("tfcompliance_nat_vpn_pull330.json")
    inventory = collect_plan(path)
    assert inventory.warnings == [
        f"{path}: 1 aws_security_group_rule resource not merged: the resource named by "
        "`security_group_id` is not in the plan (aws_security_group_rule.allow_all)"
    ]
    assert "aws_security_group_rule.allow_all" in {c.address for c in inventory.changes}


def test_kms_key(real_plan) -> None:
    path = real_plan("regula_kms_key_rotation.json")
    plan = read_json(path)
    keys = collect_plan(path).by_id()
    for change in raw_changes(plan):
        after = change["change"]["after"]
        key = keys[change["address"]]
        assert key.attributes["enable_key_rotation"] == after["enable_key_rotation"]
        assert key.attributes["key_usage"] == after["key_usage"]
        assert key.attributes["description"] == after["description"]
        assert key.attributes["customer_managed"] is True


# -- compute ------------------------------------------------------------------------------


def test_eks_cluster(apps) -> None:
    plan, inventory = apps
    after = _after(plan, "module.eks.aws_eks_cluster.this")
    cluster = inventory["module.eks.aws_eks_cluster.this"]
    vpc_config = after["vpc_config"][0]
    assert cluster.attributes == {
        "name": after["name"],
        "version": after["version"],
        "endpoint_public_access": vpc_config["endpoint_public_access"],
        "endpoint_private_access": vpc_config["endpoint_private_access"],
        "public_access_cidrs": ["0.0.0.0/0"],  # AWS's default, not configured
        "secrets_encrypted": True,  # secrets with a key known after apply
        "enabled_cluster_log_types": after["enabled_cluster_log_types"],
    }


def test_eks_cluster_without_encryption(real_plan) -> None:
    path = real_plan("opencostcalc_eks_vpc.json")
    after = _after(read_json(path), "module.eks.aws_eks_cluster.eks_cluster")
    assert after["encryption_config"] == [] and after["enabled_cluster_log_types"] is None
    cluster = collect_plan(path).by_id()["module.eks.aws_eks_cluster.eks_cluster"]
    assert cluster.attributes["secrets_encrypted"] is False
    assert cluster.attributes["enabled_cluster_log_types"] == []
    assert cluster.name == after["name"]


def test_eks_node_groups(apps) -> None:
    plan, inventory = apps
    for key in ("spot", "system"):
        address = f'module.eks.aws_eks_node_group.this["{key}"]'
        after = _after(plan, address)
        scaling = after["scaling_config"][0]
        assert inventory[address].attributes == {
            "node_group_name": after["node_group_name"],
            "capacity_type": after["capacity_type"],
            "instance_types": after["instance_types"],
            "min_size": scaling["min_size"],
            "max_size": scaling["max_size"],
            "desired_size": scaling["desired_size"],
            "labels": after["labels"],
        }


def test_node_group_defaults_when_not_configured(real_plan) -> None:
    path = real_plan("checkov_eks_node_group_remote_access.json")
    raw = raw_resource_change(read_json(path), "aws_eks_node_group.test")["change"]
    assert raw["after_unknown"]["capacity_type"] is True
    group = collect_plan(path).by_id()["aws_eks_node_group.test"]
    assert group.attributes["capacity_type"] == "ON_DEMAND"
    assert group.attributes["instance_types"] == ["t3.medium"]


def test_launch_template(apps) -> None:
    plan, inventory = apps
    address = 'module.apps["api"].aws_launch_template.app'
    after = _after(plan, address)
    device = after["block_device_mappings"][0]
    assert device["ebs"][0]["encrypted"] == "true"
    assert inventory[address].attributes == {
        "name": after["name"],
        "instance_type": after["instance_type"],
        "market_type": "spot",
        "block_devices": [
            {
                "device_name": device["device_name"],
                "volume_type": device["ebs"][0]["volume_type"],
                "volume_size": device["ebs"][0]["volume_size"],
                "encrypted": True,
            }
        ],
    }


def test_autoscaling_group_types_from_its_launch_template(apps) -> None:
    plan, inventory = apps
    group = inventory['module.apps["web"].aws_autoscaling_group.app']
    template = _after(plan, 'module.apps["web"].aws_launch_template.app')
    after = _after(plan, 'module.apps["web"].aws_autoscaling_group.app')
    assert group.attributes == {
        "name": after["name"],
        "min_size": after["min_size"],
        "max_size": after["max_size"],
        "desired_capacity": after["min_size"],  # unset: a group starts at its minimum
        "instance_types": [template["instance_type"]],
    }
    assert group.tags == {t["key"]: t["value"] for t in after["tag"]}


def test_autoscaling_group_with_mixed_instances(real_plan) -> None:
    path = real_plan("terracost_asg_launch_template.json")
    policy = _after(read_json(path), "module.magento.aws_autoscaling_group.mixed")[
        "mixed_instances_policy"
    ][0]
    group = collect_plan(path).by_id()["module.magento.aws_autoscaling_group.mixed"]
    overrides = policy["launch_template"][0]["override"]
    assert group.attributes["instance_types"] == [o["instance_type"] for o in overrides]
    distribution = group.attributes["mixed_instances"]
    base = policy["instances_distribution"][0]["on_demand_base_capacity"]
    assert distribution == {
        "on_demand_base_capacity": base,
        # computed because the configuration leaves them out: AWS's defaults
        "on_demand_percentage_above_base_capacity": 100,
        "spot_allocation_strategy": "lowest-price",
    }
    assert "mixed_instances" not in group.unknown


def test_autoscaling_group_tags_from_the_tags_list(real_plan) -> None:
    path = real_plan("checkov_tags_variety_asg.json")
    after = _after(read_json(path), "aws_autoscaling_group.example")
    group = collect_plan(path).by_id()["aws_autoscaling_group.example"]
    assert group.tags == {t["key"]: t["value"] for t in after["tags"]}


# -- databases ------------------------------------------------------------------------------


def test_rds_cluster(data) -> None:
    plan, inventory = data
    after = _after(plan, "module.data.aws_rds_cluster.main")
    cluster = inventory["module.data.aws_rds_cluster.main"]
    scaling = after["serverlessv2_scaling_configuration"][0]
    assert cluster.attributes == {
        "cluster_identifier": after["cluster_identifier"],
        "engine": after["engine"],
        "engine_mode": after["engine_mode"],
        "engine_version": after["engine_version"],
        "storage_encrypted": after["storage_encrypted"],
        "kms_key_id_set": True,  # configured from a key created in this plan
        "backup_retention_period": after["backup_retention_period"],
        "availability_zones": after["availability_zones"],
        "serverless_v2": {
            "min_capacity": scaling["min_capacity"],
            "max_capacity": scaling["max_capacity"],
            "seconds_until_auto_pause": None,
        },
        "deletion_protection": after["deletion_protection"],
    }
    assert "serverless_v2" in cluster.unknown


def test_rds_cluster_without_key_in_a_real_plan(real_plan) -> None:
    path = real_plan("tfcompliance_rds_cluster_issue438.json")
    after = _after(read_json(path), "aws_rds_cluster.db_cluster")
    cluster = collect_plan(path).by_id()["aws_rds_cluster.db_cluster"]
    assert cluster.attributes["kms_key_id_set"] is False
    assert cluster.attributes["cluster_identifier"] == after["cluster_identifier"] == cluster.name
    assert cluster.attributes["backup_retention_period"] == after["backup_retention_period"]
    assert "engine_version" in cluster.unknown


def test_rds_cluster_instances(data) -> None:
    plan, inventory = data
    for pos in (0, 1):
        address = f"module.data.aws_rds_cluster_instance.main[{pos}]"
        after = _after(plan, address)
        assert inventory[address].attributes == {
            "identifier": after["identifier"],
            "instance_class": after["instance_class"],
            "engine": after["engine"],
            "publicly_accessible": after["publicly_accessible"],
            "promotion_tier": after["promotion_tier"],
        }
        assert "availability_zone" in inventory[address].unknown


def test_db_instance(data) -> None:
    plan, inventory = data
    after = _after(plan, "module.data.aws_db_instance.legacy")
    assert after["kms_key_id"] == "" and after["replicate_source_db"] == ""
    assert inventory["module.data.aws_db_instance.legacy"].attributes == {
        "identifier": after["identifier"],
        "engine": after["engine"],
        "instance_class": after["instance_class"],
        "storage_encrypted": after["storage_encrypted"],
        "kms_key_id_set": False,
        "multi_az": after["multi_az"],
        "publicly_accessible": after["publicly_accessible"],
        "backup_retention_period": after["backup_retention_period"],
        "storage_type": after["storage_type"],
        "availability_zone": after["availability_zone"],
    }


def test_elasticache_replication_group(data) -> None:
    plan, inventory = data
    after = _after(plan, "module.data.aws_elasticache_replication_group.cache")
    group = inventory["module.data.aws_elasticache_replication_group.cache"]
    assert group.attributes == {
        "replication_group_id": after["replication_group_id"],
        "engine": after["engine"],
        "node_type": after["node_type"],
        "num_node_groups": after["num_node_groups"],
        "replicas_per_node_group": after["replicas_per_node_group"],
        "cluster_mode": True,
        "automatic_failover_enabled": after["automatic_failover_enabled"],
        "multi_az_enabled": after["multi_az_enabled"],
        "at_rest_encryption_enabled": after["at_rest_encryption_enabled"],
        "transit_encryption_enabled": after["transit_encryption_enabled"],
    }
    assert group.refs["subnet_group"] == "module.data.aws_elasticache_subnet_group.cache"


# -- storage ---------------------------------------------------------------------------------


def test_ebs_volume(real_plan) -> None:
    path = real_plan("infracost_ebs_attachment_after_deploy.json")
    after = _after(read_json(path), "aws_ebs_volume.storage")
    assert after["snapshot_id"] == ""
    volume = collect_plan(path).by_id()["aws_ebs_volume.storage"]
    assert volume.attributes == {
        "type": after["type"],
        "size": after["size"],
        "iops": after["iops"],
        "encrypted": after["encrypted"],
        "availability_zone": after["availability_zone"],
    }


def test_s3_split_resources_merge_into_the_bucket(data) -> None:
    plan, inventory = data
    bucket = inventory["aws_s3_bucket.logs"]
    versioning = _after(plan, "aws_s3_bucket_versioning.logs")["versioning_configuration"][0]
    encryption = _after(plan, "aws_s3_bucket_server_side_encryption_configuration.logs")["rule"][0]
    block = _after(plan, "aws_s3_bucket_public_access_block.logs")
    lifecycle = _after(plan, "aws_s3_bucket_lifecycle_configuration.logs")["rule"][0]
    replication = _after(plan, "aws_s3_bucket_replication_configuration.logs")["rule"][0]
    tiering = _after(plan, "aws_s3_bucket_intelligent_tiering_configuration.logs")
    assert bucket.attributes["versioning"] == {"status": versioning["status"], "mfa_delete": False}
    assert bucket.attributes["encryption"] == {
        "sse_algorithm": encryption["apply_server_side_encryption_by_default"][0]["sse_algorithm"],
        "kms_master_key_id_set": True,
        "bucket_key_enabled": encryption["bucket_key_enabled"],
    }
    assert bucket.attributes["public_access_block"] == {
        k: block[k]
        for k in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        )
    }
    assert bucket.attributes["lifecycle_rules"] == [
        {
            "id": lifecycle["id"],
            "status": lifecycle["status"],
            "transitions": lifecycle["transition"],
            "expiration_days": lifecycle["expiration"][0]["days"],
            "noncurrent_transitions": [
                {"days": t["noncurrent_days"], "storage_class": t["storage_class"]}
                for t in lifecycle["noncurrent_version_transition"]
            ],
        }
    ]
    assert bucket.attributes["replication"] == {
        "rules": [
            {"id": replication["id"], "status": replication["status"], "destination_bucket": None}
        ]
    }
    assert bucket.attributes["intelligent_tiering"] == [
        {"name": tiering["name"], "status": tiering["status"], "tierings": tiering["tiering"]}
    ]
    # The bucket's own computed blocks were unknown; the split resources settle them.
    assert not {"versioning", "encryption", "lifecycle_rules", "replication"} & set(bucket.unknown)
    split = {c["address"] for c in raw_changes(plan) if c["type"].startswith("aws_s3_bucket_")}
    assert not split & set(inventory)


def test_s3_inline_blocks(data) -> None:
    plan, inventory = data
    after = _after(plan, "aws_s3_bucket.legacy")
    rule = after["lifecycle_rule"][0]
    default = after["server_side_encryption_configuration"][0]["rule"][0]
    assert inventory["aws_s3_bucket.legacy"].attributes == {
        "bucket": after["bucket"],
        "versioning": {"status": "Enabled", "mfa_delete": after["versioning"][0]["mfa_delete"]},
        "encryption": {
            "sse_algorithm": default["apply_server_side_encryption_by_default"][0]["sse_algorithm"],
            "kms_master_key_id_set": False,
            "bucket_key_enabled": default["bucket_key_enabled"],
        },
        "lifecycle_rules": [
            {
                "id": rule["id"],
                "status": "Enabled",
                "transitions": [],
                "expiration_days": rule["expiration"][0]["days"],
                "noncurrent_transitions": [],
            }
        ],
    }


def test_s3_inline_encryption_in_a_real_plan(real_plan) -> None:
    path = real_plan("regula_s3_sse_kms.json")
    inventory = collect_plan(path).by_id()
    assert (
        inventory["aws_s3_bucket.aes_encrypted"].attributes["encryption"]["sse_algorithm"]
        == "AES256"
    )
    kms = inventory["aws_s3_bucket.kms_encrypted"].attributes["encryption"]
    assert kms["sse_algorithm"] == "aws:kms" and kms["kms_master_key_id_set"] is True
    assert "encryption" not in inventory["aws_s3_bucket.unencrypted"].attributes
    assert "encryption" not in inventory["aws_s3_bucket.unencrypted"].unknown


def test_split_resource_without_its_bucket_is_reported(data) -> None:
    _, inventory = data
    inventory_full = collect_plan(DATA / "data_plan.json")
    assert any(
        "aws_s3_bucket_public_access_block.external" in warning
        for warning in inventory_full.warnings
    )
    assert "aws_s3_bucket_public_access_block.external" not in inventory


# -- load balancing ---------------------------------------------------------------------------


def test_load_balancer_scheme(apps) -> None:
    plan, inventory = apps
    for app, scheme in (("api", "internal"), ("web", "internet-facing")):
        after = _after(plan, f'module.apps["{app}"].aws_lb.this')
        assert inventory[f'module.apps["{app}"].aws_lb.this'].attributes == {
            "name": after["name"],
            "load_balancer_type": after["load_balancer_type"],
            "internal": after["internal"],
            "scheme": scheme,
        }


def test_listener_redirect(apps) -> None:
    plan, inventory = apps
    after = _after(plan, 'module.apps["web"].aws_lb_listener.http')
    redirect = after["default_action"][0]["redirect"][0]
    listener = inventory['module.apps["web"].aws_lb_listener.http']
    assert listener.attributes == {
        "port": after["port"],
        "protocol": after["protocol"],
        "default_actions": [
            {
                "type": "redirect",
                "redirect": {
                    "protocol": redirect["protocol"],
                    "port": redirect["port"],
                    "status_code": redirect["status_code"],
                },
            }
        ],
    }


def test_https_listener_and_alb_alias(real_plan) -> None:
    path = real_plan("tfcompliance_alb_asg_issue249.json")
    after = _after(read_json(path), "module.alb.aws_alb_listener.alb")
    listener = collect_plan(path).by_id()["module.alb.aws_alb_listener.alb"]
    assert listener.attributes["ssl_policy"] == after["ssl_policy"]
    assert listener.attributes["protocol"] == "HTTPS"
    assert listener.attributes["default_actions"] == [{"type": after["default_action"][0]["type"]}]


# -- unmapped types and tags ---------------------------------------------------------------------


def test_unmapped_types_keep_raw_known_values(data) -> None:
    plan, inventory = data
    after = _after(plan, "aws_iam_role.app")
    role = inventory["aws_iam_role.app"]
    assert role.mapped is False
    assert role.attributes == after
    # tags_all over tags, string values only
    assert role.tags == {k: v for k, v in after["tags_all"].items() if isinstance(v, str)}
    assert role.name == after["name"]
    assert collect_plan(DATA / "data_plan.json").unmapped_types()["aws_iam_role"] == 1


def _single(tmp_path: Path, rtype: str, after: dict, unknown: dict | None = None) -> Resource:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"{rtype}.x",
                "mode": "managed",
                "type": rtype,
                "name": "x",
                "change": {"actions": ["no-op"], "after": after, "after_unknown": unknown or {}},
            }
        ],
    }
    path = tmp_path / f"{rtype}.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return collect_plan(path).resources[0]


def test_every_documented_type_is_mapped(tmp_path: Path) -> None:
    documented = [
        "aws_vpc",
        "aws_subnet",
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_route_table",
        "aws_security_group",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "aws_launch_template",
        "aws_autoscaling_group",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_db_instance",
        "aws_elasticache_replication_group",
        "aws_ebs_volume",
        "aws_s3_bucket",
        "aws_lb",
        "aws_lb_listener",
        "aws_kms_key",
        "aws_vpc_endpoint",
    ]
    for rtype in documented:
        assert _single(tmp_path, rtype, {}).mapped, rtype
    assert _single(tmp_path, "aws_alb", {}).type == "aws_lb"
    assert _single(tmp_path, "aws_alb_listener", {}).type == "aws_lb_listener"
    assert _single(tmp_path, "aws_alb_target_group", {}).type == "aws_lb_target_group"
    assert _single(tmp_path, "aws_sqs_queue", {"name": "q"}).mapped is False


def test_s3_versioning_status_survives_an_unknown_mfa_delete(tmp_path: Path) -> None:
    plan = read_json(DATA / "data_plan.json")
    for change in raw_changes(plan):
        if change["type"] == "aws_s3_bucket_versioning":
            change["change"]["after"]["versioning_configuration"][0].pop("mfa_delete", None)
            unknown = change["change"].setdefault("after_unknown", {})
            unknown["versioning_configuration"] = [{"mfa_delete": True}]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    bucket = next(r for r in collect_plan(path).resources if r.id == "aws_s3_bucket.logs")
    assert bucket.attributes["versioning"]["status"] == "Enabled"
    assert bucket.attributes["versioning"]["mfa_delete"] is None
    assert "versioning" not in bucket.unknown and "versioning.mfa_delete" in bucket.unknown


def test_replication_destination_is_the_bucket_name() -> None:
    from scanner.collect.terraform.map_storage import bucket_name

    assert bucket_name("arn:aws:s3:::prod-replica") == "prod-replica"
    assert bucket_name("prod-replica") == "prod-replica"
    assert bucket_name(None) is None
