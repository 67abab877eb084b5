"""Turn botocore errors into coverage statuses: a failed read is never an empty result."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from scanner.inventory.model import CoverageStatus

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthFailure",
        "Forbidden",
        "403",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "AWSOrganizationsNotInUseException",
        "AccessDeniedForDependencyException",
        "OptInRequired",
        "SubscriptionRequiredException",
    }
)
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "503",
    }
)
UNSUPPORTED_CODES = frozenset(
    {
        "InvalidAction",
        "UnknownOperationException",
        "UnsupportedOperation",
        "NotImplemented",
        "501",
    }
)


@dataclass
class CollectionFailure(Exception):
    """One API call failed in a way that leaves the service uncollected for a scope."""

    status: CoverageStatus
    api_call: str
    message: str

    def __str__(self) -> str:
        return f"{self.api_call}: {self.status} ({self.message})"


def classify(error: BaseException) -> tuple[CoverageStatus, str]:
    """Coverage status and a one-line message for an exception raised by a boto3 call."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = str(error.response.get("Error", {}).get("Message", "")) or str(error)
        if code in DENIED_CODES or status == 403:
            return CoverageStatus.DENIED, f"{code}: {message}"
        if code in THROTTLED_CODES or status == 429:
            return CoverageStatus.THROTTLED, f"{code}: {message}"
        if code in UNSUPPORTED_CODES:
            return CoverageStatus.UNSUPPORTED, f"{code}: {_short(message)}"
        if _not_implemented(message, status):
            return (
                CoverageStatus.UNSUPPORTED,
                f"the endpoint does not implement this API (HTTP {status})",
            )
        return CoverageStatus.ERROR, f"{code}: {_short(message)}"
    if isinstance(error, ResponseParserError):
        text = str(error).lower()
        if "<html" in text or "<!doctype html" in text:
            return (
                CoverageStatus.UNSUPPORTED,
                "the endpoint answered an HTML page: API not implemented",
            )
        return CoverageStatus.ERROR, f"unparseable answer: {_short(str(error))}"
    if isinstance(error, ReadTimeoutError | ConnectTimeoutError):
        return CoverageStatus.TIMEOUT, str(error)
    if isinstance(error, EndpointConnectionError):
        return CoverageStatus.UNSUPPORTED, f"no endpoint: {error}"
    if isinstance(error, ConnectionClosedError):
        return CoverageStatus.ERROR, f"connection closed: {error}"
    return CoverageStatus.ERROR, f"{type(error).__name__}: {_short(str(error))}"


def _not_implemented(message: str, status: int | None) -> bool:
    """An AWS-compatible endpoint (moto, LocalStack) that lacks an API answers 500/501.

    AWS itself answers server errors with an error code (InternalError, ServiceUnavailable)
    in the protocol's XML or JSON; an HTML page instead, or a "not yet implemented" text,
    means the endpoint does not implement the call at all.
    """
    text = message.lstrip().lower()
    if status not in {404, 500, 501}:
        return False
    html = text.startswith(("<!doctype html", "<html"))
    return html or "not yet implemented" in text or "notimplemented" in text


def _short(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
