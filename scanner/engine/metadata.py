"""Rule metadata: what a rule checks, why, how to fix it, and what it can judge."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scanner.findings import Severity


@dataclass
class RuleMeta:
    """Metadata that lives beside a rule's logic (Rego METADATA or a Python decorator)."""

    id: str
    title: str
    severity: Severity
    description: str = ""
    rationale: str = ""
    remediation: str = ""
    seed: str = ""
    inputs: list[str] = field(default_factory=lambda: ["plan", "live"])
    reads: list[str] = field(default_factory=list)  # canonical resource types the rule reads
    frameworks: dict[str, Any] = field(default_factory=dict)
    baseline_paths: list[str] = field(default_factory=list)  # baseline keys the rule reads
    language: str = "rego"
    source_file: str = ""
    source_line: int = 1
    entrypoint: str = ""  # Rego rule path (data.archscan.network.net_001) or Python qualname

    def __post_init__(self) -> None:
        self.severity = Severity.parse(self.severity)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data
