"""docs/rules.md from the rules' own metadata (a test fails when the file is stale)."""

from __future__ import annotations

from pathlib import Path

from scanner.engine.metadata import RuleMeta

HEADER = """# Rules

Generated from each rule's metadata by `archscan rules docs -o docs/rules.md`; do not
edit by hand. Expected values come from the baseline keys listed under each rule.
"""


def _relative(path: str) -> str:
    marker = next((m for m in ("policies/", "rules/") if m in path), None)
    return path[path.index(marker) :] if marker else Path(path).name


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_rules_doc(rules: list[RuleMeta]) -> str:
    """The Markdown catalogue: a summary table, then one section per rule."""
    lines = [HEADER, "| id | severity | inputs | title |", "|---|---|---|---|"]
    for rule in rules:
        anchor = rule.id.lower()
        lines.append(
            f"| [{rule.id}](#{anchor}) | {rule.severity.value} | {', '.join(rule.inputs)} "
            f"| {_cell(rule.title)} |"
        )
    for rule in rules:
        lines += [
            "",
            f"## {rule.id}",
            "",
            f"**{_cell(rule.title)}** ({rule.severity.value}; "
            f"inputs: {', '.join(rule.inputs)}; `{_relative(rule.source_file)}`)",
            "",
        ]
        if rule.description:
            lines += [_cell(rule.description), ""]
        for label, value in (
            ("Seed", rule.seed),
            ("Why", rule.rationale),
            ("Fix", rule.remediation),
        ):
            if value:
                lines.append(f"- {label}: {_cell(value)}")
        if rule.reads:
            lines.append(f"- Reads: {', '.join(f'`{t}`' for t in rule.reads)}")
        if rule.baseline_paths:
            lines.append(f"- Baseline: {', '.join(f'`{p}`' for p in rule.baseline_paths)}")
        frameworks = {k: v for k, v in rule.frameworks.items() if v}
        if frameworks:
            lines.append("- Frameworks: " + ", ".join(f"{k} {v}" for k, v in frameworks.items()))
    return "\n".join(lines) + "\n"
