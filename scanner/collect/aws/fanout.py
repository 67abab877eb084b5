"""Run service collectors over account x region x service with bounded concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from scanner.collect.aws.context import CollectContext
from scanner.collect.aws.errors import CollectionFailure, classify
from scanner.collect.aws.options import AwsOptions
from scanner.collect.aws.session import Sessions
from scanner.collect.aws.spec import Scope, ServiceSpec
from scanner.inventory.model import CoverageEntry, CoverageStatus, Resource

GLOBAL_REGION = "global"  # ledger region of services collected once per account

Progress = Callable[[int, int, int], None]  # (done, total, errors so far)


@dataclass(frozen=True)
class Task:
    """One service in one account and region."""

    account: str
    region: str  # GLOBAL_REGION for global and management-scoped services
    spec: ServiceSpec
    home: bool = False  # reads account-wide objects of a regional service (CloudFront WAF, ...)


@dataclass
class TaskResult:
    """What one task collected, and its ledger entry."""

    task: Task
    resources: list[Resource] = field(default_factory=list)
    coverage: CoverageEntry | None = None
    calls: list[str] = field(default_factory=list)


def plan_tasks(
    accounts: list[str],
    regions: list[str],
    specs: list[ServiceSpec],
    management: str,
    home_region: str = "us-east-1",
) -> list[Task]:
    """Every (account, region, service) to collect, in a stable order.

    One regional task per account is the "home" task: the home region when it is
    selected, else the first selected region, so account-wide objects of regional
    services are read exactly once whichever regions were chosen.
    """
    home = home_region if home_region in regions else (regions[0] if regions else home_region)
    tasks: list[Task] = []
    for account in accounts:
        for spec in specs:
            if spec.scope == Scope.REGIONAL:
                tasks.extend(Task(account, region, spec, region == home) for region in regions)
            elif spec.scope == Scope.GLOBAL or account == management:
                tasks.append(Task(account, GLOBAL_REGION, spec))
    return tasks


def run_tasks(
    tasks: list[Task], sessions: Sessions, options: AwsOptions, progress: Progress | None = None
) -> list[TaskResult]:
    """Collect every task; one service's throttling cannot take every worker."""
    caps: dict[str, threading.BoundedSemaphore] = {
        task.spec.name: threading.BoundedSemaphore(options.per_service_concurrency)
        for task in tasks
    }
    results: list[TaskResult] = []
    errors = 0
    with ThreadPoolExecutor(max_workers=max(1, options.max_workers)) as pool:
        futures = [
            pool.submit(_run_one, task, sessions, options, caps[task.spec.name]) for task in tasks
        ]
        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            results.append(result)
            if result.coverage and result.coverage.status != CoverageStatus.OK:
                errors += 1
            if progress:
                progress(done, len(tasks), errors)
    order = {task: index for index, task in enumerate(tasks)}
    return sorted(results, key=lambda result: order[result.task])


def _run_one(
    task: Task, sessions: Sessions, options: AwsOptions, cap: threading.BoundedSemaphore
) -> TaskResult:
    region = options.home_region if task.region == GLOBAL_REGION else task.region
    ctx = CollectContext(
        account=task.account,
        region=region,
        client_factory=lambda service, where: sessions.client(task.account, service, where),
        home=task.home,
    )
    result = TaskResult(task)
    with cap:
        try:
            for resource in task.spec.collect(ctx):
                result.resources.append(resource)
            status, call, message = CoverageStatus.OK, None, None
        except CollectionFailure as failure:
            status, call, message = failure.status, failure.api_call, failure.message
        except Exception as exc:  # a collector bug must not stop the run, nor pass
            status, message = classify(exc)
            call = ctx.calls[-1] if ctx.calls else None
    if status != CoverageStatus.OK:
        result.resources = []  # a partial listing is not the estate: the ledger says why
    result.coverage = CoverageEntry(
        task.account, task.region, task.spec.name, status, call, message
    )
    result.calls = ctx.calls
    return result
