"""The baseline: the documented architecture as data, loaded, validated and linted."""

from scanner.baseline.lint import LintIssue, lint_baseline
from scanner.baseline.loader import Baseline, load_baseline

__all__ = ["Baseline", "LintIssue", "lint_baseline", "load_baseline"]
