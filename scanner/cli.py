"""Command line: parse options, call the pipeline, map errors to exit codes. Nothing else."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scanner import __version__
from scanner.cli_checkov import check_checkov_options, checkov_options, checkov_summary
from scanner.errors import ArchscanError, ExitCode, InputError
from scanner.findings import Severity
from scanner.gate import UnknownMode

EXIT_CODES_HELP = """
\b
Exit codes:
  0  clean: no FAIL at or above --fail-on, nothing left undecided
  1  a FAIL at or above --fail-on (default high)
  2  usage or input error: bad option, unreadable or malformed plan,
     inventory, baseline or policy (one line on stderr says which file)
  3  incomplete under fail-closed: UNKNOWN (value known only after apply),
     NOT_COLLECTED or ERROR results at or above --fail-on, with --unknown fail;
     also SARIF refused for such a scan or one with collection gaps (nothing
     written) unless --sarif-force (docs/sarif.md)
--soft-fail turns 1 and 3 into 0; input errors still exit 2.
WAIVED findings (--waivers) never count; a waiver past its expiry date stops
suppressing, so its findings count again. With --new-only, only findings the
findings baseline does not record count. A bad --waivers or --new-only file is 2.
"""

STDOUT_FORMATS = ["table", "json", "sarif", "junit", "markdown", "html"]


class Console:
    """Progress and warnings on stderr; silent under --quiet, progress only on a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.interactive = sys.stderr.isatty()

    def progress(self, text: str) -> None:
        if not self.quiet and self.interactive:
            click.echo(f"archscan: {text}", err=True)

    def info(self, text: str) -> None:
        if not self.quiet:
            click.echo(f"archscan: {text}", err=True)

    def warn(self, text: str) -> None:
        if not self.quiet:
            click.echo(f"archscan: warning: {text}", err=True)


def _severity(_ctx: click.Context, _param: click.Parameter, value: str) -> Severity:
    return Severity.parse(value)


