"""The CI examples, the Kubernetes manifests and the pre-commit hooks: valid YAML, and every
archscan command and flag they call exists (a renamed flag breaks this test)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scanner.cli import cli

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("archscan-*.yml"))
KUBERNETES = REPO / "deploy" / "kubernetes" / "cronjob.yaml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
DOCS = [REPO / "docs" / "ci.md", REPO / "deploy" / "kubernetes" / "README.md", REPO / "README.md"]
GROUPS = {"baseline", "baseline-findings", "rules"}
SEPARATORS = re.compile(r"\n|;|&&|\|\||\|")


def shell_commands(script: str) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """(command path, flags) of every `archscan ...` call in a shell script."""
    for segment in SEPARATORS.split(script.replace("\\\n", " ")):
        try:
            tokens = shlex.split(segment, comments=True)
        except ValueError:
            tokens = segment.split()
        words = [token for token in tokens if not re.match(r"^[A-Z_]+=", token)]
        if not words or words[0] != "archscan":  # the command word, not an argument
            continue
        rest = words[1:]
        if not rest or rest[0].startswith("-"):
            continue
        path = tuple(rest[:2]) if rest[0] in GROUPS and len(rest) > 1 else (rest[0],)
        yield path, [token.split("=", 1)[0] for token in rest if token.startswith("--")]


def workflow_scripts(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        str(step["run"])
        for job in document["jobs"].values()
        for step in job["steps"]
        if "run" in step
    ]


def kubernetes_scripts(path: Path) -> list[str]:
    scripts = []
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if document["kind"] != "CronJob":
            continue
        pod = document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            args = [str(arg) for arg in container.get("args", [])]
            if "command" in container:
                scripts.extend(args)
            elif "archscan" in container["image"]:  # the image's entrypoint is archscan
                scripts.append(shlex.join(["archscan", *args]))
    return scripts


def hook_scripts(path: Path) -> list[str]:
    hooks = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [" ".join([hook["entry"], *hook.get("args", [])]) for hook in hooks]
    return [entry.replace("python -m scanner.precommit", "archscan") for entry in entries]


def doc_scripts(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def every_call() -> list[tuple[str, tuple[str, ...], list[str]]]:
    sources: list[tuple[Path, list[str]]] = [(p, workflow_scripts(p)) for p in WORKFLOWS]
    sources += [(KUBERNETES, kubernetes_scripts(KUBERNETES)), (HOOKS, hook_scripts(HOOKS))]
    sources += [(p, doc_scripts(p)) for p in DOCS]
    return [
        (path.name, command, flags)
        for path, scripts in sources
        for script in scripts
        for command, flags in shell_commands(script)
    ]


@cache
def help_text(command: tuple[str, ...]) -> str | None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    return result.output if result.exit_code == 0 else None


def problems(calls: list[tuple[str, tuple[str, ...], list[str]]]) -> list[str]:
    found = []
    for where, command, flags in calls:
        text = help_text(command)
        if text is None:
            found.append(f"{where}: `archscan {' '.join(command)}` does not exist")
            continue
        for flag in flags:
            if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text):
                found.append(f"{where}: `archscan {' '.join(command)}` has no {flag}")
    return found


def test_the_files_exist_and_are_valid_yaml() -> None:
    assert [p.name for p in WORKFLOWS] == ["archscan-nightly.yml", "archscan-plan-gate.yml"]
    for path in [*WORKFLOWS, KUBERNETES, HOOKS]:
        assert list(yaml.safe_load_all(path.read_text(encoding="utf-8"))), path


def test_every_archscan_command_and_flag_they_call_exists() -> None:
    calls = every_call()
    called = {command for _, command, _ in calls}
    assert {("plan",), ("audit",), ("snapshot",), ("merge",), ("scan",), ("diff",)} <= called
    assert ("baseline", "lint") in called
    assert problems(calls) == []


def test_a_renamed_flag_or_command_is_caught() -> None:
    calls = list(shell_commands("archscan plan p.json --markdwn s.md\narchscan scna x"))
    assert problems([("t", c, f) for c, f in calls]) == [
        "t: `archscan plan` has no --markdwn",
        "t: `archscan scna` does not exist",
    ]


def pod_spec(document: dict[str, Any]) -> dict[str, Any]:
    return document["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_the_shard_job_is_indexed_and_consistent() -> None:
    documents = {d["metadata"]["name"]: d for d in yaml.safe_load_all(KUBERNETES.read_text())}
    shards = documents["archscan-shards"]["spec"]["jobTemplate"]["spec"]
    count = int(documents["archscan-settings"]["data"]["SHARDS"])
    assert shards["completionMode"] == "Indexed" and shards["completions"] == count
    assert 1 <= shards["parallelism"] <= count
    snapshot = pod_spec(documents["archscan-shards"])["initContainers"][0]["args"]
    assert snapshot[snapshot.index("--shard") + 1] == "auto/$(SHARDS)"
    account = documents["archscan"]["metadata"]["annotations"]
    assert "eks.amazonaws.com/role-arn" in account
    for name in ("archscan-shards", "archscan-merge"):
        assert pod_spec(documents[name])["serviceAccountName"] == "archscan"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_ask_for_the_permissions_they_use(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    permissions = document["permissions"]
    assert permissions["id-token"] == "write" and permissions["security-events"] == "write"
    uses = [step.get("uses", "") for job in document["jobs"].values() for step in job["steps"]]
    assert "github/codeql-action/upload-sarif@v3" in uses
    if path.name == "archscan-plan-gate.yml":
        assert permissions["pull-requests"] == "write"


def test_the_plan_hook_checks_each_plan_and_returns_the_worst(tmp_path: Path) -> None:
    from scanner.precommit import main, split_arguments, worst

    examples = REPO / "examples"
    compliant, drifted = examples / "prod-compliant.plan.json", examples / "prod-drifted.plan.json"
    options = ["--fail-on", "high", "--quiet"]
    assert split_arguments([*options, str(compliant)]) == (options, [str(compliant)])
    assert worst([0, 3, 1]) == 1 and worst([3, 0]) == 3 and worst([1, 2]) == 2
    assert (
        main(["plan", "--quiet", "--format", "json", "-o", str(tmp_path / "a"), str(compliant)])
        == 0
    )
    assert main(["plan", "--quiet", "-o", str(tmp_path / "b"), str(compliant), str(drifted)]) == 1
