"""Price tables: one JSON file per region in ``baselines/prices/`` (see its README)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.errors import PolicyError
from scanner.paths import bundled_dir


@dataclass(frozen=True)
class PriceTable:
    """One region's list prices and stated assumptions (the JSON document as loaded)."""

    region: str
    data: dict[str, Any]

    @property
    def hours(self) -> float:
        """Hours in a billing month (730)."""
        return float(self.data.get("hours_per_month", 730))

    def hourly(self, group: str, key: str) -> float | None:
        """``prices[key]`` of a group such as ``ec2_instance_hour``; None when not listed."""
        value = self.data.get(group, {}).get("prices", {}).get(key)
        return None if value is None else float(value)

    def single(self, group: str) -> float:
        """The ``price`` of a single-price group such as ``eks_cluster_hour``."""
        return float(self.data[group]["price"])

    @property
    def discounts(self) -> dict[str, Any]:
        return dict(self.data.get("discounts", {}))

    @property
    def usage(self) -> dict[str, Any]:
        return dict(self.data.get("usage_assumptions", {}))

    def provenance(self) -> dict[str, Any]:
        """Source, date and confidence of every group, for reports."""
        groups = {
            name: {k: body[k] for k in ("source", "confidence", "reason") if k in body}
            for name, body in self.data.items()
            if isinstance(body, dict) and "confidence" in body
        }
        return {"region": self.region, "gathered": self.data.get("gathered"), "groups": groups}


@dataclass(frozen=True)
class Prices:
    """Price tables by region."""

    tables: dict[str, PriceTable]

    def region(self, name: str | None) -> PriceTable | None:
        return self.tables.get(name) if name else None


REQUIRED = ("region", "currency", "hours_per_month", "gathered", "sources")


def load_prices(folder: Path | None = None) -> Prices:
    """Every ``<region>.json`` of ``folder`` (default: the bundled ``baselines/prices``)."""
    folder = folder or bundled_dir("baselines") / "prices"
    tables: dict[str, PriceTable] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise PolicyError(f"cannot read price table: {exc}", source=str(path)) from None
        missing = [key for key in REQUIRED if key not in data]
        if missing or data.get("region") != path.stem:
            problem = f"lacks {', '.join(missing)}" if missing else "region differs from file name"
            raise PolicyError(f"bad price table: {problem}", source=str(path))
        tables[path.stem] = PriceTable(path.stem, data)
    return Prices(tables)
