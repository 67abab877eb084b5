"""SARIF 2.1.0 log: OASIS schema, Microsoft SARIF Multitool (GitHub rules), content."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from scanner.findings import Status
from scanner.report import sarif
from scanner.report.context import ReportContext

from .sarif_checks import PLANS, multitool, multitool_problems, oasis, schema_errors

__all__ = ["multitool", "oasis"]  # fixtures used by name below

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import Factory


def render_log(ctx: ReportContext, base_dir: Path) -> dict[str, Any]:
    return json.loads(sarif.render(ctx, base_dir=base_dir))


def results_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    """Results of every run (one run per environment)."""
    return [result for run in log["runs"] for result in run["results"]]


def run_of(log: dict[str, Any], scope: str) -> dict[str, Any]:
    """The run of one environment (``unresolved`` for findings without one)."""
    return next(r for r in log["runs"] if r["automationDetails"]["id"].endswith(f"/{scope}/"))


def with_plan(ctx: ReportContext, plan: Path) -> ReportContext:
    ctx.inputs = [str(plan)]
    return ctx


def region_text(path: Path, region: dict[str, int]) -> str:
    """The text a single-line region covers (columns are code points, end exclusive)."""
    assert region["startLine"] == region["endLine"]
    line = path.read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    return line[region["startColumn"] - 1 : region["endColumn"] - 1]


# --- OASIS schema -----------------------------------------------------------------


def test_every_context_is_schema_valid(
    any_context: ReportContext,
    oasis: jsonschema.Draft4Validator,
    plan_file: Callable[..., Path],
    tmp_path: Path,
) -> None:
    plan = plan_file([f.address or f.resource_id for f in any_context.findings])
    log = render_log(with_plan(any_context, plan), tmp_path)
    assert schema_errors(oasis, log) == []


def test_schema_check_is_not_vacuous(
    factory: type[Factory], oasis: jsonschema.Draft4Validator, tmp_path: Path
) -> None:
    log = render_log(factory.mixed(), tmp_path)
    prod = run_of(log, "prod")
    prod["results"][0]["level"] = "critical"
    prod["results"][1]["kind"] = "bad"
    assert len(schema_errors(oasis, log)) == 2


# --- Microsoft SARIF Multitool ------------------------------------------------------


def multitool_errors(binary: Path, log_path: Path, workdir: Path) -> list[str]:
    """Error-level Multitool problems of one file (its exit code is 0 even with errors)."""
    problems = multitool_problems(binary, [log_path], workdir / f"{log_path.stem}.validation")
    return [problem for found in problems.values() for problem in found]


def test_multitool_accepts_every_context(
    any_context: ReportContext,
    multitool: Path,
    plan_file: Callable[..., Path],
    tmp_path: Path,
) -> None:
    plan = plan_file([f.address or f.resource_id for f in any_context.findings])
    log_path = tmp_path / "archscan.sarif"
    log_path.write_text(sarif.render(with_plan(any_context, plan), base_dir=tmp_path))
    problems = multitool_errors(multitool, log_path, tmp_path)
    assert problems == [], "\n".join(problems)


def test_multitool_check_is_not_vacuous(
    factory: type[Factory], multitool: Path, tmp_path: Path
) -> None:
    log = render_log(factory.mixed(), tmp_path)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    del rule["help"], rule["fullDescription"]  # both required by GitHub (GH2012)
    log_path = tmp_path / "broken.sarif"
    log_path.write_text(json.dumps(log))
    problems = multitool_errors(multitool, log_path, tmp_path)
    assert len(problems) >= 2
    assert all(problem.startswith("GH") for problem in problems), problems


# --- content --------------------------------------------------------------------------


def test_log_header_and_driver(factory: type[Factory], tmp_path: Path) -> None:
    log = render_log(factory.mixed(tool_version="1.2.3"), tmp_path)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 4  # dev, prod, staging (PASS only), unresolved
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"] == "archscan"
        assert driver["semanticVersion"] == "1.2.3"
        assert driver["informationUri"].startswith("https://")


def test_semantic_version_only_when_semver(factory: type[Factory], tmp_path: Path) -> None:
    driver = render_log(factory.mixed(tool_version="0.2.dev3"), tmp_path)["runs"][0]["tool"][
        "driver"
    ]
    assert driver["version"] == "0.2.dev3"
    assert "semanticVersion" not in driver


def test_one_result_per_non_pass_finding(factory: type[Factory], tmp_path: Path) -> None:
    ctx = factory.mixed()
    results = results_of(render_log(ctx, tmp_path))
    non_pass = [f for f in ctx.findings if f.status is not Status.PASS]
    assert len(results) == len(non_pass)
    assert Counter(r["ruleId"] for r in results) == Counter(f.rule_id for f in non_pass)


def test_levels_and_kinds_follow_status_and_severity(
    factory: type[Factory], tmp_path: Path
) -> None:
    results = results_of(render_log(factory.mixed(), tmp_path))
    outcome = {(r["ruleId"], r["properties"]["status"]): (r["kind"], r["level"]) for r in results}
    assert outcome == {
        ("NET-002", "FAIL"): ("fail", "error"),  # critical
        ("NET-001", "FAIL"): ("fail", "error"),  # high
        ("NET-006", "FAIL"): ("fail", "warning"),  # medium
        ("NET-011", "FAIL"): ("fail", "note"),  # low
        ("TAG-001", "FAIL"): ("fail", "note"),  # info
        ("DB-004", "WAIVED"): ("fail", "error"),
        # SARIF 3.27.10: any kind other than "fail" requires level "none"
        ("NET-003", "UNKNOWN"): ("open", "none"),
        ("SEC-004", "NOT_COLLECTED"): ("open", "none"),
        ("CMP-008", "ERROR"): ("review", "none"),
    }
    texts = {r["properties"]["status"]: r["message"]["text"] for r in results}
    assert texts["UNKNOWN"].startswith("UNKNOWN")
    assert texts["NOT_COLLECTED"].startswith("NOT_COLLECTED")
    assert texts["ERROR"].startswith("ERROR")


def test_waived_results_carry_an_accepted_external_suppression(
    factory: type[Factory], tmp_path: Path
) -> None:
    results = results_of(render_log(factory.mixed(), tmp_path))
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["DB-004"]
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "migration in progress (owner data-team)",
            "properties": {"owner": "data-team"},
        }
    ]


def test_every_result_is_complete_and_points_at_its_rule(
    factory: type[Factory], tmp_path: Path
) -> None:
    log = render_log(factory.mixed(), tmp_path)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in results_of(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"].strip()
        assert len(result["locations"]) == 1
        location = result["locations"][0]
        region = location["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert location["physicalLocation"]["artifactLocation"]["uri"]
        logical = location["logicalLocations"][0]
        assert logical["kind"] == "resource"
        assert logical["fullyQualifiedName"] == result["properties"]["resourceId"]
        assert re.fullmatch(
            r"[0-9a-f]{32}:\d+", result["partialFingerprints"]["primaryLocationLineHash"]
        )


def test_rule_descriptors(factory: type[Factory], tmp_path: Path) -> None:
    ctx = factory.mixed()
    rules = {r["id"]: r for r in render_log(ctx, tmp_path)["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(rules) == sorted(ctx.rules)
    expected_score = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
    expected_level = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for rule_id, meta in ctx.rules.items():
        rule = rules[rule_id]
        severity = meta.severity.value
        assert rule["properties"].get("security-severity") == expected_score.get(severity)
        assert rule["defaultConfiguration"]["level"] == expected_level.get(severity, "note")
        assert rule["properties"]["tags"][0] == "security"
        assert rule["shortDescription"]["text"] == meta.title
        assert rule["fullDescription"]["text"] == meta.description
        for part in (meta.rationale, meta.remediation, meta.seed):
            assert part in rule["help"]["text"]
            assert part in rule["help"]["markdown"]
        assert re.fullmatch(r"[A-Za-z0-9]+", rule["name"])
    assert rules["NET-001"]["properties"]["tags"] == ["security", "network", "cis-aws"]
    assert rules["DB-004"]["properties"]["tags"][1] == "database"


def test_rule_known_only_from_a_finding_still_gets_a_descriptor(
    factory: type[Factory], tmp_path: Path
) -> None:
    ctx = factory.context([factory.finding("XTRA-9", title="Extra rule")], rules={})
    run = render_log(ctx, tmp_path)["runs"][0]
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["id"] == "XTRA-9"
    assert rule["shortDescription"]["text"] == rule["fullDescription"]["text"] == "Extra rule"
    assert rule["help"]["text"]
    assert run["results"][0]["ruleIndex"] == 0


def test_long_descriptions_are_capped(factory: type[Factory], tmp_path: Path) -> None:
    finding = factory.finding()
    ctx = factory.context([finding], rules={"NET-001": factory.rule(description="d" * 5000)})
    rule = render_log(ctx, tmp_path)["runs"][0]["tool"]["driver"]["rules"][0]
    assert len(rule["fullDescription"]["text"]) == 1024


@pytest.mark.parametrize(
    ("environments", "source_kind", "expected"),
    [
        (["prod", "prod"], "plan", ["archscan/plan/prod/"]),
        (["prod", "dev"], "plan", ["archscan/plan/dev/", "archscan/plan/prod/"]),
        (["prod", None], "live", ["archscan/live/prod/", "archscan/live/unresolved/"]),
        ([], "plan", ["archscan/plan/all/"]),
        (["a b/c"], "live", ["archscan/live/a-b-c/"]),
    ],
)
def test_automation_id_category_ends_with_slash(
    factory: type[Factory],
    tmp_path: Path,
    environments: list[str | None],
    source_kind: str,
    expected: list[str],
) -> None:
    findings = [
        factory.finding(resource_id=f"aws_vpc.v{i}", environment=env)
        for i, env in enumerate(environments)
    ]
    ctx = factory.context(findings, source_kind=source_kind)
    log = render_log(ctx, tmp_path)
    assert [run["automationDetails"]["id"] for run in log["runs"]] == expected
    assert sarif.categories(ctx) == expected


def test_invocation_reports_incomplete_scans(factory: type[Factory], tmp_path: Path) -> None:
    log = render_log(factory.mixed(), tmp_path)
    invocation = run_of(log, "prod")["invocations"][0]
    assert invocation["executionSuccessful"] is False  # a rule broke (ERROR)
    assert invocation["exitCode"] == 1
    assert invocation["startTimeUtc"] == "2025-01-02T03:04:05.000Z"
    assert invocation["workingDirectory"]["uri"] == tmp_path.resolve().as_uri() + "/"
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning", "warning", "error"]
    assert notes[0]["message"]["text"] == "plan has 2 resources with unknown provider"
    assert "config" in notes[1]["message"]["text"] and "denied" in notes[1]["message"]["text"]
    assert notes[2]["associatedRule"]["id"] == "CMP-008"
    # the broken rule is named in its environment's run only
    dev_notes = run_of(log, "dev")["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in dev_notes] == ["warning", "warning"]

    clean = render_log(factory.context([factory.finding()]), tmp_path)["runs"][0]["invocations"][0]
    assert clean["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in clean


def test_timestamps_normalised_to_utc_z(factory: type[Factory], tmp_path: Path) -> None:
    ctx = factory.context(started_at="2025-01-02T05:04:05+02:00", finished_at="not a time")
    invocation = render_log(ctx, tmp_path)["runs"][0]["invocations"][0]
    assert invocation["startTimeUtc"] == "2025-01-02T03:04:05.000Z"
    assert "endTimeUtc" not in invocation


# --- locations ----------------------------------------------------------------------


@pytest.mark.parametrize("pretty", [True, False])
def test_region_points_at_the_address_in_the_plan(
    factory: type[Factory], plan_file: Callable[..., Path], tmp_path: Path, pretty: bool
) -> None:
    addresses = ["aws_vpc.main", "aws_subnet.a[0]", 'module.net.aws_subnet.b["x"]']
    plan = plan_file(addresses, pretty=pretty)
    findings = [factory.finding(resource_id=address) for address in addresses]
    results = results_of(render_log(with_plan(factory.context(findings), plan), tmp_path))
    lines = plan.read_text().split("\n")
    for result in results:
        address = result["properties"]["resourceId"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "plan.json"
        region = physical["region"]
        expected_line = next(
            n
            for n, line in enumerate(lines, 1)
            if json.dumps(address) in line and "address" in line
        )
        assert region["startLine"] == expected_line
        covered = region_text(plan, region)
        assert json.loads("{" + covered + "}") == {"address": address}
    if not pretty:
        assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results} == {
            1
        }
        assert (
            len({r["locations"][0]["physicalLocation"]["region"]["startColumn"] for r in results})
            == 3
        )


@pytest.mark.parametrize(
    "name",
    ["regula_vpc_sg_tf10.json", "tfcompliance_nat_vpn_pull330.json", "infracost_nat_gateway.json"],
)
def test_regions_in_real_plans(factory: type[Factory], tmp_path: Path, name: str) -> None:
    source = PLANS / name
    if not source.is_file():
        pytest.fail(f"shared plan fixture missing: {source}")
    plan = tmp_path / name
    plan.write_bytes(source.read_bytes())
    document = json.loads(plan.read_text())
    addresses = [change["address"] for change in document["resource_changes"]]
    findings = [factory.finding(resource_id=address) for address in addresses]
    results = results_of(render_log(with_plan(factory.context(findings), plan), tmp_path))
    text = plan.read_text()
    for result in results:
        address = result["properties"]["resourceId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        covered = region_text(plan, region)
        assert json.loads("{" + covered + "}") == {"address": address}
        # the first appearance: nothing before the region names this address
        line_start = sum(len(line) + 1 for line in text.split("\n")[: region["startLine"] - 1])
        before = text[: line_start + region["startColumn"] - 1]
        assert not re.search(r'"address"\s*:\s*' + re.escape(json.dumps(address)), before)


def test_escaped_addresses_are_found_by_value(factory: type[Factory], tmp_path: Path) -> None:
    address = 'module.m["a<b>&c"].aws_vpc.v'
    # Terraform (Go's encoder) writes < > & as \u003c \u003e \u0026
    encoded = (
        json.dumps(address).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )
    plan = tmp_path / "plan.json"
    plan.write_text('{\n  "x": 1,\n  "address": ' + encoded + "\n}\n")
    result = results_of(
        render_log(
            with_plan(factory.context([factory.finding(resource_id=address)]), plan), tmp_path
        )
    )[0]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_unlocatable_resources_fall_back_to_line_one(
    factory: type[Factory], plan_file: Callable[..., Path], tmp_path: Path
) -> None:
    plan = plan_file(["aws_vpc.other"])
    ctx = with_plan(factory.context([factory.finding(resource_id="aws_vpc.absent")]), plan)
    physical = results_of(render_log(ctx, tmp_path))[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "plan.json"
    assert physical["region"] == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_plan_file_is_read_once(
    factory: type[Factory],
    plan_file: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = plan_file([f"aws_vpc.v{i}" for i in range(20)])
    findings = [factory.finding(resource_id=f"aws_vpc.v{i}") for i in range(20)]
    reads: list[Path] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    render_log(with_plan(factory.context(findings), plan), tmp_path)
    assert reads.count(tmp_path / "plan.json") == 1
    assert len(reads) == len(set(reads))  # the baseline, for related locations, once too


def test_resource_found_in_a_later_input(
    factory: type[Factory], plan_file: Callable[..., Path], tmp_path: Path
) -> None:
    first = plan_file(["aws_vpc.a"], name="a.json")
    second = plan_file(["aws_vpc.b"], name="b.json")
    ctx = factory.context(
        [factory.finding(resource_id="aws_vpc.b")], inputs=[str(first), str(second)]
    )
    physical = results_of(render_log(ctx, tmp_path))[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "b.json"
    assert physical["region"]["startLine"] > 1


def test_live_finding_points_at_the_baseline_with_the_snapshot_related(
    factory: type[Factory], tmp_path: Path
) -> None:
    arn = "arn:aws:ec2:us-west-2:111111111111:vpc/vpc-1"
    inventory = tmp_path / "snapshot.json"
    inventory.write_text(json.dumps({"resources": [{"id": "vpc-0"}, {"id": arn}]}, indent=2))
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("environments:\n  prod:\n    vpc:\n      cidr: 10.2.0.0/16\n")
    finding = factory.finding(resource_id=arn, address=None, source="live")
    rules = {"NET-001": factory.rule(baseline_paths=["environments.*.vpc.cidr"])}
    ctx = factory.context(
        [finding],
        rules=rules,
        inputs=[str(inventory)],
        source_kind="live",
        baseline_path=str(baseline),
    )
    result = results_of(render_log(ctx, tmp_path))[0]
    primary = result["locations"][0]["physicalLocation"]
    assert primary["artifactLocation"] == {"uri": "baseline.yaml", "uriBaseId": "%SRCROOT%"}
    assert region_text(baseline, primary["region"]) == "cidr: 10.2.0.0/16"
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "snapshot.json"
    assert region_text(inventory, related["physicalLocation"]["region"]) == f'"id": "{arn}"'


def test_checkov_checks_are_tagged_checkov_and_not_placed_on_the_baseline(
    factory: type[Factory], tmp_path: Path
) -> None:
    """A CKV check states no expectation of the baseline: its result stays on the plan."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"resource_changes": [{"address": "aws_s3_bucket.logs"}]}, indent=2))
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("environments:\n  prod:\n    vpc:\n      cidr: 10.2.0.0/16\n")
    rule = factory.rule(
        "CKV_AWS_18", language="checkov", baseline_paths=["environments.*.vpc.cidr"]
    )
    finding = factory.finding("CKV_AWS_18", resource_id="aws_s3_bucket.logs", environment="prod")
    ctx = factory.context(
        [finding], rules={"CKV_AWS_18": rule}, inputs=[str(plan)], baseline_path=str(baseline)
    )
    log = render_log(ctx, tmp_path)
    [descriptor] = log["runs"][0]["tool"]["driver"]["rules"]
    assert descriptor["properties"]["tags"][:2] == ["security", "checkov"]
    result = results_of(log)[0]
    uris = [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]] + [
        r["physicalLocation"]["artifactLocation"]["uri"] for r in result.get("relatedLocations", [])
    ]
    assert uris[0] == "plan.json"
    assert "baseline.yaml" not in uris


