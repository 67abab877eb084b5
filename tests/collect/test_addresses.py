"""Parsing Terraform addresses and references."""

from __future__ import annotations

from scanner.collect.terraform.addresses import (
    Index,
    ModuleStep,
    config_path,
    format_key,
    parse_module_instance,
    parse_resource_address,
    parse_steps,
    split_module_instance,
)


def test_parse_steps() -> None:
    assert parse_steps('module.a["x.y"].aws_vpc.this[0].id') == (
        "module",
        "a",
        Index("x.y"),
        "aws_vpc",
        "this",
        Index(0),
        "id",
    )
    assert parse_steps("aws_subnet.private[*].id") == ("aws_subnet", "private", Index("*"), "id")
    assert parse_steps('aws_s3_bucket.b["with \\"quote\\""]') == (
        "aws_s3_bucket",
        "b",
        Index('with "quote"'),
    )
    assert parse_steps("count.index") == ("count", "index")


def test_parse_resource_address() -> None:
    parsed = parse_resource_address('module.net["eu"].module.sub[2].data.aws_vpc.main["k"]')
    assert parsed is not None
    assert (parsed.module, parsed.mode, parsed.type, parsed.name, parsed.key) == (
        'module.net["eu"].module.sub[2]',
        "data",
        "aws_vpc",
        "main",
        "k",
    )
    root = parse_resource_address("aws_vpc.main")
    assert root is not None and (root.module, root.mode, root.key) == ("", "managed", None)
    assert parse_resource_address("module.only") is None


def test_module_instances() -> None:
    address = 'module.a["x"].module.b'
    assert parse_module_instance(address) == (ModuleStep("a", "x"), ModuleStep("b", None))
    assert config_path(address) == ("a", "b")
    assert split_module_instance(address) == ('module.a["x"]', "b", None)
    assert split_module_instance("") is None


def test_format_key() -> None:
    assert format_key(None) == ""
    assert format_key(3) == "[3]"
    assert format_key("a") == '["a"]'
    assert format_key('q"uote') == '["q\\"uote"]'
