"""Small Terraform JSON plans (`terraform show -json`) with deletes, updates and no-ops.

``before`` carries the prior state Terraform refreshed, with the real AWS ``id`` and ``arn``;
the projection joins on them.
"""

from __future__ import annotations

from typing import Any

PROVIDER = "registry.terraform.io/hashicorp/aws"


def change(
    address: str,
    actions: list[str],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One resource change (root module; type and name from the address)."""
    rtype, name = address.split(".")[-2:]
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": PROVIDER,
        "change": {
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": {},
            "before_sensitive": {} if before is not None else False,
            "after_sensitive": {} if after is not None else False,
        },
    }


def plan(*changes: dict[str, Any], region: str = "us-west-2") -> dict[str, Any]:
    """A plan (format 1.2) of ``changes``; resources that exist after apply are planned values."""
    planned = [
        {key: item[key] for key in ("address", "mode", "type", "name", "provider_name")}
        | {"schema_version": 0, "values": item["change"]["after"], "sensitive_values": {}}
        for item in changes
        if item["change"]["after"] is not None
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.5.7",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": list(changes),
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": PROVIDER,
                    "expressions": {"region": {"constant_value": region}},
                }
            },
            "root_module": {"resources": []},
        },
    }
