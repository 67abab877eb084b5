"""Every live collector is registered, and the type -> service map agrees with the collectors."""

from __future__ import annotations

from scanner.collect.aws.registry import SERVICE_MODULES, all_specs
from scanner.inventory.types import SERVICE_OF_TYPE


def test_every_listed_module_exists() -> None:
    specs = all_specs()
    assert len(specs) == len(SERVICE_MODULES)


def test_types_map_to_the_service_that_collects_them() -> None:
    for name, spec in all_specs().items():
        assert spec.types, f"{name} declares no types"
        for resource_type in spec.types:
            assert SERVICE_OF_TYPE.get(resource_type) == name, resource_type


def test_permissions_are_iam_actions() -> None:
    for name, spec in all_specs().items():
        assert spec.permissions, name
        for action in spec.permissions:
            prefix, _, verb = action.partition(":")
            assert prefix and verb and verb[0].isupper(), f"{name}: {action}"
