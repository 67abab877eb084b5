"""Region and account of each resource from its provider configuration, with fallbacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanner.collect.terraform import collect_plan
from tests.collect.conftest import DATA, raw_changes, read_json


def test_region_from_the_default_provider(real_plan) -> None:
    path = real_plan("checkov_deleted_resources_secret.json")
    plan = read_json(path)
    region = plan["configuration"]["provider_config"]["aws"]["expressions"]["region"]
    inventory = collect_plan(path)
    assert inventory.resources
    assert {r.region for r in inventory.resources} == {region["constant_value"]}
    assert {r.account for r in inventory.resources} == {None}


def test_aliased_provider_and_module_blocks_in_a_real_plan(real_plan) -> None:
    path = real_plan("terracost_db_ebs_elb.json")
    configs = read_json(path)["configuration"]["provider_config"]
    default = configs["aws"]["expressions"]["region"]["constant_value"]
    paris = configs["aws.paris"]["expressions"]["region"]["constant_value"]
    assert default != paris
    inventory = collect_plan(path).by_id()
    assert inventory["aws_instance.example"].region == paris  # provider = aws.paris
    # Module resources with Terraform 0.15 keys (`ec2:aws`) use the root block.
    assert inventory["module.ec2.module.ebs.aws_ebs_volume.volume"].region == default
    assert inventory["module.rds.aws_db_instance.db"].region == default


def test_account_from_a_single_allowed_account_id(real_plan) -> None:
    path = real_plan("snyk_tf_plan_update.json")
    expressions = read_json(path)["configuration"]["provider_config"]["aws"]["expressions"]
    (account,) = expressions["allowed_account_ids"]["constant_value"]
    inventory = collect_plan(path)
    assert inventory.resources
    assert {r.account for r in inventory.resources} == {account}
    assert {c.account for c in inventory.coverage} == {account}


def test_alias_passed_into_a_module() -> None:
    plan = read_json(DATA / "apps_plan.json")
    west = plan["configuration"]["provider_config"]["aws.west"]["expressions"]
    inventory = collect_plan(DATA / "apps_plan.json").by_id()
    for address in (
        "aws_kms_key.west",
        "module.eks.aws_eks_cluster.this",
        "module.eks.aws_kms_key.eks",
    ):
        assert inventory[address].region == west["region"]["constant_value"]
        assert inventory[address].account == west["allowed_account_ids"]["constant_value"][0]
    default = plan["configuration"]["provider_config"]["aws"]["expressions"]["region"]
    assert inventory["module.network.aws_vpc.this"].region == default["constant_value"]
    assert inventory["module.network.aws_vpc.this"].account is None


def test_module_provider_block_with_a_variable_region() -> None:
    plan = read_json(DATA / "data_plan.json")
    call = plan["configuration"]["root_module"]["module_calls"]["legacy"]
    region = call["expressions"]["region"]["constant_value"]
    inventory = collect_plan(DATA / "data_plan.json").by_id()
    assert inventory["module.legacy.aws_kms_key.backup"].region == region
    assert inventory["aws_s3_bucket.logs"].region == "eu-central-1"


def test_region_from_a_root_variable() -> None:
    plan = read_json(DATA / "network_plan.json")
    region = plan["variables"]["region"]["value"]
    inventory = collect_plan(DATA / "network_plan.json")
    assert {r.region for r in inventory.resources} == {region}
    assert {r.account for r in inventory.resources} == {"111122223333"}


def _single(tmp_path: Path, after: dict, configuration: dict | None = None, **extra: Any) -> Any:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_ebs_volume.v",
                "mode": "managed",
                "type": "aws_ebs_volume",
                "name": "v",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["no-op"], "after": after, "after_unknown": {}},
            }
        ],
        **extra,
    }
    if configuration is not None:
        plan["configuration"] = configuration
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return collect_plan(path).resources[0]


def test_fallback_to_the_region_variable(tmp_path: Path) -> None:
    volume = _single(tmp_path, {"size": 8}, variables={"aws_region": {"value": "sa-east-1"}})
    assert volume.region == "sa-east-1"


def test_fallback_to_the_arn(tmp_path: Path) -> None:
    arn = "arn:aws:ec2:ap-northeast-2:111122223333:volume/vol-1"
    assert _single(tmp_path, {"arn": arn, "availability_zone": "eu-west-1a"}).region == (
        "ap-northeast-2"
    )


def test_fallback_to_the_availability_zone(tmp_path: Path) -> None:
    assert _single(tmp_path, {"availability_zone": "ca-central-1b"}).region == "ca-central-1"


def test_resource_region_argument_wins(tmp_path: Path) -> None:
    configuration = {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
        },
        "root_module": {
            "resources": [
                {
                    "address": "aws_ebs_volume.v",
                    "mode": "managed",
                    "type": "aws_ebs_volume",
                    "name": "v",
                    "provider_config_key": "aws",
                }
            ]
        },
    }
    volume = _single(tmp_path, {"region": "eu-north-1"}, configuration)
    assert volume.region == "eu-north-1"
    assert _single(tmp_path, {"size": 1}, configuration).region == "eu-west-1"


def test_no_region_when_nothing_says(tmp_path: Path) -> None:
    volume = _single(tmp_path, {"size": 8})
    assert volume.region is None
    assert volume.account is None


def test_other_providers_have_no_region(real_plan) -> None:
    path = real_plan("opencostcalc_eks_vpc.json")
    plan = read_json(path)
    other = {c["address"] for c in raw_changes(plan) if not c["provider_name"].endswith("/aws")}
    assert other
    inventory = collect_plan(path).by_id()
    for address in other & set(inventory):
        assert inventory[address].region is None
    assert inventory["module.vpc.aws_vpc.this[0]"].region == "eu-central-1"


def test_provider_default_tags_apply_when_tags_all_is_unknown() -> None:
    plan = read_json(DATA / "apps_plan.json")
    default = plan["configuration"]["provider_config"]["aws"]["expressions"]["default_tags"][0]
    inventory = collect_plan(DATA / "apps_plan.json").by_id()
    group = inventory['module.apps["api"].aws_security_group.app']
    assert group.tags == {**default["tags"]["constant_value"], "App": "api"}
    assert "tags" not in group.unknown
