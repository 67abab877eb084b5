"""Plan benchmark: whole ``archscan plan`` runs on generated plans, beside json.load and Checkov.

Run from the repository root::

    .venv/bin/python -m bench.plan_bench                       # 1k, 5k, 20k, 50k; print Markdown
    .venv/bin/python -m bench.plan_bench --sizes 1000,5000 --repeat 5
    .venv/bin/python -m bench.plan_bench --output docs/performance.md

For each size the plan comes from ``bench.plan_generator`` (written to a temporary
folder, never kept). Three child processes are timed on the same file: ``json.load`` of
it (the floor: no tool can read the plan faster), ``archscan plan`` with the full rule
catalogue, and, up to ``--checkov-max`` changes when Checkov is found, ``checkov -f FILE
--framework terraform_plan``. Wall time is the minimum of ``--repeat`` runs (the machine
is shared, so the minimum is the least disturbed run); peak RSS is the child's own
``ru_maxrss`` from ``wait4``. Checkov runs once per size: it takes minutes.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.plan_generator import write_plan

ROOT = Path(__file__).resolve().parent.parent
START_MARK = "<!-- plan-bench:start -->"
END_MARK = "<!-- plan-bench:end -->"
FLOOR_CODE = "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))"
TARGETS = (
    "1k changes under 2 s",
    "20k under 15 s and 500 MB peak RSS",
    "5k at least 50 times faster than Checkov",
    "20k within 3 times the json.load floor",
)


@dataclass
class Run:
    """The best of several runs of one command: wall and CPU seconds, peak RSS in MB."""

    seconds: float
    cpu: float
    peak_mb: float
    exit_code: int
    runs: list[float] = field(default_factory=list)


@dataclass
class Row:
    """Measurements of one plan size."""

    changes: int
    size_mb: float
    floor: Run
    archscan: Run
    checkov: Run | None = None


def measure(command: list[str], repeat: int) -> Run:
    """Run ``command`` ``repeat`` times; keep the fastest wall time and the largest peak RSS."""
    walls: list[float] = []
    cpus: list[float] = []
    peak = 0.0
    code = 0
    for _ in range(repeat):
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - started)
        cpus.append(usage.ru_utime + usage.ru_stime)
        child.returncode = os.waitstatus_to_exitcode(status)
        code = child.returncode
        peak = max(peak, usage.ru_maxrss / 1024)  # kilobytes on Linux
    return Run(min(walls), min(cpus), peak, code, walls)


def archscan_command(plan: Path) -> list[str]:
    """The measured archscan invocation: the full catalogue, the table on stdout."""
    return [str(Path(sys.executable).with_name("archscan")), "plan", str(plan), "-q"]


def floor_command(plan: Path) -> list[str]:
    return [sys.executable, "-c", FLOOR_CODE, str(plan)]


def checkov_command(checkov: str, plan: Path) -> list[str]:
    return [
        checkov,
        "-f",
        str(plan),
        "--framework",
        "terraform_plan",
        "--skip-download",
        "--quiet",
        "--compact",
    ]


def find_checkov(option: str | None) -> str | None:
    """``--checkov-bin``, else ``$ARCHSCAN_CHECKOV``, ``checkov`` on PATH, ``.venv-checkov``."""
    for candidate in (
        option,
        os.environ.get("ARCHSCAN_CHECKOV"),
        shutil.which("checkov"),
        str(ROOT / ".venv-checkov" / "bin" / "checkov"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = done.stdout.strip() or done.stderr.strip()
    return text.splitlines()[-1] if text else "?"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    memory = "?"
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        memory = f"{int(total.group(1)) / 1024 / 1024:.0f} GiB" if total else memory
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores, {memory}",
        "python": platform.python_version(),
        "archscan": package("archscan"),
        "regorus": package("gordon-to-regorus"),
    }


def run_sizes(
    sizes: list[int], repeat: int, checkov: str | None, checkov_max: int, folder: Path
) -> list[Row]:
    rows = []
    for size in sizes:
        plan = write_plan(size, folder / f"plan-{size}.json")
        print(f"{size} changes: {plan.stat().st_size / 1e6:.1f} MB", file=sys.stderr, flush=True)
        row = Row(
            changes=size,
            size_mb=plan.stat().st_size / 1e6,
            floor=measure(floor_command(plan), repeat),
            archscan=measure(archscan_command(plan), repeat),
        )
        if checkov and size <= checkov_max:
            row.checkov = measure(checkov_command(checkov, plan), 1)
        print(f"  {render_row(row)}", file=sys.stderr, flush=True)
        plan.unlink()
        rows.append(row)
    return rows


def render_row(row: Row) -> str:
    floor, ours = row.floor, row.archscan
    cells = [
        f"{row.changes:,}",
        f"{row.size_mb:.1f}",
        _cell(floor),
        _cell(ours),
        f"{ours.seconds / floor.seconds:.1f}x",
    ]
    if row.checkov is not None:
        cells.append(_cell(row.checkov))
        cells.append(f"{row.checkov.seconds / ours.seconds:.0f}x")
    else:
        cells += ["not run", ""]
    return "| " + " | ".join(cells) + " |"


def _cell(run: Run) -> str:
    return f"{run.seconds:.2f} s (CPU {run.cpu:.2f} s) / {run.peak_mb:.0f} MB"


def targets(rows: list[Row]) -> list[tuple[str, str]]:
    """Each target of the issue with met / missed / not measured and the figure."""
    by_size = {row.changes: row for row in rows}
    verdicts: list[tuple[str, str]] = []

    def judge(ok: bool, figure: str) -> str:
        return f"{'met' if ok else 'missed'} ({figure})"

    one, five, twenty = by_size.get(1000), by_size.get(5000), by_size.get(20000)
    verdicts.append(
        (TARGETS[0], judge(one.archscan.seconds < 2, f"{one.archscan.seconds:.2f} s"))
        if one
        else (TARGETS[0], "not measured")
    )
    if twenty:
        ours = twenty.archscan
        figure = f"{ours.seconds:.1f} s, {ours.peak_mb:.0f} MB"
        verdicts.append((TARGETS[1], judge(ours.seconds < 15 and ours.peak_mb < 500, figure)))
    else:
        verdicts.append((TARGETS[1], "not measured"))
    if five and five.checkov:
        ratio = five.checkov.seconds / five.archscan.seconds
        verdicts.append((TARGETS[2], judge(ratio >= 50, f"{ratio:.0f}x")))
    else:
        verdicts.append((TARGETS[2], "not measured"))
    if twenty:
        ratio = twenty.archscan.seconds / twenty.floor.seconds
        verdicts.append((TARGETS[3], judge(ratio <= 3, f"{ratio:.1f}x")))
    else:
        verdicts.append((TARGETS[3], "not measured"))
    return verdicts


def render(rows: list[Row], info: dict[str, str], repeat: int, checkov: str | None) -> str:
    """The Markdown section: table, targets, machine and exact commands."""
    lines = [
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} on {info['cpu']}; Python "
        f"{info['python']}, archscan {info['archscan']}, regorus {info['regorus']}"
        f" (PyPI `gordon-to-regorus`), Checkov {info.get('checkov', 'not installed')}. "
        f"Load average before the run: {info['load']}. Wall time is the minimum of "
        f"{repeat} runs (Checkov: one run); peak RSS is the largest "
        "resident set of the child and of any process it forked (`wait4`). CPU is user + "
        "system time of the same runs (minimum), less disturbed than wall time by other "
        "work on the machine. The check that every called Rego function exists is "
        "remembered in `~/.cache/archscan` after the first run.",
        "",
        "| changes | plan MB | `json.load` floor | `archscan plan` | vs floor "
        "| Checkov | Checkov / archscan |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *(render_row(row) for row in rows),
        "",
        "| target | result |",
        "|---|---|",
        *(f"| {name} | {result} |" for name, result in targets(rows)),
        "",
        "Commands (the plan of N changes is written by "
        "`python -m bench.plan_generator N -o plan.json`):",
        "",
        "```",
        f"python -m bench.plan_bench --sizes {','.join(str(r.changes) for r in rows)}"
        f" --repeat {repeat}",
        'python -c "' + FLOOR_CODE + '" plan.json',
        "archscan plan plan.json -q",
        " ".join(["checkov", *checkov_command("checkov", Path("plan.json"))[1:]]),
        "```",
    ]
    if checkov is None:
        lines.append("\nCheckov did not run, so its columns are empty.")
    return "\n".join(lines) + "\n"


def write_section(document: Path, section: str) -> None:
    """Replace the text between the plan-bench markers of ``document`` (append if absent)."""
    from scanner.fileio import write_atomic

    text = document.read_text(encoding="utf-8") if document.exists() else "# Performance\n"
    block = f"{START_MARK}\n{section}{END_MARK}"
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        text = head + block + rest.split(END_MARK, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    write_atomic(document, text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000,50000", help="plan sizes (changes)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (min taken)")
    parser.add_argument("--checkov-bin", help="Checkov executable (default: see find_checkov)")
    parser.add_argument("--checkov-max", type=int, default=5000, help="largest size for Checkov")
    parser.add_argument("--no-checkov", action="store_true", help="do not run Checkov")
    parser.add_argument(
        "--output", type=Path, help="Markdown file whose plan-bench section is replaced"
    )
    args = parser.parse_args(argv)
    sizes = [int(item) for item in args.sizes.split(",") if item]
    checkov = None if args.no_checkov else find_checkov(args.checkov_bin)
    info = machine()
    info["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    if checkov:
        info["checkov"] = _version([checkov, "--version"])
    elif args.no_checkov:
        info["checkov"] = "not run (--no-checkov)"
    with tempfile.TemporaryDirectory(prefix="archscan-bench-") as folder:
        rows = run_sizes(sizes, args.repeat, checkov, args.checkov_max, Path(folder))
    info["load"] += " (after: " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + ")"
    section = render(rows, info, args.repeat, checkov)
    if args.output:
        write_section(args.output, section)
    print(section)


if __name__ == "__main__":
    main()
