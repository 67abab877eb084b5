"""A baseline's ``rules:`` section: disable rules or change their severity, per environment."""

from __future__ import annotations

from typing import Any

from scanner.errors import BaselineError
from scanner.findings import Finding, Severity


def check_rule_settings(
    settings: dict[str, Any], known_rules: set[str], environments: set[str], source: str
) -> None:
    """Every rule and environment named in ``rules:`` must exist."""
    for rule_id, setting in settings.items():
        if rule_id not in known_rules:
            raise BaselineError(
                f"rules.{rule_id}: no such rule", source=source, hint="`archscan rules list`"
            )
        for env in setting.get("environments") or {}:
            if env not in environments:
                raise BaselineError(
                    f"rules.{rule_id}.environments.{env}: no such environment", source=source
                )


def disabled_rules(settings: dict[str, Any]) -> set[str]:
    """Rules switched off everywhere (they are not run at all)."""
    return {rule_id for rule_id, setting in settings.items() if setting.get("enabled") is False}


def apply_rule_settings(findings: list[Finding], settings: dict[str, Any]) -> list[Finding]:
    """Drop findings of rules disabled in their environment; apply severity overrides."""
    kept: list[Finding] = []
    for finding in findings:
        setting = settings.get(finding.rule_id) or {}
        scoped = (setting.get("environments") or {}).get(finding.environment or "", {})
        if scoped.get("enabled", setting.get("enabled", True)) is False:
            continue
        severity = scoped.get("severity") or setting.get("severity")
        if severity:
            finding.severity = Severity.parse(severity)
        kept.append(finding)
    return kept
