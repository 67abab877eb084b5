"""Make resource-controlled strings safe for each output medium.

Resource names, tags and messages come from plans and AWS accounts, so a report
must never let them break a table row, start an HTML tag, emit a terminal
escape sequence or produce ill-formed XML.
"""

from __future__ import annotations

import html
import re

# Characters XML 1.0 forbids outright (everything below 0x20 except tab, LF, CR;
# surrogates; U+FFFE and U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# C0 and C1 control characters (ESC included) and DEL: never sent to a terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_WHITESPACE_RUN = re.compile(r"\s+")
# ASCII punctuation with a meaning in CommonMark/GFM inline syntax or tables.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
# A GitHub @mention or team mention: '@' after start/non-word, then a name.
_MENTION = re.compile(r"(?<![\w@])@(?=[A-Za-z0-9])")
WORD_JOINER = "\u2060"
ELLIPSIS = "…"


def one_line(text: object) -> str:
    """Collapse newlines, tabs and other whitespace runs into single spaces."""
    return _WHITESPACE_RUN.sub(" ", str(text)).strip()


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def truncate_middle(text: str, limit: int) -> str:
    """Cut the middle of ``text`` (keeps both ends of long ARNs and addresses)."""
    if limit < 3:
        raise ValueError("limit must be at least 3")
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    tail = limit - 1 - head
    return text[:head] + ELLIPSIS + text[-tail:]


def terminal_safe(text: object) -> str:
    """One line of printable text: control characters (ANSI escapes included) are dropped."""
    return one_line(_CONTROL.sub(" ", str(text)))


def xml_safe(text: object) -> str:
    """Replace characters that XML 1.0 cannot carry with U+FFFD; etree escapes the rest."""
    return _XML_INVALID.sub("\ufffd", str(text))


def markdown_text(text: object) -> str:
    """Inline Markdown text that renders literally, on one line, inside a GFM table cell.

    HTML metacharacters become entities (no tag or entity can be injected),
    Markdown punctuation is backslash-escaped (no emphasis, link, code span or
    cell break), newlines collapse to spaces, and ``@name`` gets an invisible word
    joiner so a resource name cannot notify a GitHub user or team.
    """
    value = terminal_safe(text)
    value = html.escape(value, quote=False)  # & < > first, so escapes are not re-escaped
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return _MENTION.sub("@" + WORD_JOINER, value)
