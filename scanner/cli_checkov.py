"""The `plan --checkov` options: parse them, check them early, say what Checkov added."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scanner.engine.checkov_adapter import DEFAULT_TIMEOUT, require_checkov
from scanner.errors import UsageError


def checkov_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--checkov`` and ``--checkov-timeout`` (the plan command only: Checkov judges plans)."""
    function = click.option(
        "--checkov-timeout",
        type=click.FloatRange(min=1),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help="Stop Checkov after this long (then exit 2).",
    )(function)
    return click.option(
        "--checkov",
        is_flag=True,
        help="Also run Checkov on the plan and report its failed checks by CKV id, minus "
        "those our rules already judge (checkov extra; docs/checkov.md). Exit 2 when "
        "Checkov is missing, crashes or times out.",
    )(function)


def check_checkov_options(options: dict[str, Any], against: Path | None) -> None:
    """Fail before any work when --checkov cannot run (UsageError, exit 2)."""
    if not options.get("checkov"):
        return
    require_checkov()
    if against is not None:
        raise UsageError(
            "--checkov judges the plan itself and cannot be combined with --against",
            hint="run `archscan plan PLAN --checkov` on its own",
        )


def checkov_summary(context: Any) -> str | None:
    """One line on what Checkov found and what archscan kept, or None when it did not run."""
    summary = context.extra.get("checkov")
    if not summary:
        return None
    return (
        f"checkov {summary['version']}: {summary['failed']} failed checks, "
        f"{summary['suppressed_duplicates']} already judged by our rules, "
        f"{summary['reported']} reported; {summary['passed']} passed "
        f"({summary['seconds']:.1f} s)"
    )
