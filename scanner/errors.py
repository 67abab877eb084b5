"""Errors that the CLI turns into one-line messages and documented exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, shared by every command."""

    CLEAN = 0
    FINDINGS = 1
    INPUT_ERROR = 2
    INCOMPLETE = 3


class ArchscanError(Exception):
    """Base of errors that are reported as one line without a traceback."""

    exit_code: ExitCode = ExitCode.INPUT_ERROR

    def __init__(self, message: str, *, source: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.source}: {self.message}" if self.source else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class InputError(ArchscanError):
    """A file given to archscan is missing, unreadable, malformed or of the wrong kind."""


class BaselineError(InputError):
    """The baseline does not load or does not satisfy its schema."""


class PolicyError(InputError):
    """A policy or rule cannot be loaded: syntax error, unknown builtin, bad metadata."""


class UsageError(ArchscanError):
    """Options that contradict each other or name something that does not exist."""
