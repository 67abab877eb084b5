"""Text taken from input files, made fit for a one-line error message."""

from __future__ import annotations

_LIMIT = 120  # characters of file content shown in a message


def printable(text: str, limit: int = _LIMIT) -> str:
    """``text`` with control and non-printable characters escaped, cut at ``limit``.

    Keys and paths come from the user's file: a newline, an escape sequence or a lone
    surrogate in them must not break the one-line message or the terminal.
    """
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
