"""Deterministic generator of realistic Terraform JSON plans of N resource changes.

    python -m bench.plan_generator 5000 -o plan5k.json

A generated plan is one account's estate as a monorepo plans it: the reference
architecture (the two example plans in ``examples/``, compliant and drifted) called as
``module.stack["sNNN"]`` and ``module.stack_drifted["sNNN"]`` (``for_each``), each with
its nested ``vpc``/``eks``/``db`` modules, plus a ``module.service["svcNN"]`` per stack
(nested ``for_each``) of common workload resources: an IAM role with ``count``
attachments, a Lambda function, SQS queues (``for_each``), SNS, DynamoDB, a security
group with a split ingress rule, an EBS volume, an S3 bucket with its split versioning,
encryption and public-access-block resources, ECR and Secrets Manager.

Most objects are created, so ids, ARNs and links are known only after apply and must be
followed through ``configuration`` references; every few services already exist
(``no-op`` with known ids), are updated, or are deleted. Known AWS ids and bucket names
are rewritten per stack so that copies never share an identity. ``planned_values`` is
built from the changes as Terraform writes it. Standard library only; the same ``N``
always gives the same bytes.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEMPLATES = {"stack": "prod-compliant.plan.json", "stack_drifted": "prod-drifted.plan.json"}
SERVICES_PER_STACK = 10
ACCOUNT = "555555555555"
REGION = "us-west-2"
AWS = "registry.terraform.io/hashicorp/aws"
SENSITIVE_VARIABLES = {"db_master_password"}
_AWS_ID = re.compile(r"\b([a-z]+)-0([0-9a-f]{16})\b")
_BUCKET = re.compile(r"(prod-[a-z-]+?)-" + ACCOUNT)


def digest(seed: str, length: int = 16) -> str:
    """A stable hex digest of ``seed``."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def refs(*names: str) -> dict[str, Any]:
    """A configuration expression made of references."""
    return {"references": list(names)}


def const(value: Any) -> dict[str, Any]:
    """A configuration expression holding a literal."""
    return {"constant_value": value}


# ---------------------------------------------------------------------------
# The reference architecture, from the example plans.
# ---------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _template(name: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(changes as JSON text, configuration root module, variable values) of an example."""
    plan = json.loads((EXAMPLES / TEMPLATES[name]).read_text(encoding="utf-8"))
    variables = {key: item.get("value") for key, item in (plan.get("variables") or {}).items()}
    return (
        json.dumps(plan["resource_changes"]),
        plan["configuration"],
        variables,
    )


def _prefix(address: str | None, module: str) -> str:
    return f"{module}.{address}" if address else module


def _stack_changes(call: str, key: str) -> list[dict[str, Any]]:
    """The example's resource changes as module instance ``module.<call>["<key>"]``."""
    text, _, _ = _template(call)
    text = _AWS_ID.sub(lambda m: f"{m.group(1)}-0{digest(key + m.group(2))}", text)
    text = _BUCKET.sub(lambda m: f"{m.group(1)}-{key}-{ACCOUNT}", text)
    module = f'module.{call}["{key}"]'
    changes = json.loads(text)
    for change in changes:
        change["address"] = _prefix(change["address"], module)
        change["module_address"] = _prefix(change.get("module_address"), module)
    return changes


def _stack_call(call: str) -> dict[str, Any]:
    """The module call whose body is the example's root module, plus the service module."""
    _, configuration, variables = _template(call)
    body = copy.deepcopy(configuration["root_module"])
    body.pop("outputs", None)
    body.setdefault("module_calls", {})["service"] = _service_call()
    expressions = {
        name: refs(f"var.{name}") if name in SENSITIVE_VARIABLES else const(value)
        for name, value in sorted(variables.items())
    }
    return {
        "source": "./stack",
        "for_each_expression": refs("local.stacks"),
        "expressions": expressions,
        "module": body,
    }


# ---------------------------------------------------------------------------
# Workload services.
# ---------------------------------------------------------------------------

_MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
)


