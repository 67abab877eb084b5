"""Combine the outputs of sharded runs: inventories, JSON reports and SARIF logs.

``merge_files`` reads the inputs, checks they are all of one kind and returns the merged
document's text. Inventories merge exactly (the organization report is a scan of the
merged inventory); reports and SARIF logs merge by the rules in ``verdicts``.
"""

from __future__ import annotations

from scanner.merge.documents import Kind, detect_kind, load_documents
from scanner.merge.run import MergeOptions, MergeResult, merge_files

__all__ = ["Kind", "MergeOptions", "MergeResult", "detect_kind", "load_documents", "merge_files"]
