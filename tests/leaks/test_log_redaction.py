"""The credential filter on library loggers, on the shapes botocore really logs."""

from __future__ import annotations

import logging

import pytest

from scanner.collect.aws.log_redaction import REDACTED, install, redact

TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN0123456789+/=="
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

SHAPES = [
    f"Sending http request: <AWSPreparedRequest headers={{'X-Amz-Security-Token': b'{TOKEN}'}}>",
    f"CanonicalRequest:\\nGET\\n/\\n\\nhost:sts\\nx-amz-security-token:{TOKEN}\\n",
    f"Response body:\\nb'<Credentials><SecretAccessKey>{SECRET}</SecretAccessKey>"
    f"<SessionToken>{TOKEN}</SessionToken></Credentials>'",
    f"{{'Credentials': {{'SecretAccessKey': '{SECRET}', 'SessionToken': '{TOKEN}'}}}}",
    f"aws_secret_access_key = {SECRET}",
    f'{{"SecretAccessKey": "{SECRET}", "SessionToken": "{TOKEN}"}}',
]


@pytest.mark.parametrize("line", SHAPES)
def test_every_shape_is_redacted(line: str) -> None:
    cleaned = redact(line)
    assert TOKEN not in cleaned and SECRET not in cleaned
    assert REDACTED in cleaned


def test_ordinary_lines_are_untouched() -> None:
    line = "Making request for OperationModel(name=DescribeVpcs) with params: {'MaxResults': 5}"
    assert redact(line) == line


def test_filter_rewrites_records_of_child_loggers(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("botocore.archscan_test_child")
    install()
    with caplog.at_level(logging.DEBUG, logger="botocore"):
        logger.debug("Response headers: %s", {"X-Amz-Security-Token": TOKEN})
    [record] = [r for r in caplog.records if r.name == "botocore.archscan_test_child"]
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()
