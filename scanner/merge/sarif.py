"""Merge archscan SARIF logs of shards: one run per category (automationDetails.id).

Results are resolved per fingerprint across all inputs by ``verdicts`` (SARIF carries no
coverage ledger, so rules 2 and 3 apply), then regrouped into the category they came
from. Rule catalogues are united by id and ``ruleIndex`` is renumbered; notifications
are united; counts and the exit code in ``properties.archscan`` are recomputed.
"""

from __future__ import annotations

import copy
from typing import Any

from scanner.findings import Finding, Severity, Status
from scanner.gate import UnknownMode, exit_code
from scanner.merge.documents import Document
from scanner.merge.verdicts import Candidate, InputScope, resolve

KIND_STATUS = {"fail": Status.FAIL, "open": Status.UNKNOWN, "review": Status.ERROR}
NO_CATEGORY = ""


def merge_sarif_documents(
    documents: list[Document],
    fail_on: Severity | None = None,
    unknown: UnknownMode = UnknownMode.FAIL,
    soft_fail: bool = False,
) -> dict[str, Any]:
    """One SARIF log whose runs are the inputs' runs merged by category."""
    runs = [(origin, run) for origin, doc in enumerate(documents) for run in doc.data["runs"]]
    scopes = [_scope(doc.data["runs"]) for doc in documents]
    kept = resolve(_candidates(runs), scopes)
    by_category: dict[str, list[dict[str, Any]]] = {}
    for category, result in kept:
        by_category.setdefault(category, []).append(result)
    groups: dict[str, list[dict[str, Any]]] = {}
    for _, run in runs:
        groups.setdefault(_category(run), []).append(run)
    threshold = fail_on or Severity.parse(_summary(runs[0][1]).get("failOn", "high"))
    every_result = [result for _, result in kept]
    totals = {
        "code": int(exit_code(_gate_findings(every_result), threshold, unknown, soft_fail)),
        "resources": sum(_resources(doc.data["runs"]) for doc in documents),
    }
    merged_runs = []
    for category, members in groups.items():
        results = by_category.get(category, [])
        if len(members) > 1 and not results and not _passes(members):
            continue  # only verdicts another shard superseded: the unsharded run has none
        merged_runs.append(_merge_runs(members, results, threshold, totals))
    first = documents[0].data
    log = {key: value for key, value in first.items() if key != "runs"}
    log["runs"] = sorted(merged_runs, key=_category)
    return log


def _category(run: dict[str, Any]) -> str:
    return str((run.get("automationDetails") or {}).get("id", NO_CATEGORY))


def _scope(runs: list[dict[str, Any]]) -> InputScope:
    rules = {rule["id"] for run in runs for rule in _driver(run).get("rules", [])}
    return InputScope(rules=frozenset(rules), accounts=None)


def _driver(run: dict[str, Any]) -> dict[str, Any]:
    return dict(run.get("tool", {}).get("driver", {}))


def _candidates(runs: list[tuple[int, dict[str, Any]]]) -> list[Candidate]:
    candidates = []
    for origin, run in runs:
        category = _category(run)
        for result in run.get("results", []):
            properties = result.get("properties", {})
            candidates.append(
                Candidate(
                    origin=origin,
                    fingerprint=_fingerprint(result),
                    rule_id=str(result.get("ruleId", "")),
                    status=_status(result),
                    account=properties.get("account"),
                    item=(category, result),
                )
            )
    return candidates


def _fingerprint(result: dict[str, Any]) -> str:
    properties = result.get("properties", {})
    if properties.get("fingerprint"):
        return str(properties["fingerprint"])
    line_hash = str(result.get("partialFingerprints", {}).get("primaryLocationLineHash", ""))
    return line_hash.rsplit(":", 1)[0] or repr(result.get("locations"))


def _status(result: dict[str, Any]) -> Status:
    status = result.get("properties", {}).get("status")
    if status in Status.__members__:
        return Status(status)
    return KIND_STATUS.get(str(result.get("kind", "fail")), Status.FAIL)


def _passes(runs: list[dict[str, Any]]) -> int:
    return sum(int(_summary(run).get("byStatus", {}).get("PASS", 0)) for run in runs)


