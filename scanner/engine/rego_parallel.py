"""Evaluate groups of Rego rules side by side in forked processes.

regorus holds the GIL while it evaluates, so threads cannot overlap; a forked child
inherits the engine with its policies, data and input already loaded (copy-on-write)
and sends back only the JSON answer of its query through a pipe. Rules are grouped by
family (Rego package), so helper rules shared inside a family are computed once per
process. Parallelism pays only on large inventories: below ``MIN_RESOURCES`` the fork
costs more than it saves. ``ARCHSCAN_REGO_WORKERS=1`` turns it off.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from typing import Any

from scanner.engine.metadata import RuleMeta

MIN_RESOURCES = 2000
WORKERS_VARIABLE = "ARCHSCAN_REGO_WORKERS"


def worker_count(resources: int) -> int:
    """How many processes to evaluate with: 1 for small inputs, else up to the CPU count (2)."""
    configured = os.environ.get(WORKERS_VARIABLE, "")
    if configured.isdigit() and int(configured) > 0:
        wanted = int(configured)
    else:
        wanted = min(2, os.cpu_count() or 1) if resources >= MIN_RESOURCES else 1
    if wanted > 1 and (not hasattr(os, "fork") or threading.active_count() > 1):
        return 1  # forking a process that runs other threads can deadlock the child
    return wanted


def split_by_family(rules: list[RuleMeta], parts: int) -> list[list[RuleMeta]]:
    """Rules in ``parts`` groups of whole families, balanced by rule count."""
    families: dict[str, list[RuleMeta]] = defaultdict(list)
    for rule in rules:
        families[rule.entrypoint.rsplit(".", 1)[0]].append(rule)
    groups: list[list[RuleMeta]] = [[] for _ in range(max(1, parts))]
    for name in sorted(families, key=lambda family: (-len(families[family]), family)):
        min(groups, key=len).extend(families[name])
    return [group for group in groups if group]


def answer(engine: Any, query: str) -> str | None:
    """The engine's JSON answer to ``x := <query>``, or None when the query raised."""
    try:
        return str(engine.eval_query_as_json(f"x := {query}"))
    except RuntimeError:
        return None


def answers(engine: Any, queries: list[str]) -> list[str | None]:
    """The answer of each query; every query after the first runs in a forked child."""
    children: list[tuple[int, int]] = []
    for query in queries[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: answer, write, leave without running any cleanup
            os.close(read_end)
            code = 1
            try:
                text = answer(engine, query)
                payload = b"-" if text is None else b"+" + text.encode()
                with os.fdopen(write_end, "wb") as stream:
                    stream.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    results = [answer(engine, queries[0])]
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as stream:
            payload = stream.read()
        _, status = os.waitpid(pid, 0)
        ok = os.waitstatus_to_exitcode(status) == 0 and payload[:1] == b"+"
        results.append(payload[1:].decode() if ok else None)
    return results