def _resource_config(
    rtype: str, name: str, expressions: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    block = {
        "address": f"{rtype}.{name}",
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
    }
    block.update(extra)
    return block


def _service_call() -> dict[str, Any]:
    """Configuration of ``module "service"`` (``for_each`` over the stack's services)."""
    kms = refs("var.kms_key_arn")
    bucket = refs("aws_s3_bucket.artifacts.id", "aws_s3_bucket.artifacts")
    resources = [
        _resource_config("aws_iam_role", "task", {"name": refs("var.name")}),
        _resource_config(
            "aws_iam_role_policy_attachment",
            "task",
            {"role": refs("aws_iam_role.task.name", "aws_iam_role.task")},
            count_expression=refs("local.managed_policies"),
        ),
        _resource_config("aws_cloudwatch_log_group", "app", {"kms_key_id": kms}),
        _resource_config(
            "aws_lambda_function",
            "app",
            {
                "role": refs("aws_iam_role.task.arn", "aws_iam_role.task"),
                "vpc_config": [
                    {
                        "security_group_ids": refs(
                            "aws_security_group.app.id", "aws_security_group.app"
                        ),
                        "subnet_ids": refs("var.subnet_ids"),
                    }
                ],
            },
            depends_on=["aws_cloudwatch_log_group.app"],
        ),
        _resource_config(
            "aws_sqs_queue",
            "jobs",
            {"name": refs("var.name", "each.key")},
            for_each_expression=refs("local.queues"),
        ),
        _resource_config("aws_sns_topic", "events", {"kms_master_key_id": kms}),
        _resource_config("aws_dynamodb_table", "state", {"name": refs("var.name")}),
        _resource_config("aws_security_group", "app", {"vpc_id": refs("var.vpc_id")}),
        _resource_config(
            "aws_vpc_security_group_ingress_rule",
            "app",
            {"security_group_id": refs("aws_security_group.app.id", "aws_security_group.app")},
        ),
        _resource_config("aws_ebs_volume", "data", {"kms_key_id": kms}),
        _resource_config("aws_s3_bucket", "artifacts", {"bucket": refs("var.name")}),
        _resource_config("aws_s3_bucket_versioning", "artifacts", {"bucket": bucket}),
        _resource_config(
            "aws_s3_bucket_server_side_encryption_configuration",
            "artifacts",
            {
                "bucket": bucket,
                "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": kms}]}],
            },
        ),
        _resource_config("aws_s3_bucket_public_access_block", "artifacts", {"bucket": bucket}),
        _resource_config("aws_ecr_repository", "app", {"name": refs("var.name")}),
        _resource_config("aws_secretsmanager_secret", "config", {"kms_key_id": kms}),
    ]
    variables = {
        name: {"description": text}
        for name, text in (
            ("name", "Name of the service"),
            ("vpc_id", "VPC of the service"),
            ("subnet_ids", "Private subnets of the service"),
            ("kms_key_arn", "Key that encrypts the service's data"),
            ("tags", "Common tags"),
        )
    }
    return {
        "source": "./modules/service",
        "for_each_expression": refs("local.services"),
        "expressions": {
            "name": refs("each.key"),
            "vpc_id": refs("module.vpc.vpc_id", "module.vpc"),
            "subnet_ids": refs("module.vpc.private_subnet_ids", "module.vpc"),
            "kms_key_arn": refs("aws_kms_key.main.arn", "aws_kms_key.main"),
            "tags": refs("local.tags"),
        },
        "module": {
            "resources": resources,
            "variables": variables,
            "outputs": {"role_arn": {"expression": refs("aws_iam_role.task.arn")}},
        },
    }


def _tags(name: str) -> dict[str, str]:
    return {
        "CostCenter": "cc-4100",
        "Environment": "prod",
        "Name": name,
        "Owner": "platform-team",
        "Service": name.rsplit("-", 1)[-1],
    }