def test_uris(factory: type[Factory], tmp_path: Path) -> None:
    nested = tmp_path / "plans dir" / "prod.json"
    nested.parent.mkdir()
    nested.write_text("{}")
    ctx = factory.context([factory.finding()], inputs=[str(nested)])
    uri = results_of(render_log(ctx, tmp_path))[0]["locations"][0]["physicalLocation"]
    assert uri["artifactLocation"]["uri"] == "plans%20dir/prod.json"
    elsewhere = render_log(ctx, tmp_path / "plans dir" / "sub")
    absolute = results_of(elsewhere)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert absolute["uri"] == nested.resolve().as_uri()


def test_relative_inputs_are_read_from_the_working_directory(
    factory: type[Factory],
    plan_file: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_file(["aws_vpc.other", "aws_vpc.main"])
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    ctx = factory.context([factory.finding()], inputs=["../plan.json"])
    physical = results_of(render_log(ctx, tmp_path))[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "plan.json"
    assert physical["region"]["startLine"] > 1


def test_live_scan_without_inputs_points_at_the_baseline(
    factory: type[Factory], tmp_path: Path
) -> None:
    ctx = factory.context(
        [factory.finding(address=None, source="live")],
        inputs=[""],
        source_kind="live",
        baseline_path=str(tmp_path / "baselines" / "reference.yaml"),
    )
    physical = results_of(render_log(ctx, tmp_path))[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "baselines/reference.yaml"
    assert physical["region"]["startLine"] == 1


# --- fingerprints -------------------------------------------------------------------


def test_fingerprints_survive_moved_lines(
    factory: type[Factory], plan_file: Callable[..., Path], tmp_path: Path
) -> None:
    addresses = ["aws_vpc.a", "aws_vpc.b", "aws_subnet.c"]
    findings = [factory.finding(resource_id=address) for address in addresses]
    plan = plan_file(addresses)
    before = results_of(render_log(with_plan(factory.context(findings), plan), tmp_path))
    plan_file(list(reversed(addresses)) + ["aws_new.x"] * 5)  # regenerated plan, new order
    plan.write_text("\n\n\n" + plan.read_text())
    after = results_of(render_log(with_plan(factory.context(findings), plan), tmp_path))

    def lines(results: list[dict[str, Any]]) -> dict[str, int]:
        return {
            r["properties"]["resourceId"]: r["locations"][0]["physicalLocation"]["region"][
                "startLine"
            ]
            for r in results
        }

    def hashes(results: list[dict[str, Any]]) -> dict[str, str]:
        return {
            r["properties"]["resourceId"]: r["partialFingerprints"]["primaryLocationLineHash"]
            for r in results
        }

    assert lines(before) != lines(after)
    assert hashes(before) == hashes(after)
    assert hashes(before) == {f.resource_id: f"{f.fingerprint}:1" for f in findings}


def test_same_identity_duplicates_get_distinct_hashes(
    factory: type[Factory], tmp_path: Path
) -> None:
    twins = [factory.finding(message="first"), factory.finding(message="second")]
    results = results_of(render_log(factory.context(twins), tmp_path))
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    fingerprint = twins[0].fingerprint
    assert sorted(hashes) == [f"{fingerprint}:1", f"{fingerprint}:2"]


# --- robustness ---------------------------------------------------------------------


def test_deterministic(
    factory: type[Factory], plan_file: Callable[..., Path], tmp_path: Path
) -> None:
    ctx = factory.mixed()
    plan = plan_file([f.address or f.resource_id for f in ctx.findings])
    first = sarif.render(with_plan(ctx, plan), base_dir=tmp_path)
    shuffled = factory.mixed(findings=list(reversed(ctx.findings)))
    assert sarif.render(with_plan(shuffled, plan), base_dir=tmp_path) == first


def test_hostile_strings_stay_data(factory: type[Factory], tmp_path: Path) -> None:
    ctx = factory.hostile()
    results = results_of(render_log(ctx, tmp_path))
    failing = next(r for r in results if r["properties"]["status"] == "FAIL")
    assert "\n" not in failing["message"]["text"]
    assert failing["message"]["text"].startswith("ingress from x<script>")
    assert failing["properties"]["actual"] == [factory.CONTROL, "nan"]
    waived = next(r for r in results if r["properties"]["status"] == "WAIVED")
    assert "<script>" in waived["suppressions"][0]["justification"]
