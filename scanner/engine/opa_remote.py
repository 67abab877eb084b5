"""Evaluate the same policies on a remote OPA server (``--opa-url``), for teams running one.

The policies are uploaded under ``archscan/<file>``, the baseline under ``data.baseline``,
and each rule is queried with the inventory as input. Requires the ``opa`` extra
(opa-python-client). No OPA server can be installed in archscan's own CI, so this
adapter is exercised there only for its error paths; see docs/opa.md.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from scanner.engine.rego import RegoPolicySet
from scanner.errors import UsageError


class RemoteOpa:
    """Same ``evaluate`` contract as :class:`RegoPolicySet`, answered by an OPA server."""

    def __init__(self, url: str, policies: RegoPolicySet, timeout: float = 10.0):
        try:
            from opa_client import OpaClient
        except ImportError:
            raise UsageError(
                "--opa-url needs the opa extra",
                hint="pip install 'archscan[opa]'",
            ) from None
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise UsageError(f"--opa-url {url!r} is not an http(s) URL")
        self.policies = policies
        self.rules = policies.rules
        self.client = OpaClient(
            host=parsed.hostname,
            port=parsed.port or (443 if parsed.scheme == "https" else 8181),
            ssl=parsed.scheme == "https",
            timeout=timeout,
        )
        self.url = url

    def evaluate(
        self, input_document: dict[str, Any], baseline: dict[str, Any], rule_ids: set[str]
    ) -> dict[str, list[dict[str, Any]] | str]:
        """Upload policies and baseline, then query each selected rule."""
        try:
            for item in self.policies.files:
                self.client.update_policy_from_string(item.source, f"archscan/{item.path.stem}")
            self.client.update_or_create_data(baseline, "baseline")
        except Exception as exc:  # requests and opa_client raise many kinds
            raise UsageError(f"OPA server at {self.url} refused the policies: {exc}") from None
        results: dict[str, list[dict[str, Any]] | str] = {}
        for rule in self.rules:
            if rule.id not in rule_ids:
                continue
            package, _, name = rule.entrypoint.removeprefix("data.").rpartition(".")
            try:
                answer = self.client.query_rule(input_document, package, name)
                value = answer.get("result", [])
                results[rule.id] = [item for item in value if isinstance(item, dict)]
            except Exception as exc:
                results[rule.id] = f"OPA query failed: {exc}"
        return results
