"""Live audit benchmark: the seeded demo organization behind 100 ms of latency per call.

Run from the repository root: ``.venv/bin/python -m bench.live_latency [--workers 1,8,16]``.
Starts a moto server in a child process, seeds the demo organization (scanner/demo/seed.py),
puts the loopback fault proxy (tests/live/fault_proxy.py) in front of it with a fixed delay
on every request, and times `collect_live` for each worker count. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections import Counter

from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.moto_server import TEST_CREDENTIALS, Seeder, moto_process
from scanner.collect.aws.options import AwsOptions
from scanner.demo.seed import REGION, seed
from tests.live.fault_proxy import Fault, FaultKind, fault_proxy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,8,16", help="comma-separated worker counts")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per request")
    args = parser.parse_args()
    os.environ.update(TEST_CREDENTIALS)
    with moto_process() as url:
        seeded = seed(Seeder(url))
        with fault_proxy(url, hang_seconds=5.0) as proxy:
            proxy.add(Fault("*", FaultKind.LATENCY, delay=args.latency))
            rows = []
            for workers in (int(w) for w in args.workers.split(",")):
                options = AwsOptions(
                    endpoint_url=proxy.url,
                    regions=[REGION],
                    org=True,
                    max_workers=workers,
                    per_service_concurrency=max(1, workers),
                    max_attempts=1,
                    read_timeout=30,
                )
                start = time.perf_counter()
                inventory = collect_live(options)
                seconds = time.perf_counter() - start
                ledger = Counter(str(entry.status) for entry in inventory.coverage)
                rows.append(
                    (workers, seconds, len(inventory.resources), len(inventory.coverage), ledger)
                )
    machine = platform.processor() or platform.machine()
    print(
        f"Seeded organization: {len(seeded.accounts)} accounts x 1 region ({REGION}); "
        f"latency {args.latency * 1000:.0f} ms per request; {machine}, {os.cpu_count()} cores"
    )
    print()
    print("| --max-workers | wall time (s) | resources | ledger entries | ledger |")
    print("|---:|---:|---:|---:|---|")
    for workers, seconds, resources, entries, ledger in rows:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(ledger.items()))
        print(f"| {workers} | {seconds:.1f} | {resources} | {entries} | {counts} |")


if __name__ == "__main__":
    main()
