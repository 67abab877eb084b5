"""What `archscan plan --checkov` adds to a run: wall time and peak memory, with and without.

Run from the repository root with the venv that has Checkov:
``.venv-checkov/bin/python -m bench.checkov_overhead [--runs 3] [PLAN ...]``.
Each plan is checked ``--runs`` times with and without ``--checkov`` under
``/usr/bin/time -v`` (alternating, so a burst of load from other processes hits both);
prints a Markdown table of the median, minimum and maximum wall time, the median CPU time
(user + system, the child's included: steadier than wall time on a shared machine), the peak
resident memory, and the machine's load average when the runs started.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

DEFAULT_PLANS = [
    Path("examples/prod-drifted.plan.json"),
    Path("../shared/fixtures/plans/infracost_tf014_rds_default_vpc.json"),
]
_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_CPU = re.compile(r"(?:User|System) time \(seconds\): ([\d.]+)")


def timed_run(plan: Path, checkov: bool) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one `archscan plan`."""
    archscan = Path(sys.executable).parent / "archscan"
    command = ["/usr/bin/time", "-v", str(archscan), "plan", str(plan), "-q", "--format", "json"]
    if checkov:
        command.append("--checkov")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    wall = _WALL.search(done.stderr)
    rss = _RSS.search(done.stderr)
    if wall is None or rss is None:
        raise SystemExit(f"no /usr/bin/time -v output: {done.stderr[-500:]}")
    hours, minutes, seconds = wall.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    cpu = sum(float(value) for value in _CPU.findall(done.stderr))
    return total, cpu, int(rss.group(1)) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plans", nargs="*", type=Path, default=DEFAULT_PLANS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print("| plan | --checkov | wall s (median) | min | max | CPU s (median) | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for plan in args.plans:
        samples: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
        for _ in range(args.runs):
            for checkov in (False, True):
                samples[checkov].append(timed_run(plan, checkov))
        for checkov in (False, True):
            walls = [wall for wall, _, _ in samples[checkov]]
            cpu = statistics.median(used for _, used, _ in samples[checkov])
            rss = max(peak for _, _, peak in samples[checkov])
            print(
                f"| {plan.name} | {'yes' if checkov else 'no'} | {statistics.median(walls):.1f} "
                f"| {min(walls):.1f} | {max(walls):.1f} | {cpu:.1f} | {rss} |"
            )


if __name__ == "__main__":
    main()
