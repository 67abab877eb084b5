"""Monthly cost estimate of an inventory, from shipped price tables (COST-001)."""

from scanner.cost.model import COMPONENTS, Estimate, Line, estimate
from scanner.cost.prices import Prices, PriceTable, load_prices

__all__ = [
    "COMPONENTS",
    "Estimate",
    "Line",
    "PriceTable",
    "Prices",
    "estimate",
    "load_prices",
]
