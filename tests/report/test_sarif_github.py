"""SARIF that GitHub code scanning accepts and can place, checked on whole logs.

Every log here (the drifted example with and without --tf-dir, a live scan of a moto
server, 30,000 findings aggregated, waivers and baseline states) passes the OASIS
schema and the SARIF Multitool's GitHub rules, validated in one Multitool call.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from scanner.cli import main
from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import Seeder, reset
from scanner.collect.aws.options import AwsOptions
from scanner.engine.metadata import RuleMeta
from scanner.errors import ExitCode, UsageError
from scanner.findings import Status
from scanner.pipeline import ScanOptions, run
from scanner.report import sarif
from scanner.report.context import ReportContext
from scanner.report.sarif_upload import SarifRefused, check_uploadable, upload_blockers
from tests.live.conftest import moto_url

from .conftest import make_context, make_finding, make_rule
from .sarif_checks import REPO, multitool, multitool_problems, oasis, schema_errors

if TYPE_CHECKING:
    from .conftest import Factory

__all__ = ["moto_url", "multitool", "oasis"]  # fixtures used by name below

DRIFTED = REPO / "examples" / "prod-drifted.plan.json"


def cli(*args: object) -> int:
    with pytest.raises(SystemExit) as caught:
        main([str(a) for a in args])
    return int(caught.value.code or 0)


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return [result for run_ in log["runs"] for result in run_["results"]]


def line_at(path: Path, region: dict[str, int]) -> str:
    return path.read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]


# --- the logs -----------------------------------------------------------------------------


def terraform_tree(module: dict[str, Any], folder: Path) -> None:
    """.tf files for a plan's configuration: every resource block, with decoys in comments
    and heredocs, and module calls with their local sources."""
    lines = ["# written from the plan's configuration", ""]
    for resource in module.get("resources", []):
        keyword = "data" if resource["mode"] == "data" else "resource"
        header = f'{keyword} "{resource["type"]}" "{resource["name"]}"'
        lines += [f"# {header} {{", f"{header} {{", "  note = <<-EOT", f"    {header} {{"]
        lines += ["  EOT", '  tags = { x = "${var.y["}"]}" }', "}", ""]
    for name, call in module.get("module_calls", {}).items():
        lines += [f'module "{name}" {{', f'  source = "{call["source"]}"', "}", ""]
        terraform_tree(call.get("module", {}), folder / call["source"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text("\n".join(lines))


def live_context(url: str) -> ReportContext:
    """A live scan of a moto server: a VPC off the baseline's CIDR, an unencrypted volume."""
    reset(url)
    ec2 = Seeder(url).client("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1a")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, VolumeType="gp2", Encrypted=False)
    options = AwsOptions(
        endpoint_url=url, regions=["us-east-1"], services=["ec2"], max_attempts=1, read_timeout=10
    )
    inventory = collect_live(options)
    reset(url)
    return run(inventory, ScanOptions(environment="prod")).context


# Large enough to need aggregation, few results left after it (schema checks are slow).
BIG_GROUPS = {"NET-001": 26_000, "NET-002": 3_200, "TAG-001": 790}


def big_context() -> ReportContext:
    """30,000 findings: three large rules and ten single ones, in shuffled order."""
    findings = [
        make_finding(rule, resource_id=f"aws_vpc.v{rule[-1]}_{i}")
        for rule, size in BIG_GROUPS.items()
        for i in range(size)
    ]
    findings += [make_finding(f"XTRA-{i}", resource_id=f"aws_vpc.x{i}") for i in range(10)]
    random.Random(7).shuffle(findings)
    return make_context(findings)


