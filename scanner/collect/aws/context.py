"""What a service collector gets: clients for one account and region, and safe call helpers.

Every call goes through :meth:`CollectContext.call` or :meth:`CollectContext.paginate`,
which turn any failure (denied, throttled after retries, timed out, unsupported) into a
:class:`CollectionFailure`: an error on page 3 means the service was not collected, never
that the listing ended. :meth:`CollectContext.optional` is for the documented "not
configured" answers (a bucket without a lifecycle, a key without a policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from scanner.collect.aws.errors import CollectionFailure, classify
from scanner.inventory.model import Resource


@dataclass
class CollectContext:
    """One (account, region) as seen by a service collector."""

    account: str
    region: str
    client_factory: Callable[[str, str], Any]  # (service, region) -> boto3 client
    home: bool = False  # the one region task per account that also reads account-wide objects
    calls: list[str] = field(default_factory=list)  # "service:Operation" made, for IAM checks

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client of this account (clients are never shared across threads)."""
        return self.client_factory(service, region or self.region)

    def call(self, client: Any, operation: str, **params: Any) -> dict[str, Any]:
        """One API call; any failure raises CollectionFailure naming the call."""
        name = _api_name(client, operation)
        self.calls.append(name)
        try:
            return getattr(client, operation)(**params)
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            status, message = classify(exc)
            raise CollectionFailure(status, name, message) from exc

    def optional(
        self, client: Any, operation: str, absent: Iterable[str], **params: Any
    ) -> dict[str, Any] | None:
        """A call whose listed error codes mean "not configured": those return None."""
        name = _api_name(client, operation)
        self.calls.append(name)
        try:
            return getattr(client, operation)(**params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in set(absent):
                return None
            status, message = classify(exc)
            raise CollectionFailure(status, name, message) from exc
        except (BotoCoreError, ResponseParserError) as exc:
            status, message = classify(exc)
            raise CollectionFailure(status, name, message) from exc

    def paginate(self, client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """Items under ``key`` of every page; a failure on any page raises."""
        name = _api_name(client, operation)
        self.calls.append(name)
        try:
            if client.can_paginate(operation):
                for page in client.get_paginator(operation).paginate(**params):
                    yield from page.get(key, []) or []
            else:
                yield from getattr(client, operation)(**params).get(key, []) or []
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            status, message = classify(exc)
            raise CollectionFailure(status, name, message) from exc

    def resource(self, id: str, type: str, **fields: Any) -> Resource:
        """A live Resource of this account and region (fields may override the region)."""
        fields.setdefault("account", self.account)
        fields.setdefault("region", self.region)
        return Resource(id=id, type=type, source="live", change=None, **fields)


def _api_name(client: Any, operation: str) -> str:
    """``ec2:DescribeVpcs``: the service's API name and the wire operation name."""
    wire = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{client.meta.service_model.service_name}:{wire}"


def tags_of(items: Iterable[dict[str, Any]] | None) -> dict[str, str]:
    """AWS tag lists (``[{"Key": k, "Value": v}]``, any key case) as a flat map."""
    tags: dict[str, str] = {}
    for item in items or []:
        key = item.get("Key", item.get("key"))
        value = item.get("Value", item.get("value", ""))
        if isinstance(key, str):
            tags[key] = "" if value is None else str(value)
    return tags