def _summary(run: dict[str, Any]) -> dict[str, Any]:
    return dict(run.get("properties", {}).get("archscan", {}))


def _resources(runs: list[dict[str, Any]]) -> int:
    """Resources one input scanned (every run of a log repeats the scan's total)."""
    return max((int(_summary(run).get("resources", 0)) for run in runs), default=0)


def _merge_runs(
    runs: list[dict[str, Any]],
    results: list[dict[str, Any]],
    fail_on: Severity,
    totals: dict[str, int],
) -> dict[str, Any]:
    merged = copy.deepcopy(runs[0])
    rules = _united_rules(runs)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    merged["tool"]["driver"]["rules"] = rules
    merged["results"] = [_reindexed(result, index) for result in results]
    merged["invocations"] = [_invocation(runs, index, totals["code"])]
    if "archscan" in merged.get("properties", {}):
        merged["properties"]["archscan"] = _counts(runs, results, fail_on, totals)
    return merged


def _united_rules(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for run in runs:
        for rule in _driver(run).get("rules", []):
            rules.setdefault(rule["id"], rule)
    return [rules[rule_id] for rule_id in sorted(rules)]


def _reindexed(result: dict[str, Any], index: dict[str, int]) -> dict[str, Any]:
    result = dict(result)
    if result.get("ruleId") in index:
        result["ruleIndex"] = index[result["ruleId"]]
    return result


def _invocation(runs: list[dict[str, Any]], index: dict[str, int], code: int) -> dict[str, Any]:
    records = [record for run in runs for record in run.get("invocations", [])]
    merged = dict(records[0]) if records else {}
    merged["executionSuccessful"] = all(r.get("executionSuccessful", True) for r in records)
    merged["exitCode"] = code
    starts = [r["startTimeUtc"] for r in records if r.get("startTimeUtc")]
    ends = [r["endTimeUtc"] for r in records if r.get("endTimeUtc")]
    if starts:
        merged["startTimeUtc"] = min(starts)
    if ends:
        merged["endTimeUtc"] = max(ends)
    notes: dict[str, dict[str, Any]] = {}
    for record in records:
        for note in record.get("toolExecutionNotifications", []):
            note = dict(note)
            rule = note.get("associatedRule")
            if rule and rule.get("id") in index:
                note["associatedRule"] = {**rule, "index": index[rule["id"]]}
            notes.setdefault(f"{note.get('level')}\x1f{note['message'].get('text')}", note)
    if notes:
        merged["toolExecutionNotifications"] = list(notes.values())
    else:
        merged.pop("toolExecutionNotifications", None)
    return merged


def _gate_findings(results: list[dict[str, Any]]) -> list[Finding]:
    return [
        Finding(
            rule_id=str(result.get("ruleId", "")),
            title="",
            severity=Severity.parse(result.get("properties", {}).get("severity", "info")),
            status=_status(result),
            message="",
            resource_id=_fingerprint(result),
            fingerprint=_fingerprint(result),
        )
        for result in results
    ]


def _counts(
    runs: list[dict[str, Any]],
    results: list[dict[str, Any]],
    fail_on: Severity,
    totals: dict[str, int],
) -> dict[str, Any]:
    """``properties.archscan`` of the merged run; PASS (never a result) is summed."""
    summary = _summary(runs[0])
    by_status = {status.value: 0 for status in Status}
    by_status[Status.PASS.value] = _passes(runs)
    fail_by_severity = {severity.value: 0 for severity in reversed(Severity)}
    for finding in _gate_findings(results):
        by_status[finding.status.value] += 1
        if finding.status is Status.FAIL:
            fail_by_severity[finding.severity.value] += 1
    summary.update(
        resources=totals["resources"],
        byStatus=by_status,
        failBySeverity=fail_by_severity,
        failOn=fail_on.value,
        exitCode=totals["code"],
    )
    aggregated: dict[str, int] = {}
    for run in runs:
        for group, count in _summary(run).get("aggregated", {}).items():
            aggregated[group] = aggregated.get(group, 0) + int(count)
    if aggregated:
        summary["aggregated"] = dict(sorted(aggregated.items()))
    return summary