def waiver_context() -> ReportContext:
    """Waived findings, baseline states and expired / stale waivers."""
    waiver = {
        "id": "W-7",
        "owner": "data-team",
        "reason": "migration in progress",
        "ticket": "OPS-12",
        "expires": "2030-01-31",
    }
    findings = [
        make_finding("DB-004", Status.WAIVED, "aws_rds_cluster.a", extra={"waiver": waiver}),
        make_finding("NET-001", Status.FAIL, "aws_vpc.a", extra={"baseline_state": "new"}),
        make_finding("NET-001", Status.FAIL, "aws_vpc.b", extra={"baseline_state": "unchanged"}),
        make_finding("NET-002", Status.FAIL, "aws_vpc.c", extra={"baseline_state": "bogus"}),
    ]
    expired = {"id": "W-1", "rules": ["NET-001"], "owner": "net", "expires": "2024-01-01"}
    stale = {"id": "W-2", "rules": ["SEC-001"], "owner": "sec", "ticket": "OPS-9"}
    return make_context(findings, extra={"waivers": {"expired": [expired], "stale": [stale]}})


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory, moto_url: str) -> Iterator[dict[str, Path]]:
    """name -> SARIF file; the plan ones through the CLI in a scratch repository."""
    repo = tmp_path_factory.mktemp("repo")
    plan = repo / "plans" / "prod.plan.json"
    plan.parent.mkdir()
    shutil.copyfile(DRIFTED, plan)
    configuration = json.loads(plan.read_text())["configuration"]["root_module"]
    terraform_tree(configuration, repo / "infra")
    out = tmp_path_factory.mktemp("sarif")
    common = ["plan", plan, "--sarif-force", "--sarif-base-dir", repo, "-q", "-o", out / "t.txt"]
    assert cli(*common, "--sarif", out / "plan.sarif") == ExitCode.FINDINGS
    tf = ["--tf-dir", repo / "infra", "--sarif", out / "plan-tf.sarif"]
    assert cli(*common, *tf) == ExitCode.FINDINGS
    (out / "live.sarif").write_text(sarif.render(live_context(moto_url), base_dir=REPO))
    (out / "aggregated.sarif").write_text(sarif.render(big_context(), base_dir=REPO))
    (out / "waived.sarif").write_text(sarif.render(waiver_context(), base_dir=REPO))
    files = {path.stem: path for path in sorted(out.glob("*.sarif"))}
    files["repo"] = repo
    yield files


def load(logs: dict[str, Path], name: str) -> dict[str, Any]:
    return json.loads(logs[name].read_text(encoding="utf-8"))


SARIF_NAMES = ["aggregated", "live", "plan", "plan-tf", "waived"]


def test_every_log_is_schema_valid(
    logs: dict[str, Path], oasis: jsonschema.Draft4Validator
) -> None:
    for name in SARIF_NAMES:
        assert schema_errors(oasis, load(logs, name)) == [], name


def test_multitool_github_rules_accept_every_log(logs: dict[str, Path], multitool: Path) -> None:
    paths = [logs[name] for name in SARIF_NAMES]
    problems = multitool_problems(multitool, paths, paths[0].parent / "validation.sarif")
    assert set(problems) >= {path.name for path in paths}  # each file was attributed
    assert {name: found for name, found in problems.items() if found} == {}


def test_multitool_batch_attributes_problems_to_their_file(
    logs: dict[str, Path], multitool: Path, tmp_path: Path
) -> None:
    broken = load(logs, "waived")
    del broken["runs"][0]["tool"]["driver"]["rules"][0]["help"]  # GitHub requires it
    (tmp_path / "broken.sarif").write_text(json.dumps(broken))
    paths = [logs["plan"], tmp_path / "broken.sarif"]
    problems = multitool_problems(multitool, paths, tmp_path / "validation.sarif")
    assert problems["plan.sarif"] == []
    assert problems["broken.sarif"] and all(p.startswith("GH") for p in problems["broken.sarif"])


# --- where results are placed ----------------------------------------------------------------


def test_every_result_has_a_repository_location(logs: dict[str, Path]) -> None:
    for name in ("plan", "plan-tf", "live"):
        for result in results(load(logs, name)):
            [location] = result["locations"]
            artifact = location["physicalLocation"]["artifactLocation"]
            assert artifact["uriBaseId"] == "%SRCROOT%", (name, artifact)
            assert not artifact["uri"].startswith(("/", "file:")), (name, artifact)
            assert location["physicalLocation"]["region"]["startLine"] >= 1


def test_plan_results_point_at_the_plan(logs: dict[str, Path]) -> None:
    plan = logs["repo"] / "plans" / "prod.plan.json"
    placed = 0
    for result in results(load(logs, "plan")):
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "plans/prod.plan.json"
        if physical["region"]["startColumn"] > 1:
            placed += 1
            text = line_at(plan, physical["region"])
            region = physical["region"]
            covered = text[region["startColumn"] - 1 : region["endColumn"] - 1]
            address = json.loads("{" + covered + "}")["address"]
            assert result["properties"]["resourceId"].startswith(address)
    assert placed == len(results(load(logs, "plan"))) - 1  # DR-007's scope has no resource


