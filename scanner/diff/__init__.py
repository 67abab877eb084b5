"""`archscan diff`: compare two inventories or two JSON reports.

Findings are matched by fingerprint (new, resolved, changed); inventories are also
compared resource by resource (added, removed, changed attribute paths).
"""

from scanner.diff.compare import DiffOptions, DiffResult, compare
from scanner.diff.render import FORMATS, render

__all__ = ["FORMATS", "DiffOptions", "DiffResult", "compare", "render"]
