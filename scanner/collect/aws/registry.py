"""Every service collector, by the name the coverage ledger uses."""

from __future__ import annotations

import importlib

from scanner.collect.aws.spec import ServiceSpec
from scanner.errors import UsageError

# One module per service under scanner/collect/aws/services/, each exporting SPEC.
SERVICE_MODULES: tuple[str, ...] = (
    "organizations",
    "ec2",
    "ec2_reserved",
    "autoscaling",
    "eks",
    "eks_addons",
    "rds",
    "elasticache",
    "s3",
    "elbv2",
    "cloudfront",
    "wafv2",
    "shield",
    "route53",
    "kms",
    "secretsmanager",
    "config",
    "guardduty",
    "cloudtrail",
    "budgets",
    "ce",
    "backup",
    "dlm",
    "ecr",
    "opensearch",
    "directconnect",
)


def all_specs() -> dict[str, ServiceSpec]:
    """Every available service collector, in a stable order."""
    specs: dict[str, ServiceSpec] = {}
    for name in SERVICE_MODULES:
        try:
            module = importlib.import_module(f"scanner.collect.aws.services.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"scanner.collect.aws.services.{name}":
                continue  # not written yet
            raise
        spec: ServiceSpec = module.SPEC
        specs[spec.name] = spec
    return specs


def select(names: list[str]) -> list[ServiceSpec]:
    """The collectors named (all when empty); an unknown name is a usage error."""
    specs = all_specs()
    if not names:
        return list(specs.values())
    unknown = [name for name in names if name not in specs]
    if unknown:
        raise UsageError(
            f"unknown service {', '.join(unknown)}", hint=f"choose from: {', '.join(specs)}"
        )
    return [specs[name] for name in names]


def permissions(specs: list[ServiceSpec] | None = None) -> list[str]:
    """The IAM actions the given collectors (all by default) need, sorted and unique."""
    chosen = specs if specs is not None else list(all_specs().values())
    actions = {"sts:GetCallerIdentity", "ec2:DescribeRegions"}
    for spec in chosen:
        actions.update(spec.permissions)
    return sorted(actions)
