"""The CLI end to end: examples, gate semantics, several reports per run, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import main

REPO = Path(__file__).resolve().parents[1]
COMPLIANT = REPO / "examples" / "prod-compliant.plan.json"
DRIFTED = REPO / "examples" / "prod-drifted.plan.json"
SECRET = "s3cr3t-Pa55w0rd-DO-NOT-LEAK"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_compliant_example_exits_zero_with_no_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(["plan", COMPLIANT, "--json", tmp_path / "r.json", "-q"], capsys)
    report = json.loads((tmp_path / "r.json").read_text())
    statuses = {f["status"] for f in report["findings"]}
    assert code == 0, out + err
    assert "FAIL" not in statuses and "ERROR" not in statuses
    # The network account's Transit Gateway is read through a data source, which a plan
    # does not turn into a resource: NET-008 (medium, below --fail-on) cannot be decided.
    unknown = {f["rule_id"] for f in report["findings"] if f["status"] == "UNKNOWN"}
    assert unknown <= {"NET-008"}
    ids = {f["rule_id"] for f in report["findings"]}
    assert {
        "NET-001",
        "NET-003",
        "NET-004",
        "NET-005",
        "DB-003",
        "DB-004",
        "STO-001",
        "STO-002",
        "STO-005",
        "SEC-001",
        "TAG-001",
    } <= ids


def test_drifted_example_fails_the_expected_controls(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(["plan", DRIFTED, "--json", tmp_path / "r.json", "--no-color"], capsys)
    assert code == 1
    report = json.loads((tmp_path / "r.json").read_text())
    failed = {f["rule_id"] for f in report["findings"] if f["status"] == "FAIL"}
    assert {
        "NET-003",
        "NET-004",
        "NET-005",
        "DB-003",
        "DB-004",
        "STO-001",
        "STO-002",
        "STO-005",
        "SEC-001",
        "TAG-001",
    } <= failed
    assert "NET-001" not in failed
    unknown = [f for f in report["findings"] if f["status"] == "UNKNOWN"]
    assert any(f["rule_id"] == "STO-002" for f in unknown)
    assert "FAIL" in out and "exit 1" in out


def test_every_format_in_one_run_and_no_secret_anywhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outputs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "markdown")}
    # --sarif-force: the drifted plan leaves one STO-002 UNKNOWN (docs/sarif.md)
    args = ["plan", DRIFTED, "--snapshot-out", tmp_path / "inv.json", "--sarif-force"]
    for fmt, path in outputs.items():
        args += [f"--{fmt}", path]
    code, out, err = run(args, capsys)
    assert code == 1
    files = [(tmp_path / "inv.json").read_text()] + [p.read_text() for p in outputs.values()]
    assert all(files) and out
    texts = [out, err, *files]
    assert SECRET in DRIFTED.read_text()  # the plan carries it in clear text ...
    assert not any(SECRET in text for text in texts)  # ... no output does
    sarif = json.loads(outputs["sarif"].read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


def test_snapshot_then_scan_gives_the_same_verdicts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(
        [
            "plan",
            DRIFTED,
            "--snapshot-out",
            tmp_path / "inv.json",
            "--json",
            tmp_path / "a.json",
            "-q",
        ],
        capsys,
    )
    code, _, _ = run(["scan", tmp_path / "inv.json", "--json", tmp_path / "b.json", "-q"], capsys)
    assert code == 1
    first, second = (
        json.loads((tmp_path / n).read_text())["findings"] for n in ("a.json", "b.json")
    )
    verdicts = lambda fs: sorted((f["fingerprint"], f["status"]) for f in fs)  # noqa: E731
    assert verdicts(first) == verdicts(second)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--soft-fail"], 0),
        (["--fail-on", "critical"], 1),  # NET-005 and DB-004 are critical
        (["--rule", "NET-001"], 0),
        (["--rule", "STO-002"], 1),
        (["--rule", "STO-002", "--skip-rule", "STO-002", "--rule", "NET-001"], 0),
    ],
)
def test_gate_options(capsys: pytest.CaptureFixture[str], extra: list[str], expected: int) -> None:
    code, _, _ = run(["plan", DRIFTED, "-q", *extra], capsys)
    assert code == expected


def test_unknown_alone_exits_three_unless_warned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Only the rules that are UNKNOWN on the drifted plan's pending volume.
    inventory = tmp_path / "inv.json"
    run(["plan", DRIFTED, "--snapshot-out", inventory, "-q"], capsys)
    data = json.loads(inventory.read_text())
    data["resources"] = [
        r
        for r in data["resources"]
        if r["type"] == "aws_ebs_volume" and "encrypted" in r["unknown"]
    ]
    assert data["resources"], "the drifted example should hold a volume whose encryption is unknown"
    inventory.write_text(json.dumps(data))
    code, out, _ = run(["scan", inventory, "--rule", "STO-002", "--env", "prod"], capsys)
    assert code == 3 and "UNKNOWN" in out
    code, _, err = run(
        ["scan", inventory, "--rule", "STO-002", "--env", "prod", "--unknown", "warn"], capsys
    )
    assert code == 0 and "could not be decided" in err


BAD_INPUTS = {
    "empty": b"",
    "malformed": b'{"format_version": "1.2", "planned_values": {',
    "binary": bytes(range(256)) * 4,
    "state": json.dumps(
        {"version": 4, "terraform_version": "1.5.7", "serial": 3, "lineage": "x", "resources": []}
    ).encode(),
    "cloudformation": json.dumps(
        {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}
    ).encode(),
    "sarif": json.dumps(
        {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}
    ).encode(),
    "future_format": json.dumps(
        {"format_version": "9.0", "planned_values": {}, "resource_changes": []}
    ).encode(),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_plan_is_one_line_exit_two_and_no_output(
    kind: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = tmp_path / f"{kind}.json"
    plan.write_bytes(BAD_INPUTS[kind])
    report = tmp_path / "out.json"
    code, out, err = run(["plan", plan, "--json", report], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(plan) in lines[0], err
    assert "Traceback" not in err and out == ""
    assert not report.exists()
    assert list(tmp_path.iterdir()) == [plan]  # no temporary file left behind either


def test_missing_file_and_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for target in (tmp_path / "absent.json", tmp_path):
        code, _, err = run(["plan", target], capsys)
        assert code == 2 and str(target) in err and "Traceback" not in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "p.json"
    plan.write_text("{")
    code, _, err = run(["plan", plan, "--debug"], capsys)
    assert code == 2 and "Traceback" in err


def test_unknown_rule_and_environment_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["plan", COMPLIANT, "--rule", "NET-999"], capsys)
    assert code == 2 and "NET-999" in err
    code, _, err = run(["plan", COMPLIANT, "--env", "qa"], capsys)
    assert code == 2 and "qa" in err


def test_broken_baseline_names_file_and_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, repo_root: Path
) -> None:
    text = (repo_root / "baselines" / "reference.yaml").read_text()
    broken = tmp_path / "b.yaml"
    broken.write_text(text.replace("cidr: 10.2.0.0/16", "cidr: 10.2.0.0/33", 1))
    code, _, err = run(["plan", COMPLIANT, "--baseline", broken], capsys)
    assert code == 2 and str(broken) in err and "environments.prod.vpc.cidr" in err


def test_bad_policy_dir_names_file_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad.rego").write_text("package archscan.user\n\nimport rego.v1\n\nx if {\n")
    code, _, err = run(["plan", COMPLIANT, "--policy-dir", tmp_path], capsys)
    assert code == 2 and f"{tmp_path / 'bad.rego'}:" in err


def test_opa_url_without_server_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("opa_client")
    code, _, err = run(["plan", COMPLIANT, "--opa-url", "http://127.0.0.1:9"], capsys)
    assert code == 2 and "127.0.0.1:9" in err and "Traceback" not in err


def test_baseline_lint_and_rules_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["baseline", "lint"], capsys)
    assert code == 0 and "0 errors" in out
    code, out, _ = run(["rules", "list"], capsys)
    assert code == 0 and "NET-004" in out and "TAG-001" in out
    code, out, _ = run(["rules", "show", "net-004"], capsys)
    shown = json.loads(out)
    assert code == 0 and shown["id"] == "NET-004"
    assert shown["baseline_values"]["environments.*.vpc.nat_gateways"]["prod"]["count"] == 3
    code, out, _ = run(["rules", "test"], capsys)
    assert code == 0 and " passed, 0 failed" in out


def test_help_documents_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scanner", "plan", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "Exit codes" in result.stdout
        and "--fail-on" in result.stdout
        and "incomplete" in result.stdout
    )


def test_unwritable_output_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "r.json"
    code, _, err = run(
        ["plan", DRIFTED, "--json", good, "--sarif", tmp_path / "no" / "r.sarif"], capsys
    )
    assert code == 2 and "r.sarif" in err and "folder does not exist" in err
    assert not good.exists()
    code, _, err = run(["plan", DRIFTED, "--json", tmp_path], capsys)
    assert code == 2 and "is a directory" in err
