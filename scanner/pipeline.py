"""The pipeline as plain calls: collect -> resolve environments -> evaluate -> report context."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.acceptance import Acceptance
from scanner.baseline import Baseline, load_baseline
from scanner.baseline.environment import resolve_environments
from scanner.engine.checkov_adapter import DEFAULT_TIMEOUT as CHECKOV_TIMEOUT
from scanner.engine.checkov_merge import merge_checkov, start_checkov, waivable_rule_ids
from scanner.engine.evaluate import evaluate
from scanner.engine.overrides import apply_rule_settings, check_rule_settings, disabled_rules
from scanner.engine.ruleset import RuleSet
from scanner.findings import Severity
from scanner.gate import UnknownMode, exit_code
from scanner.inventory.model import Inventory
from scanner.paths import default_baseline
from scanner.report.context import ReportContext


@dataclass
class ScanOptions:
    """What a plan or scan run was asked to do."""

    baseline: Path | None = None
    policy_dirs: list[Path] = field(default_factory=list)
    rules_dirs: list[Path] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    environment: str | None = None
    fail_on: Severity = Severity.HIGH
    unknown: UnknownMode = UnknownMode.FAIL
    soft_fail: bool = False
    opa_url: str | None = None
    waivers: Path | None = None  # waiver YAML (docs/waivers.md)
    new_only: Path | None = None  # findings baseline: gate only on findings not recorded
    today: date | None = None  # the day waiver expiry is judged on (default: today)
    checkov: bool = False  # also run Checkov on the plan (checkov extra; docs/checkov.md)
    checkov_timeout: float | None = CHECKOV_TIMEOUT  # seconds


@dataclass
class ScanResult:
    """The evaluated inventory and everything the reports need."""

    inventory: Inventory
    context: ReportContext
    timings: dict[str, float] = field(default_factory=dict)


def now_iso() -> str:
    """Current UTC time, ISO 8601 with a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_rules(options: ScanOptions) -> RuleSet:
    """Bundled plus user rules (policy errors raise PolicyError)."""
    return RuleSet.load(options.policy_dirs, options.rules_dirs)


def run(inventory: Inventory, options: ScanOptions, started_at: str | None = None) -> ScanResult:
    """Resolve environments, evaluate the selected rules and build the report context."""
    timings: dict[str, float] = {}
    # Checkov runs in a child process beside our own rules; merged below.
    checkov_job = start_checkov(inventory, options.checkov, options.checkov_timeout)
    clock = time.perf_counter()
    baseline: Baseline = load_baseline(options.baseline or default_baseline())
    ruleset = load_rules(options)
    settings = baseline.data.get("rules") or {}
    check_rule_settings(
        settings,
        set(ruleset.by_id()),
        set(baseline.data.get("environments", {})),
        str(baseline.path),
    )
    selected = ruleset.select(options.include, options.exclude) - disabled_rules(settings)
    acceptance = Acceptance.load(
        options.waivers,
        options.new_only,
        waivable_rule_ids(ruleset.by_id(), options.checkov and options.waivers is not None),
    )
    timings["load_rules"] = time.perf_counter() - clock

    clock = time.perf_counter()
    resolve_environments(inventory, baseline.data, options.environment)
    if options.opa_url:
        from scanner.engine.opa_remote import RemoteOpa

        ruleset.rego = RemoteOpa(options.opa_url, ruleset.rego)  # type: ignore[assignment]
    findings = apply_rule_settings(evaluate(inventory, baseline.data, ruleset, selected), settings)
    timings["evaluate"] = time.perf_counter() - clock

    # Checkov's failures join ours before waivers and the gate: waivable and gating like ours.
    clock = time.perf_counter()
    checkov = merge_checkov(checkov_job, inventory, findings, selected)
    findings = checkov.findings
    timings["checkov_wait"] = time.perf_counter() - clock

    # Waivers and the new-only baseline: after every finding of the run exists.
    accepted = acceptance.apply(findings, inventory, options.today)

    code = exit_code(findings, options.fail_on, options.unknown, options.soft_fail)
    metas = ruleset.by_id()
    context = ReportContext(
        findings=findings,
        rules={rule_id: metas[rule_id] for rule_id in sorted(selected)} | checkov.rules,
        coverage=list(inventory.coverage),
        tool_version=__version__,
        baseline_path=str(baseline.path),
        baseline_digest=baseline.digest,
        inputs=list(inventory.source.get("inputs") or [str(inventory.source.get("path", ""))]),
        source_kind=inventory.kind,
        environment=options.environment,
        warnings=list(inventory.warnings),
        unmapped_types=inventory.unmapped_types(),
        resource_count=len(inventory.resources),
        started_at=started_at or now_iso(),
        finished_at=now_iso(),
        fail_on=options.fail_on,
        exit_code=int(code),
        extra={
            "not_applicable": _not_applicable(ruleset, selected, inventory.kind),
            "baseline_data": baseline.data,  # the documented architecture the HTML report draws
            **accepted,
            **checkov.extra,
        },
    )
    return ScanResult(inventory, context, timings)


def _not_applicable(ruleset: RuleSet, selected: set[str], kind: str) -> list[str]:
    metas = ruleset.by_id()
    return sorted(rule_id for rule_id in selected if kind not in metas[rule_id].inputs)


def inventory_summary(inventory: Inventory) -> dict[str, Any]:
    """Counts for progress lines: resources, changes, unmapped types."""
    return {
        "resources": len(inventory.resources),
        "changes": len(inventory.changes),
        "unmapped": sum(inventory.unmapped_types().values()),
    }
