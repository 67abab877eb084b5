"""classify(): botocore errors to coverage statuses, per protocol shape."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

from scanner.collect.aws.errors import classify
from scanner.inventory.model import CoverageStatus

HTML_500 = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>"


def client_error(code: str, message: str = "m", status: int = 400) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "Op")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (client_error("AccessDenied", status=403), CoverageStatus.DENIED),
        (client_error("UnauthorizedOperation"), CoverageStatus.DENIED),
        (client_error("403", status=403), CoverageStatus.DENIED),
        (client_error("RequestLimitExceeded", status=503), CoverageStatus.THROTTLED),
        (client_error("Throttling"), CoverageStatus.THROTTLED),
        (client_error("SlowDown", status=503), CoverageStatus.THROTTLED),
        (client_error("ThrottlingException"), CoverageStatus.THROTTLED),
        (client_error("500", HTML_500, 500), CoverageStatus.UNSUPPORTED),
        (
            client_error("InternalError", "We encountered an internal error", 500),
            CoverageStatus.ERROR,
        ),
        (client_error("ValidationException"), CoverageStatus.ERROR),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), CoverageStatus.TIMEOUT),
        (ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"), CoverageStatus.TIMEOUT),
    ],
)
def test_classify(error: Exception, expected: CoverageStatus) -> None:
    assert classify(error)[0] == expected