def _service_objects(name: str, number: int) -> list[tuple[str, str, Any, dict, dict]]:
    """(type, name, index, values, values known only after apply) of one service."""
    tags = _tags(name)
    tagged = {"tags": tags, "tags_all": tags}
    world_ssh = number % 9 == 4  # a drift: SSH open to the internet
    encrypted = number % 5 != 3  # a drift: an unencrypted volume
    bucket_name = f"{name}-artifacts-{ACCOUNT}"
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                }
            ],
        }
    )
    objects: list[tuple[str, str, Any, dict, dict]] = [
        (
            "aws_iam_role",
            "task",
            None,
            {"name": name, "assume_role_policy": policy, "path": "/", **tagged},
            {"arn": True, "id": True, "unique_id": True, "managed_policy_arns": True},
        )
    ]
    for index, arn in enumerate(_MANAGED_POLICIES):
        objects.append(
            (
                "aws_iam_role_policy_attachment",
                "task",
                index,
                {"role": name, "policy_arn": arn},
                {"id": True},
            )
        )
    objects += [
        (
            "aws_cloudwatch_log_group",
            "app",
            None,
            {"name": f"/aws/lambda/{name}", "retention_in_days": 30, **tagged},
            {"arn": True, "id": True, "kms_key_id": True},
        ),
        (
            "aws_lambda_function",
            "app",
            None,
            {
                "function_name": name,
                "handler": "app.handler",
                "runtime": "python3.12",
                "memory_size": 512,
                "timeout": 30,
                "package_type": "Zip",
                "s3_bucket": bucket_name,
                "s3_key": f"{name}/release.zip",
                "tracing_config": [{"mode": "Active"}],
                "vpc_config": [{"ipv6_allowed_for_dual_stack": False}],
                **tagged,
            },
            {
                "arn": True,
                "id": True,
                "role": True,
                "invoke_arn": True,
                "qualified_arn": True,
                "version": True,
                "vpc_config": [{"security_group_ids": True, "subnet_ids": True, "vpc_id": True}],
            },
        ),
    ]
    for queue in ("dlq", "main"):
        objects.append(
            (
                "aws_sqs_queue",
                "jobs",
                queue,
                {
                    "name": f"{name}-{queue}",
                    "message_retention_seconds": 1209600 if queue == "dlq" else 345600,
                    "visibility_timeout_seconds": 60,
                    "sqs_managed_sse_enabled": True,
                    **tagged,
                },
                {"arn": True, "id": True, "url": True},
            )
        )
    objects += [
        (
            "aws_sns_topic",
            "events",
            None,
            {"name": f"{name}-events", **tagged},
            {"arn": True, "id": True, "kms_master_key_id": True, "owner": True},
        ),
        (
            "aws_dynamodb_table",
            "state",
            None,
            {
                "name": f"{name}-state",
                "billing_mode": "PAY_PER_REQUEST",
                "hash_key": "id",
                "attribute": [{"name": "id", "type": "S"}],
                "point_in_time_recovery": [{"enabled": True}],
                "server_side_encryption": [{"enabled": True}],
                **tagged,
            },
            {"arn": True, "id": True, "stream_arn": True},
        ),
        (
            "aws_security_group",
            "app",
            None,
            {
                "name": f"{name}-app",
                "description": f"{name} functions",
                "egress": [
                    {
                        "cidr_blocks": ["0.0.0.0/0"],
                        "description": "",
                        "from_port": 0,
                        "ipv6_cidr_blocks": [],
                        "prefix_list_ids": [],
                        "protocol": "-1",
                        "security_groups": [],
                        "self": False,
                        "to_port": 0,
                    }
                ],
                "revoke_rules_on_delete": False,
                **tagged,
            },
            {"arn": True, "id": True, "ingress": True, "owner_id": True, "vpc_id": True},
        ),
        (
            "aws_vpc_security_group_ingress_rule",
            "app",
            None,
            {
                "cidr_ipv4": "0.0.0.0/0" if world_ssh else "10.0.0.0/8",
                "from_port": 22 if world_ssh else 443,
                "to_port": 22 if world_ssh else 443,
                "ip_protocol": "tcp",
                "description": "ssh" if world_ssh else "https from the network",
            },
            {"arn": True, "id": True, "security_group_id": True, "security_group_rule_id": True},
        ),
        (
            "aws_ebs_volume",
            "data",
            None,
            {
                "availability_zone": f"{REGION}{'abc'[number % 3]}",
                "size": 100 + 20 * (number % 4),
                "type": "gp3",
                "encrypted": encrypted,
                "final_snapshot": False,
                **tagged,
            },
            {"arn": True, "id": True, "iops": True, "throughput": True, "snapshot_id": True}
            | ({"kms_key_id": True} if encrypted else {}),
        ),
        (
            "aws_s3_bucket",
            "artifacts",
            None,
            {"bucket": bucket_name, "force_destroy": False, "object_lock_enabled": False, **tagged},
            {"arn": True, "id": True, "bucket_domain_name": True, "region": True},
        ),
        (
            "aws_s3_bucket_versioning",
            "artifacts",
            None,
            {"versioning_configuration": [{"status": "Enabled", "mfa_delete": "Disabled"}]},
            {"bucket": True, "id": True},
        ),
        (
            "aws_s3_bucket_server_side_encryption_configuration",
            "artifacts",
            None,
            {
                "rule": [
                    {
                        "apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}],
                        "bucket_key_enabled": True,
                    }
                ]
            },
            {
                "bucket": True,
                "id": True,
                "rule": [
                    {"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}
                ],
            },
        ),
        (
            "aws_s3_bucket_public_access_block",
            "artifacts",
            None,
            {
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            {"bucket": True, "id": True},
        ),
        (
            "aws_ecr_repository",
            "app",
            None,
            {
                "name": name,
                "image_tag_mutability": "IMMUTABLE",
                "image_scanning_configuration": [{"scan_on_push": True}],
                "encryption_configuration": [{"encryption_type": "KMS"}],
                **tagged,
            },
            {"arn": True, "id": True, "registry_id": True, "repository_url": True},
        ),
        (
            "aws_secretsmanager_secret",
            "config",
            None,
            {"name": f"{name}/config", "recovery_window_in_days": 7, **tagged},
            {"arn": True, "id": True, "kms_key_id": True},
        ),
    ]
    return objects


_ID_PREFIX = {
    "aws_security_group": "sg",
    "aws_ebs_volume": "vol",
    "aws_vpc_security_group_ingress_rule": "sgr",
}


def _existing(rtype: str, address: str, values: dict, unknown: dict) -> dict[str, Any]:
    """The object as it is in state: what was unknown is now known."""
    known = dict(values)
    ident = f"{_ID_PREFIX.get(rtype, 'id')}-0{digest(address)}"
    for attribute, mark in unknown.items():
        if mark is not True or attribute in known:
            continue
        if attribute == "id":
            known["id"] = values.get("bucket") or values.get("name") or ident
        elif attribute.endswith("arn"):
            known[attribute] = f"arn:aws:{rtype[4:].split('_')[0]}:{REGION}:{ACCOUNT}:{ident}"
        else:
            known[attribute] = ident
    return known


def _service_action(number: int) -> str:
    """create, mostly; some services exist already, are updated, or are removed."""
    if number % 13 == 7:
        return "delete"
    if number % 7 == 3:
        return "no-op"
    if number % 11 == 5:
        return "update"
    return "create"


def _service_changes(stack_module: str, key: str, number: int) -> list[dict[str, Any]]:
    module = f'{stack_module}.module.service["{key}"]'
    name = f"{key}-{number:04d}"
    action = _service_action(number)
    changes = []
    for rtype, rname, index, values, unknown in _service_objects(name, number):
        local = f"{rtype}.{rname}" + ("" if index is None else f"[{json.dumps(index)}]")
        address = f"{module}.{local}"
        before = _existing(rtype, address, values, unknown) if action != "create" else None
        if action == "create":
            after, after_unknown = values, unknown
        elif action == "delete":
            after, after_unknown = None, {}
        elif action == "update" and "tags" in values:
            after = dict(before or {})
            after["tags"] = after["tags_all"] = {**values["tags"], "Release": f"r{number}"}
            after_unknown = {}
        else:
            after, after_unknown = before, {}
        tag_marks = {"tags": {}, "tags_all": {}} if "tags" in values else {}
        change: dict[str, Any] = {
            "address": address,
            "module_address": module,
            "mode": "managed",
            "type": rtype,
            "name": rname,
            "provider_name": AWS,
            "change": {
                "actions": [action if after != before or action == "no-op" else "no-op"],
                "before": before,
                "after": after,
                "after_unknown": after_unknown,
                "before_sensitive": tag_marks if before is not None else False,
                "after_sensitive": tag_marks if after is not None else False,
            },
        }
        if index is not None:
            change["index"] = index
        if action == "delete":
            change["action_reason"] = "delete_because_each_key"
        changes.append(change)
    return changes


# ---------------------------------------------------------------------------
# The plan.
# ---------------------------------------------------------------------------


def _planned_values(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """``planned_values.root_module``: every planned managed object, by module."""
    modules: dict[str, dict[str, Any]] = {"": {"resources": []}}
    for change in changes:
        detail = change["change"]
        if change["mode"] != "managed" or detail["after"] is None:
            continue
        path = change.get("module_address") or ""
        _module_node(modules, path)["resources"].append(
            {
                key: change[key]
                for key in ("address", "mode", "type", "name", "index", "provider_name")
                if key in change
            }
            | {
                "schema_version": 0,
                "values": detail["after"],
                "sensitive_values": detail.get("after_sensitive") or {},
            }
        )
    return modules[""]


def _module_node(modules: dict[str, dict[str, Any]], path: str) -> dict[str, Any]:
    if path in modules:
        return modules[path]
    parent_path = path.rsplit(".module.", 1)[0] if ".module." in path else ""
    node: dict[str, Any] = {"address": path, "resources": []}
    parent = _module_node(modules, parent_path)
    parent.setdefault("child_modules", []).append(node)
    modules[path] = node
    return node


def stack_keys(total: int) -> list[tuple[str, str]]:
    """(module call, key) of every stack of a plan of ``total`` changes."""
    per_stack = 150 + SERVICES_PER_STACK * 18
    count = max(1, round(total / per_stack))
    return [(list(TEMPLATES)[number % 2], f"s{number:03d}") for number in range(count)]


def generate(total: int) -> dict[str, Any]:
    """A plan of exactly ``total`` resource changes (at least one stack's worth)."""
    changes: list[dict[str, Any]] = []
    stacks = stack_keys(total)
    services: list[list[dict[str, Any]]] = []
    for call, key in stacks:
        changes.extend(_stack_changes(call, key))
    number = 0
    while len(changes) + sum(map(len, services)) < total:
        call, key = stacks[number % len(stacks)]
        stack_module = f'module.{call}["{key}"]'
        services.append(_service_changes(stack_module, f"svc{number // len(stacks):02d}", number))
        number += 1
    for service in services:
        changes.extend(service)
    if len(changes) > total and total >= len(_stack_changes(*stacks[0])):
        del changes[total:]
    _, _, variables = _template("stack")
    return {
        "format_version": "1.2",
        "terraform_version": "1.5.7",
        "variables": {name: {"value": variables[name]} for name in sorted(SENSITIVE_VARIABLES)},
        "planned_values": {"root_module": _planned_values(changes)},
        "resource_changes": changes,
        "configuration": _configuration(),
        "timestamp": "2025-09-16T08:05:13Z",
    }


def _configuration() -> dict[str, Any]:
    _, configuration, _ = _template("stack")
    root_variables = configuration["root_module"].get("variables") or {}
    return {
        "provider_config": configuration["provider_config"],
        "root_module": {
            "module_calls": {call: _stack_call(call) for call in TEMPLATES},
            "variables": {
                name: dict(root_variables.get(name, {}), sensitive=True)
                for name in sorted(SENSITIVE_VARIABLES)
            },
        },
    }


def write_plan(total: int, path: Path) -> Path:
    """Write the plan of ``total`` changes to ``path`` on one line, as Terraform does."""
    path.write_text(json.dumps(generate(total), separators=(",", ":")), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("total", type=int, help="number of resource changes")
    parser.add_argument("-o", "--output", type=Path, required=True, help="plan file to write")
    args = parser.parse_args(argv)
    write_plan(args.total, args.output)


if __name__ == "__main__":
    main()
