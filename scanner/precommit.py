"""``python -m scanner.precommit plan [OPTIONS] FILES...``: the pre-commit plan hook.

pre-commit appends the matching file names after the hook's ``args``; ``archscan plan``
takes one plan, so each file is checked in turn with the same options. The trailing
arguments that name existing ``.json`` files are the plans. Exit code: the worst of the
runs (2 input error, then 1 findings, then 3 incomplete, else 0).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WORST_FIRST = (2, 1, 3)


def split_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(options, plan files): the trailing existing ``*.json`` files are the plans."""
    cut = len(argv)
    while cut > 0 and argv[cut - 1].endswith(".json") and Path(argv[cut - 1]).is_file():
        cut -= 1
    return argv[:cut], argv[cut:]


def worst(codes: list[int]) -> int:
    """The exit code that matters most among several runs."""
    for code in WORST_FIRST:
        if code in codes:
            return code
    return max(codes, default=0)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "plan":
        print("usage: python -m scanner.precommit plan [OPTIONS] FILES...", file=sys.stderr)
        return 2
    options, plans = split_arguments(args[1:])
    codes = [
        subprocess.run([sys.executable, "-m", "scanner", "plan", plan, *options]).returncode
        for plan in plans
    ]
    return worst(codes)


if __name__ == "__main__":
    sys.exit(main())