def test_tf_dir_results_point_at_the_resource_block(logs: dict[str, Path]) -> None:
    repo = logs["repo"]
    plan = json.loads((repo / "plans" / "prod.plan.json").read_text())
    configuration = plan["configuration"]["root_module"]
    on_blocks = 0
    for result in results(load(logs, "plan-tf")):
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        resource = result["properties"]["resourceId"].split("/")[0]
        if not uri.endswith(".tf"):
            assert resource == "prod"  # DR-007: a scope, not a resource
            continue
        on_blocks += 1
        steps = resource.split(".")
        module, folder = configuration, repo / "infra"
        for i in range(0, len(steps) - 2, 2):
            call = module["module_calls"][steps[i + 1]]
            module, folder = call["module"], folder / call["source"]
        assert (repo / uri).resolve() == (folder / "main.tf").resolve(), (uri, resource)
        kind, name = steps[-2], steps[-1].split("[")[0]
        line = line_at(repo / uri, physical["region"])
        assert line == f'resource "{kind}" "{name}" {{', (uri, line)
        related = [
            r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]
        ]
        assert related[0] == "plans/prod.plan.json"
    assert on_blocks == len(results(load(logs, "plan-tf"))) - 1


def test_live_results_point_at_the_baseline_line_of_the_expectation(
    logs: dict[str, Path],
) -> None:
    log = load(logs, "live")
    prod = next(r for r in log["runs"] if r["automationDetails"]["id"] == "archscan/live/prod/")
    by_rule = {}
    for result in prod["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "baselines/reference.yaml"
        by_rule[result["ruleId"]] = line_at(
            REPO / "baselines" / "reference.yaml", physical["region"]
        )
    assert by_rule["NET-001"].strip().startswith("cidr:")
    assert by_rule["STO-002"].strip().startswith("require_encryption:")


# --- categories, limits, refusal ---------------------------------------------------------


def test_one_run_per_environment_with_its_own_category(factory: type[Factory]) -> None:
    findings = [
        factory.finding(resource_id="aws_vpc.a", environment="prod"),
        factory.finding(resource_id="aws_vpc.b", environment="dev", status=Status.PASS),
        factory.finding(resource_id="aws_vpc.c", environment=None),
    ]
    log = json.loads(sarif.render(factory.context(findings), base_dir=REPO))
    ids = [run_["automationDetails"]["id"] for run_ in log["runs"]]
    assert ids == ["archscan/plan/dev/", "archscan/plan/prod/", "archscan/plan/unresolved/"]
    # dev has only a PASS: its run is empty, so an upload closes dev's fixed alerts
    assert [len(run_["results"]) for run_ in log["runs"]] == [0, 1, 1]
    tools = {
        (run_["tool"]["driver"]["name"], run_["automationDetails"]["id"]) for run_ in log["runs"]
    }
    assert len(tools) == len(log["runs"])  # GitHub: tool + category unique per run


def test_more_than_twenty_environments_is_refused(factory: type[Factory]) -> None:
    findings = [
        factory.finding(resource_id=f"aws_vpc.v{i}", environment=f"e{i}") for i in range(21)
    ]
    with pytest.raises(UsageError, match="at most 20 runs"):
        sarif.render(factory.context(findings), base_dir=REPO)


def test_aggregation_keeps_each_run_under_githubs_limit(logs: dict[str, Path]) -> None:
    [run_] = load(logs, "aggregated")["runs"]
    assert len(run_["results"]) == 30_000 - BIG_GROUPS["NET-001"] + 1 <= 25_000
    aggregated = [r for r in run_["results"] if r["properties"].get("aggregated")]
    assert [(r["ruleId"], r["properties"]["count"]) for r in aggregated] == [("NET-001", 26_000)]
    assert aggregated[0]["message"]["text"].startswith("26,000 FAIL results of NET-001")
    assert len(aggregated[0]["properties"]["resourceIds"]) == 20
    assert run_["properties"]["archscan"]["aggregated"] == {"NET-001 FAIL": 26_000}
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert any("26,000 NET-001 FAIL results aggregated" in n["message"]["text"] for n in notes)
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run_["results"]]
    assert len(set(hashes)) == len(hashes)


