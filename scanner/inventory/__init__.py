"""The normalized inventory: the only thing rules see."""

from scanner.inventory.model import (
    SCHEMA_VERSION,
    Change,
    CoverageEntry,
    CoverageStatus,
    Inventory,
    Resource,
)

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "CoverageEntry",
    "CoverageStatus",
    "Inventory",
    "Resource",
]
