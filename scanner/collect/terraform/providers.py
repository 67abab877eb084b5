"""Region, account and default tags of each resource's AWS provider configuration.

``configuration.provider_config`` holds one entry per provider block, keyed ``aws``,
``aws.west`` (an alias) or ``module.x:aws`` (a block inside a module). A resource names
its block with ``provider_config_key``; Terraform 1.x points resources that use a
provider passed into a module straight at the passing block, while older versions
write keys such as ``child:aws`` that match no entry. Those are looked up in the
resource's module and then in each enclosing module up to the root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanner.collect.terraform.configuration import ConfigIndex, ConfigPath
from scanner.collect.terraform.walk import Instance

REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$")
_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+):")
_AZ = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)[a-z]$")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class ProviderInfo:
    """What a provider configuration says about where its resources live."""

    region: str | None = None
    account: str | None = None
    default_tags: dict[str, str] | None = field(default=None)  # None: unknown or none set
    default_tags_unknown: bool = False


class Providers:
    """Per-resource provider facts, computed once per provider configuration."""

    def __init__(self, config: ConfigIndex):
        self.config = config
        self._cache: dict[tuple[str, ConfigPath], ProviderInfo] = {}
        self._fallback_region = self._region_variable()

    def for_instance(self, instance: Instance) -> ProviderInfo:
        """Region, account and default tags for ``instance`` (fallbacks applied to region)."""
        key = str((instance.config or {}).get("provider_config_key") or "")
        local = _local_name(key, instance.provider_name)
        if not _is_aws(instance.provider_name, local):
            return ProviderInfo()
        cache_key = (key or local, instance.config_path)
        info = self._cache.get(cache_key)
        if info is None:
            info = self._lookup(key, local, instance.config_path)
            self._cache[cache_key] = info
        own = _own_region(instance.after)
        region = own or info.region or self._fallback_region or _inferred_region(instance.after)
        if region == info.region:
            return info
        return ProviderInfo(region, info.account, info.default_tags, info.default_tags_unknown)

    def _lookup(self, key: str, local: str, path: ConfigPath) -> ProviderInfo:
        configs = self.config.provider_config
        candidates = [key] if key in configs else []
        for depth in range(len(path), -1, -1):
            prefix = ".".join(f"module.{name}" for name in path[:depth])
            candidates.append(f"{prefix}:{local}" if prefix else local)
        for candidate in candidates:
            entry = configs.get(candidate)
            if not isinstance(entry, dict) or not entry.get("expressions"):
                continue
            return self._info(entry)
        return ProviderInfo()

    def _info(self, entry: dict[str, Any]) -> ProviderInfo:
        expressions = entry.get("expressions") or {}
        module_path = _module_path(entry.get("module_address"))
        found, region = self.config.constant(expressions.get("region"), module_path)
        region = region if found and isinstance(region, str) and REGION.match(region) else None
        found, accounts = self.config.constant(expressions.get("allowed_account_ids"), module_path)
        account = None
        if found and isinstance(accounts, list) and len(accounts) == 1:
            candidate = str(accounts[0])
            account = candidate if _ACCOUNT.match(candidate) else None
        tags, tags_unknown = self._default_tags(expressions.get("default_tags"), module_path)
        return ProviderInfo(region, account, tags, tags_unknown)

    def _default_tags(self, block: Any, path: ConfigPath) -> tuple[dict[str, str] | None, bool]:
        if isinstance(block, list):
            block = block[0] if block else None
        if not isinstance(block, dict):
            return None, False
        found, tags = self.config.constant(block.get("tags"), path)
        if not found:
            return None, "tags" in block
        if not isinstance(tags, dict):
            return None, False
        return {k: v for k, v in tags.items() if isinstance(v, str)}, False

    def _region_variable(self) -> str | None:
        for name in ("region", "aws_region"):
            found, value = self.config.root_variable_value(name)
            if found and isinstance(value, str) and REGION.match(value):
                return value
        return None


def _local_name(key: str, provider_name: str | None) -> str:
    """``aws`` or ``aws.alias`` from a config key, else from the provider's name."""
    if key:
        return key.rsplit(":", 1)[-1]
    return (provider_name or "aws").rsplit("/", 1)[-1]


def _is_aws(provider_name: str | None, local: str) -> bool:
    """True for resources of the AWS provider (``registry.terraform.io/hashicorp/aws``)."""
    if provider_name:
        return provider_name == "aws" or provider_name.endswith("/aws")
    return local.split(".", 1)[0] == "aws"


def _module_path(module_address: Any) -> ConfigPath:
    if not isinstance(module_address, str) or not module_address:
        return ()
    parts = module_address.split(".")
    return tuple(parts[i + 1] for i in range(0, len(parts) - 1, 2) if parts[i] == "module")


def _own_region(after: dict[str, Any]) -> str | None:
    """A resource's own ``region`` argument (AWS provider 6 sets it per resource)."""
    region = after.get("region")
    return region if isinstance(region, str) and REGION.match(region) else None


def _inferred_region(after: dict[str, Any]) -> str | None:
    """The region inside a known ARN or availability zone, as a last resort."""
    arn = after.get("arn")
    if isinstance(arn, str):
        match = _ARN_REGION.match(arn)
        if match:
            return match.group(1)
    for attribute in ("availability_zone", "availability_zones"):
        value = after.get(attribute)
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, str):
            match = _AZ.match(value)
            if match:
                return match.group(1)
    return None
