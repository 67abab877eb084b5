"""Credentials never reach a log record, even with boto3/botocore logging at DEBUG.

botocore logs request headers (``X-Amz-Security-Token``), canonical requests
(``x-amz-security-token:...``) and response bodies (STS AssumeRole's ``SecretAccessKey``
and ``SessionToken``) at DEBUG. archscan never turns that logging on, but an application
embedding archscan may: a filter on every botocore, boto3 and urllib3 logger rewrites
such values to ``<redacted>`` before any handler sees them.
"""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"
LIBRARIES = ("botocore", "boto3", "urllib3", "s3transfer")
_SECRET_NAMES = (
    r"(?:x-amz-security-token|secretaccesskey|sessiontoken|secret_access_key|session_token)"
)
_PATTERNS = (
    # XML elements: <SecretAccessKey>...</SecretAccessKey>, <SessionToken>...</SessionToken>
    re.compile(r"(<(SecretAccessKey|SessionToken)>)[^<]*(</\2>)"),
    # key: value, key=value, 'key': b'value', "key": "value", canonical "key:value"
    re.compile(rf"({_SECRET_NAMES}['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,;&}}<>]+", re.IGNORECASE),
)


def redact(text: str) -> str:
    """``text`` with every credential value replaced by ``<redacted>``."""
    text = _PATTERNS[0].sub(rf"\1{REDACTED}\3", text)
    return _PATTERNS[1].sub(rf"\1{REDACTED}", text)


class RedactCredentials(logging.Filter):
    """Rewrites a record whose formatted message carries a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's business
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = RedactCredentials()


def install() -> None:
    """Attach the filter to every library logger that exists now (idempotent).

    Logger filters are not inherited by child loggers, so each one gets it; call again after
    more library modules have been imported.
    """
    names = [
        name
        for name in list(logging.Logger.manager.loggerDict)
        if name.split(".", 1)[0] in LIBRARIES
    ]
    for name in [*LIBRARIES, *names]:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