def scan_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by `plan` and `scan`."""
    options = [
        click.option(
            "--baseline",
            type=click.Path(path_type=Path),
            help="Baseline YAML (default: the bundled reference architecture).",
        ),
        click.option(
            "--env",
            "environment",
            metavar="NAME",
            help="Environment of every resource (overrides account map, tags and VPC CIDR).",
        ),
        click.option(
            "--policy-dir",
            "policy_dirs",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Extra folder of Rego policies (repeatable).",
        ),
        click.option(
            "--rules-dir",
            "rules_dirs",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Extra folder of Python rules (repeatable).",
        ),
        click.option(
            "--rule",
            "include",
            multiple=True,
            metavar="ID",
            help="Run only this rule (repeatable).",
        ),
        click.option(
            "--skip-rule",
            "exclude",
            multiple=True,
            metavar="ID",
            help="Do not run this rule (repeatable).",
        ),
        click.option(
            "--fail-on",
            default="high",
            show_default=True,
            callback=_severity,
            type=click.Choice(["critical", "high", "medium", "low", "info"], case_sensitive=False),
            help="Lowest severity of a FAIL that fails the gate.",
        ),
        click.option(
            "--unknown",
            "unknown_mode",
            default="fail",
            show_default=True,
            type=click.Choice([m.value for m in UnknownMode]),
            help="What UNKNOWN / NOT_COLLECTED / ERROR results do: fail (exit 3), warn, ignore.",
        ),
        click.option("--soft-fail", is_flag=True, help="Always exit 0 unless the input is bad."),
        click.option(
            "--format",
            "stdout_format",
            default="table",
            show_default=True,
            type=click.Choice(STDOUT_FORMATS),
            help="Format written to stdout (or --output).",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path),
            help="Write the --format report to this file instead of stdout.",
        ),
        click.option(
            "--json",
            "json_out",
            type=click.Path(path_type=Path),
            help="Also write the JSON report here.",
        ),
        click.option(
            "--sarif",
            "sarif_out",
            type=click.Path(path_type=Path),
            help="Also write SARIF 2.1.0 here (one run per environment; docs/sarif.md).",
        ),
        click.option(
            "--sarif-force",
            is_flag=True,
            help="Write SARIF even when the scan is incomplete (an upload would close the "
            "alerts it could not check).",
        ),
        click.option(
            "--sarif-base-dir",
            type=click.Path(path_type=Path, file_okay=False),
            metavar="DIR",
            help="Folder SARIF paths are relative to (default: the Git work tree, else the cwd).",
        ),
        click.option(
            "--junit",
            "junit_out",
            type=click.Path(path_type=Path),
            help="Also write JUnit XML here.",
        ),
        click.option(
            "--markdown",
            "markdown_out",
            type=click.Path(path_type=Path),
            help="Also write the Markdown summary here.",
        ),
        click.option(
            "--html",
            "html_out",
            type=click.Path(path_type=Path),
            help="Also write the self-contained HTML report (charts, architecture) here.",
        ),
        click.option(
            "--show-passed",
            is_flag=True,
            help="List PASS results in the table, not only count them.",
        ),
        click.option(
            "--opa-url",
            metavar="URL",
            help="Evaluate Rego on this OPA server, not the embedded engine (opa extra).",
        ),
        click.option(
            "--waivers",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="Waiver YAML: accepted findings become WAIVED until they expire "
            "(docs/waivers.md).",
        ),
        click.option(
            "--new-only",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="Findings baseline (`archscan baseline-findings create`): fail the gate only "
            "on findings it does not record.",
        ),
        click.option(
            "--no-color", is_flag=True, help="No ANSI colours (NO_COLOR is honoured too)."
        ),
        click.option("-q", "--quiet", is_flag=True, help="No progress or warnings on stderr."),
        click.option("--debug", is_flag=True, help="Show tracebacks for errors."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="archscan")
def cli() -> None:
    """Check Terraform plans and AWS accounts against a documented reference architecture.

    archscan turns a plan (or a live snapshot) into a normalized inventory, checks it
    with Rego and Python rules whose expected values come from the baseline YAML, and
    reports findings as a table, JSON, SARIF, JUnit or Markdown.
    """


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("plan_file", type=click.Path(path_type=Path))
@click.option(
    "--snapshot-out",
    type=click.Path(path_type=Path),
    help="Also write the normalized inventory (JSON) here.",
)
@click.option(
    "--tf-dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    metavar="DIR",
    help="Terraform root folder of the plan: SARIF results point at each resource's block "
    "in the .tf files.",
)
@click.option(
    "--against",
    type=click.Path(path_type=Path),
    metavar="SNAPSHOT",
    help="Judge this live snapshot as it will be once the plan is applied (docs/diff.md);"
    " unresolved deletes make the run incomplete (exit 3).",
)
@checkov_options
@scan_options
def plan(plan_file: Path, snapshot_out: Path | None, against: Path | None, **options: Any) -> int:
    """Check a Terraform plan (`terraform show -json plan.out > plan.json`)."""
    from scanner.collect.terraform import collect_plan
    from scanner.inventory.io import dump_inventory

    console = Console(options["quiet"])
    check_checkov_options(options, against)
    started = _now()
    console.progress(f"reading {plan_file}")
    inventory = collect_plan(plan_file)
    for warning in inventory.warnings:
        console.warn(warning)
    console.progress(f"{len(inventory.resources)} resources, {len(inventory.changes)} changes")
    projection = None
    if against is not None:
        from scanner.projection import project_files

        projection = project_files(plan_file, against, inventory)
        inventory = projection.inventory
        for warning in projection.warnings:
            console.warn(warning)
    result = _run(inventory, options, started, console)
    if projection is not None:
        result.context.exit_code = projection.exit_code(
            result.context.exit_code, UnknownMode(options["unknown_mode"]), options["soft_fail"]
        )
    extra = {snapshot_out: dump_inventory(result.inventory)} if snapshot_out else {}
    return _report(result, options, console, extra)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("inventory_file", type=click.Path(path_type=Path))
@scan_options
def scan(inventory_file: Path, **options: Any) -> int:
    """Evaluate a saved inventory (from `plan --snapshot-out` or `snapshot`)."""
    from scanner.inventory.io import load_inventory

    console = Console(options["quiet"])
    started = _now()
    inventory = load_inventory(inventory_file)
    console.progress(f"{len(inventory.resources)} resources in {inventory_file}")
    return _report(_run(inventory, options, started, console), options, console, {})


def _now() -> str:
    from scanner.pipeline import now_iso

    return now_iso()


def _run(inventory: Any, options: dict[str, Any], started: str, console: Console) -> Any:
    from scanner.pipeline import ScanOptions, run

    scan_options_ = ScanOptions(
        baseline=options["baseline"],
        policy_dirs=list(options["policy_dirs"]),
        rules_dirs=list(options["rules_dirs"]),
        include=list(options["include"]),
        exclude=list(options["exclude"]),
        environment=options["environment"],
        fail_on=options["fail_on"],
        unknown=UnknownMode(options["unknown_mode"]),
        soft_fail=options["soft_fail"],
        opa_url=options["opa_url"],
        waivers=options["waivers"],
        new_only=options["new_only"],
        checkov=options.get("checkov", False),
        checkov_timeout=options.get("checkov_timeout"),
    )
    console.progress("evaluating rules")
    result = run(inventory, scan_options_, started)
    from scanner.cli_findings import warn_acceptance

    warn_acceptance(result.context, console)
    if (line := checkov_summary(result.context)) is not None:
        console.info(line)
    return result


def _report(result: Any, options: dict[str, Any], console: Console, extra: dict[Path, str]) -> int:
    """Render every requested report first, then write them all atomically."""
    from scanner.fileio import check_writable, write_atomic
    from scanner.gate import incomplete
    from scanner.report.registry import render

    context = result.context
    sarif_options = {"base_dir": options.get("sarif_base_dir"), "tf_dir": options.get("tf_dir")}
    color = not options["no_color"] and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    stdout_text = render(
        options["stdout_format"],
        context,
        color=color and not options["output"],
        show_passed=options["show_passed"],
        **sarif_options,
    )
    files: dict[Path, str] = dict(extra)
    for key, name in (
        ("json_out", "json"),
        ("sarif_out", "sarif"),
        ("junit_out", "junit"),
        ("markdown_out", "markdown"),
        ("html_out", "html"),
    ):
        if options[key]:
            files[options[key]] = render(name, context, **sarif_options)
    if options["output"]:
        files[options["output"]] = stdout_text
    for path in files:
        check_writable(path)
    wants_sarif = options["sarif_out"] or options["stdout_format"] == "sarif"
    if wants_sarif and not options.get("sarif_force"):
        from scanner.report.sarif_upload import check_uploadable

        check_uploadable(context)  # exit 3 before any file is written
    for path, text in files.items():
        try:
            write_atomic(path, text)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", source=str(path)) from None
    if not options["output"]:
        click.echo(stdout_text, nl=not stdout_text.endswith("\n"))
    undecided = incomplete(context.findings, context.fail_on)
    if undecided and options["unknown_mode"] == UnknownMode.WARN.value:
        console.warn(
            f"{len(undecided)} results could not be decided (UNKNOWN / NOT_COLLECTED / ERROR)"
        )
    return context.exit_code


@cli.group()
def baseline() -> None:
    """Inspect the baseline (the documented architecture as data)."""


@baseline.command("lint")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    help="Baseline YAML (default: bundled reference).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def baseline_lint(baseline_file: Path | None, fmt: str, debug: bool) -> int:
    """Report what remains inconsistent in a baseline.

    \b
    Exit codes: 0 no errors (warnings allowed), 1 inconsistencies found,
    2 the baseline does not load or fails its schema.
    """
    from scanner.baseline import lint_baseline, load_baseline
    from scanner.paths import default_baseline

    loaded = load_baseline(baseline_file or default_baseline())
    issues = lint_baseline(loaded)
    if fmt == "json":
        click.echo(json.dumps([_issue_dict(i) for i in issues], indent=2))
    else:
        for issue in issues:
            where = f"{loaded.path}:{issue.line}" if issue.line else str(loaded.path)
            click.echo(f"{where}: {issue.severity}: {issue.path}: {issue.message}")
        errors = sum(1 for i in issues if i.severity == "error")
        click.echo(f"{loaded.path}: {errors} errors, {len(issues) - errors} warnings")
    return ExitCode.FINDINGS if any(i.severity == "error" for i in issues) else ExitCode.CLEAN


def _issue_dict(issue: Any) -> dict[str, Any]:
    return {
        "path": issue.path,
        "message": issue.message,
        "severity": issue.severity,
        "line": issue.line,
    }


@cli.group()
def rules() -> None:
    """List, show and test rules."""


def _rule_dirs_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--rules-dir",
        "rules_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra folder of Python rules.",
    )(function)
    return click.option(
        "--policy-dir",
        "policy_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra folder of Rego policies.",
    )(function)


@rules.command("list")
@_rule_dirs_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def rules_list(policy_dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], fmt: str) -> int:
    """List every rule: id, severity, inputs, title and source file."""
    from tabulate import tabulate

    from scanner.engine.ruleset import RuleSet

    metas = RuleSet.load(list(policy_dirs), list(rules_dirs)).all_meta()
    if fmt == "json":
        click.echo(json.dumps([m.to_dict() for m in metas], indent=2))
        return 0
    rows = [
        (
            m.id,
            m.severity.value,
            ",".join(m.inputs),
            m.title,
            f"{_short(m.source_file)}:{m.source_line}",
        )
        for m in metas
    ]
    click.echo(tabulate(rows, headers=["id", "severity", "inputs", "title", "source"]))
    return 0


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


@rules.command("docs")
@_rule_dirs_options
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
def rules_docs(
    policy_dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], output: Path | None
) -> int:
    """Write the rule catalogue (docs/rules.md) from the rules' metadata."""
    from scanner.engine.rules_doc import render_rules_doc
    from scanner.engine.ruleset import RuleSet
    from scanner.fileio import write_atomic

    text = render_rules_doc(RuleSet.load(list(policy_dirs), list(rules_dirs)).all_meta())
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    return 0


