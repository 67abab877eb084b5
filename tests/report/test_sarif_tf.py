"""Placing plan findings on their Terraform resource blocks (--tf-dir)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from scanner.report import sarif
from scanner.report.tf_locations import (
    Address,
    TerraformLocator,
    base_address,
    parse_address,
    scan_blocks,
)

if TYPE_CHECKING:
    from .conftest import Factory

TRICKY = """\
# resource "aws_vpc" "commented" {
/* resource "aws_vpc" "in_block_comment" {
} */
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"   # } a brace in a comment
  tags = { Name = "x${var.m["}"]}" }  // a brace in a template string
  policy = <<-EOT
    resource "aws_vpc" "in_heredoc" {
    }
  EOT
}
module "net" {
  source = "./modules/net"
  name   = "resource \\"aws_vpc\\" \\"in_string\\" {"
}
module one { source = "../x" }
  data "aws_caller_identity" "current" {}
resource aws_subnet "unquoted_type" {
  count = 2
}
"""


def test_scanner_finds_only_real_top_level_blocks() -> None:
    blocks = scan_blocks(TRICKY, Path("main.tf"))
    found = [(b.kind, b.labels, b.span.start_line, b.span.start_column, b.source) for b in blocks]
    assert found == [
        ("resource", ("aws_vpc", "main"), 4, 1, None),
        ("module", ("net",), 12, 1, "./modules/net"),
        ("module", ("one",), 16, 1, "../x"),
        ("data", ("aws_caller_identity", "current"), 17, 3, None),
        ("resource", ("aws_subnet", "unquoted_type"), 18, 1, None),
    ]
    lines = TRICKY.splitlines()
    first = blocks[0].span
    assert lines[3][first.start_column - 1 : first.end_column - 1] == 'resource "aws_vpc" "main"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_vpc.main", Address((), "resource", "aws_vpc", "main")),
        ("aws_subnet.a[0]", Address((), "resource", "aws_subnet", "a")),
        ('aws_s3_bucket.b["x.y/z"]', Address((), "resource", "aws_s3_bucket", "b")),
        (
            'module.vpc.module.sub["k"].data.aws_iam_policy_document.p',
            Address(("vpc", "sub"), "data", "aws_iam_policy_document", "p"),
        ),
        ("module.vpc.aws_vpc.this/nat-gateways", Address(("vpc",), "resource", "aws_vpc", "this")),
        ("prod/velero-bucket", None),
        ("arn:aws:ec2:us-east-1:1:vpc/vpc-1", None),
        ("", None),
    ],
)
def test_addresses(text: str, expected: Address | None) -> None:
    assert parse_address(text) == expected


def test_base_address_keeps_slashes_inside_keys() -> None:
    assert base_address('module.m["a/b"].aws_vpc.v/tier/x') == 'module.m["a/b"].aws_vpc.v'
    assert base_address("aws_vpc.v") == "aws_vpc.v"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A root module with local, nested, plan-only, undeclared and remote module calls."""
    root = tmp_path / "infra"
    write(
        root / "main.tf",
        'resource "aws_vpc" "main" {\n}\n'
        'module "net" {\n  source = "./modules/net"\n}\n'
        'module "cfg" {\n  source = var.module_path\n}\n'  # only the plan knows
        'module "remote" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0"\n}\n',
    )
    write(root / "variables.tf", 'variable "module_path" {}\n')
    write(
        root / "modules" / "net" / "subnets.tf",
        '\n\nresource "aws_subnet" "private" {\n  count = 3\n}\n'
        'module "inner" {\n  source = "./inner"\n}\n',
    )
    write(root / "modules" / "net" / "inner" / "x.tf", 'data "aws_caller_identity" "me" {}\n')
    write(root / "modules" / "cfg-v2" / "main.tf", '# cfg\nresource "aws_kms_key" "cfg" {}\n')
    write(root / "modules" / "lost" / "main.tf", 'resource "aws_kms_key" "only_here" {}\n')
    write(root / ".terraform" / "modules" / "lost" / "main.tf", 'resource "aws_kms_key" "x" {}\n')
    return root


PLAN_CONFIG = {
    "configuration": {
        "root_module": {
            "module_calls": {
                "cfg": {"source": "./modules/cfg-v2", "module": {}},
                "net": {
                    "source": "./modules/net",
                    "module": {"module_calls": {"inner": {"source": "./inner"}}},
                },
            }
        }
    }
}


@pytest.mark.parametrize(
    ("address", "file", "line", "header"),
    [
        ("aws_vpc.main", "main.tf", 1, 'resource "aws_vpc" "main"'),
        ("module.net.aws_subnet.private[2]", "modules/net/subnets.tf", 3, "resource"),
        ("module.net.module.inner.data.aws_caller_identity.me", "modules/net/inner/x.tf", 1, ""),
        ("module.cfg.aws_kms_key.cfg", "modules/cfg-v2/main.tf", 2, ""),  # from the plan
        ("module.gone.aws_kms_key.only_here", "modules/lost/main.tf", 1, ""),  # tree scan
        ("module.remote.aws_vpc.this[0]", "main.tf", 9, 'module "remote"'),  # its call
    ],
)
def test_module_tree(tree: Path, address: str, file: str, line: int, header: str) -> None:
    locator = TerraformLocator(tree, json.dumps(PLAN_CONFIG))
    block = locator.find(address)
    assert block is not None
    assert block.path.resolve() == (tree / file).resolve()
    assert block.span.start_line == line
    text = (tree / file).read_text().splitlines()[line - 1]
    assert text[block.span.start_column - 1 :].startswith(header)


def test_unknown_resources_are_not_placed(tree: Path) -> None:
    locator = TerraformLocator(tree)
    assert locator.find("aws_vpc.absent") is None
    assert locator.find("prod/velero-bucket") is None


def test_without_the_plan_a_module_folder_is_found_by_what_it_declares(tree: Path) -> None:
    block = TerraformLocator(tree).find("module.cfg.aws_kms_key.cfg")
    assert block is not None and block.path.parent.name == "cfg-v2"
    # declared in two folders: ambiguous, so the result stays on the module call
    write(tree / "modules" / "cfg-v1" / "main.tf", 'resource "aws_kms_key" "cfg" {}\n')
    block = TerraformLocator(tree).find("module.cfg.aws_kms_key.cfg")
    assert block is not None and (block.kind, block.labels) == ("module", ("cfg",))
    assert block.span.start_line == 6


def test_each_folder_is_read_once(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    locator = TerraformLocator(tree)
    for _ in range(3):
        locator.find("aws_vpc.main")
        locator.find("module.net.aws_subnet.private[0]")
    assert len(reads) == len(set(reads)) == 3  # main.tf, variables.tf, subnets.tf


def test_sarif_result_on_the_block_with_the_plan_related(
    factory: type[Factory], tree: Path, tmp_path: Path
) -> None:
    plan = write(
        tmp_path / "plan.json",
        json.dumps({"resource_changes": [{"address": "module.net.aws_subnet.private[1]"}]}),
    )
    finding = factory.finding(resource_id="module.net.aws_subnet.private[1]")
    ctx = factory.context([finding], inputs=[str(plan)])
    log = json.loads(sarif.render(ctx, base_dir=tmp_path, tf_dir=tree))
    result: dict[str, Any] = log["runs"][0]["results"][0]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "infra/modules/net/subnets.tf",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"]["startLine"] == 3
    related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]]
    assert related[0] == "plan.json"
    # the fingerprint does not depend on where the result is placed
    assert result["partialFingerprints"]["primaryLocationLineHash"] == f"{finding.fingerprint}:1"
