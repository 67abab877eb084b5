"""The ``net.cidr_*`` builtins regorus lacks, registered as engine extensions.

Semantics follow OPA's documentation: ``net.cidr_intersects(a, b)`` is true when the two
networks share an address; ``net.cidr_merge(addrs)`` collapses a collection of CIDRs
or IPs into the smallest covering set; ``net.cidr_contains_matches(cidrs, cidrs_or_ips)``
returns the ``[i, j]`` index pairs (keys for objects) where the first contains the second.
Parsed networks are cached: rules call these in joins over thousands of resources.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=65536)
def parse_network(text: str) -> Network:
    """Parse a CIDR or a bare IP (as a /32 or /128); host bits are allowed as in OPA."""
    if not isinstance(text, str):
        raise TypeError(f"expected a CIDR string, got {type(text).__name__}")
    return ipaddress.ip_network(text, strict=False)


def cidr_intersects(first: str, second: str) -> bool:
    """True when the two networks overlap (never across IP versions)."""
    a, b = parse_network(first), parse_network(second)
    return a.version == b.version and a.overlaps(b)


def cidr_merge(addresses: Iterable[str]) -> list[str]:
    """Smallest set of networks covering every address, as sorted CIDR strings."""
    networks = [parse_network(item) for item in addresses]
    merged: list[str] = []
    for version in (4, 6):
        same = [n for n in networks if n.version == version]
        merged.extend(str(n) for n in ipaddress.collapse_addresses(same))
    return merged


def _keyed(collection: Any) -> list[tuple[Any, str, Any]]:
    """(key, cidr, original) triples for a string, array, set or object argument."""
    if isinstance(collection, str):
        return [(collection, collection, collection)]
    if isinstance(collection, dict):
        return [(key, _first(value), value) for key, value in collection.items()]
    return [(index, _first(value), value) for index, value in enumerate(collection)]


def _first(value: Any) -> str:
    """An element may be a CIDR or an array whose first item is the CIDR (OPA's form)."""
    if isinstance(value, list | tuple):
        return value[0]
    return value


def cidr_contains_matches(cidrs: Any, cidrs_or_ips: Any) -> list[list[Any]]:
    """Index pairs ``[i, j]`` where ``cidrs[i]`` contains ``cidrs_or_ips[j]``."""
    matches: list[list[Any]] = []
    for key_a, cidr_a, _ in _keyed(cidrs):
        outer = parse_network(cidr_a)
        for key_b, cidr_b, _ in _keyed(cidrs_or_ips):
            inner = parse_network(cidr_b)
            if inner.version == outer.version and inner.subnet_of(outer):
                matches.append([key_a, key_b])
    return matches


def cidr_is_valid(text: Any) -> bool:
    """True when ``text`` is a string that parses as a CIDR or IP."""
    try:
        parse_network(text)
    except (TypeError, ValueError):
        return False
    return True


# name -> (arity, implementation); registered on every engine.
EXTENSIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "net.cidr_intersects": (2, cidr_intersects),
    "net.cidr_merge": (1, cidr_merge),
    "net.cidr_contains_matches": (2, cidr_contains_matches),
}