@rules.command("show")
@click.argument("rule_id")
@_rule_dirs_options
def rules_show(rule_id: str, policy_dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...]) -> int:
    """Show one rule's metadata and the baseline values it reads."""
    from scanner.baseline import load_baseline
    from scanner.engine.ruleset import RuleSet
    from scanner.errors import UsageError
    from scanner.paths import default_baseline

    metas = RuleSet.load(list(policy_dirs), list(rules_dirs)).by_id()
    meta = metas.get(rule_id.upper())
    if meta is None:
        raise UsageError(
            f"unknown rule {rule_id!r}", hint="`archscan rules list` shows the rule ids"
        )
    data = meta.to_dict()
    loaded = load_baseline(default_baseline())
    data["baseline_values"] = {
        path: _baseline_value(loaded.data, path) for path in meta.baseline_paths
    }
    click.echo(json.dumps(data, indent=2, default=str))
    return 0


def _baseline_value(data: Any, path: str) -> Any:
    """Value at a dotted path; ``*`` fans out over a mapping's keys."""
    head, _, rest = path.partition(".")
    if head == "*" and isinstance(data, dict):
        return {key: _baseline_value(value, rest) if rest else value for key, value in data.items()}
    if not isinstance(data, dict) or head not in data:
        return None
    return _baseline_value(data[head], rest) if rest else data[head]