def test_aggregation_choice_is_deterministic() -> None:
    ctx = big_context()
    chosen = sarif.groups_to_aggregate(ctx.findings, 25_000)
    random.Random(1).shuffle(ctx.findings)
    assert sarif.groups_to_aggregate(ctx.findings, 25_000) == chosen == {("NET-001", Status.FAIL)}
    assert sarif.groups_to_aggregate(ctx.findings, 3_000) == {
        ("NET-001", Status.FAIL),
        ("NET-002", Status.FAIL),
    }
    assert sarif.groups_to_aggregate(ctx.findings, 30_000) == set()


def test_incomplete_plan_is_refused_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outputs = [tmp_path / "r.json", tmp_path / "r.sarif"]
    code = cli("plan", DRIFTED, "--json", outputs[0], "--sarif", outputs[1], "-q")
    err = capsys.readouterr().err
    assert code == ExitCode.INCOMPLETE
    assert not any(path.exists() for path in outputs)
    assert err.count("\n") == 1
    assert "1 UNKNOWN result at or above high" in err
    assert "archscan/plan/prod/" in err and "--sarif-force" in err
    assert cli("plan", DRIFTED, "--format", "sarif", "-q") == ExitCode.INCOMPLETE
    assert capsys.readouterr().out == ""


def test_blockers_name_every_reason(factory: type[Factory]) -> None:
    reasons = upload_blockers(factory.mixed())
    assert reasons == [
        "1 NOT_COLLECTED result at or above high",
        "1 ERROR result",
        "1 UNKNOWN result at or above high",
        "1 collection gap: config in 111111111111/us-west-2 (denied)",
    ]
    with pytest.raises(SarifRefused) as raised:
        check_uploadable(factory.mixed())
    assert raised.value.exit_code == ExitCode.INCOMPLETE
    below = factory.context([factory.finding(status=Status.UNKNOWN, severity="low")])
    assert upload_blockers(below) == []  # below --fail-on: cannot have been a failing alert
    check_uploadable(factory.context([factory.finding()]))


# --- waivers and baseline states --------------------------------------------------------------


def test_waivers_become_accepted_suppressions(logs: dict[str, Path]) -> None:
    [run_] = load(logs, "waived")["runs"]
    by_resource = {r["properties"]["resourceId"]: r for r in run_["results"]}
    waived = by_resource["aws_rds_cluster.a"]
    assert waived["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "migration in progress "
            "(owner data-team, ticket OPS-12, expires 2030-01-31)",
            "properties": {
                "waiverId": "W-7",
                "owner": "data-team",
                "ticket": "OPS-12",
                "expires": "2030-01-31",
            },
        }
    ]
    assert "suppressions" not in by_resource["aws_vpc.a"]
    assert by_resource["aws_vpc.a"]["baselineState"] == "new"
    assert by_resource["aws_vpc.b"]["baselineState"] == "unchanged"
    assert "baselineState" not in by_resource["aws_vpc.c"]  # not a SARIF state
    assert "baselineState" not in waived
    notes = [n["message"]["text"] for n in run_["invocations"][0]["toolExecutionNotifications"]]
    assert notes == [
        "Waiver W-1 (rules NET-001, owner net, expires 2024-01-01) is expired: "
        "its findings count again",
        "Waiver W-2 (rules SEC-001, owner sec, ticket OPS-9) is stale: it matches no finding",
    ]


def test_rule_without_baseline_keys_points_at_its_environment(tmp_path: Path) -> None:
    baseline = tmp_path / "b.yaml"
    baseline.write_text(
        "regions:\n  primary: us-west-2\nenvironments:\n  prod:\n    workload: true\n"
    )
    rules: dict[str, RuleMeta] = {"NET-001": make_rule("NET-001")}
    finding = make_finding(source="live", address=None, resource_id="arn:aws:ec2:x")
    ctx = make_context([finding], rules=rules, baseline_path=str(baseline), source_kind="live")
    result = json.loads(sarif.render(ctx, base_dir=tmp_path))["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 4  # environments.prod