@rules.command("test")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="List every test, not only failures.")
def rules_test(folders: tuple[Path, ...], verbose: bool) -> int:
    """Run the Rego tests (test_* rules in *_test.rego) of the bundled and given policy folders.

    Exit 0 when every test passes, 1 when one fails or errors.
    """
    from scanner.engine.rego_tests import run_rego_tests

    results = run_rego_tests(list(folders))
    failed = [r for r in results if not r.passed]
    for result in results:
        if verbose or not result.passed:
            word = "PASS" if result.passed else "FAIL"
            detail = f": {result.detail}" if result.detail else ""
            click.echo(f"{word} {result.name} ({result.location}){detail}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return ExitCode.FINDINGS if failed or not results else ExitCode.CLEAN


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every error into a message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="archscan", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = ExitCode.INPUT_ERROR
    except click.exceptions.Abort:
        click.echo("archscan: aborted", err=True)
        code = 130
    except ArchscanError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"archscan: error: {exc}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("archscan: interrupted", err=True)
        code = 130
    except BrokenPipeError:
        code = ExitCode.CLEAN
    except Exception as exc:  # last resort: one line, traceback only with --debug
        if debug:
            traceback.print_exc()
        click.echo(
            f"archscan: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback)",
            err=True,
        )
        code = ExitCode.INPUT_ERROR
    sys.exit(int(code or 0))


# Live commands register themselves on `cli`; imported last to avoid a cycle.
from scanner import cli_diff, cli_findings, cli_live, cli_merge  # noqa: E402,F401
from scanner.demo import command as demo_command  # noqa: E402,F401
