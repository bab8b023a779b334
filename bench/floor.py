"""Floor vs kiemtra: what one inspection lifecycle costs above Temporal's own floor.

    python -m bench.floor [--quick] [--database sqlite|postgres]

One file-backed dev server (as ``kiemtra up`` runs it), one client, two workers in this
process with the same settings: the real kiemtra worker (``build_worker``) and a bare one
running ``FloorWorkflow``. At each concurrency both drive the same number of lifecycles of
ten commands (update-with-start of ``opened``, then nine updates, each with one activity on
the floor). Every command's wall latency is measured; commands/s is commands over the wall
time of the rounds, which include waiting for each workflow to complete. Rounds alternate
floor, kiemtra, kiemtra, floor (when there are enough lifecycles for two rounds at the
concurrency), after one unmeasured lifecycle of each to pay for the first workflow task.

Beside the timings, every workflow's history is counted afterwards: events, bytes, workflow
tasks, activities and local activities per command, and workflow tasks that timed out or
failed. A run during which the application's code changed says so (shared checkout).
"""

import argparse
import asyncio
import shutil
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.worker import Worker

from activities.names import inspection_workflow_id
from api.commands import Commander
from bench.floor_workflow import FloorWorkflow, bench_noop
from states.vocabulary import InspectionState, Trigger
from store.db import make_engine
from testkit import samples as b
from testkit.chaos_faults import fresh_database
from testkit.common import figure, percentiles, publish
from testkit.lifecycle import COMMANDS_PER_LIFECYCLE, DIRECT_STEPS
from testkit.stack import Stack
from worker.build import build_worker
from workflows.inspection import InspectionWorkflow

WORK = Path(".kiemtra/bench/floor")
SERVER = "temporal dev server (file-backed)"
LIFECYCLES = {1: 20, 50: 200}
QUICK_LIFECYCLES = {1: 5, 50: 50}
MAX_CONCURRENT_ACTIVITIES = 50  # kiemtra's default (WorkerSettings)
MAX_CONCURRENT_WORKFLOW_TASKS = 20  # kiemtra's default (WorkerSettings)
TARGET_RATIO = 0.7
# A command that takes this long means a stuck worker: fail instead of hanging the run.
COMMAND_TIMEOUT = 120.0
# The marker a local activity leaves in history (the SDK core's name for it).
LOCAL_ACTIVITY_MARKER = "core_local_activity"
ROOT = Path(__file__).parent.parent
WATCHED = ("workflows", "states", "activities", "store", "worker", "api")

R = TypeVar("R")


class BenchFailure(RuntimeError):
    """A lifecycle did not end as it must; the figures would be meaningless."""


@dataclass
class Run:
    """Latencies of every command by command name, the wall time, the workflows run."""

    by_command: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    wall_s: float = 0.0
    workflow_ids: list[str] = field(default_factory=list)

    @property
    def latencies_ms(self) -> list[float]:
        return [ms for samples in self.by_command.values() for ms in samples]

    @property
    def commands(self) -> int:
        return len(self.latencies_ms)

    def commands_per_s(self) -> float:
        return self.commands / self.wall_s

    def p50(self) -> float:
        """As reported (``percentiles``), so the ratio matches the figures beside it."""
        return float(percentiles(self.latencies_ms)["p50"]["value"])

    def merge(self, other: "Run") -> None:
        for name, samples in other.by_command.items():
            self.by_command[name].extend(samples)
        self.wall_s += other.wall_s
        self.workflow_ids.extend(other.workflow_ids)

    def figures(self) -> dict[str, Any]:
        return {
            "commands_per_s": figure(self.commands_per_s(), "commands/s"),
            "latency": percentiles(self.latencies_ms),
            "wall": figure(self.wall_s, "s"),
            "by_command_p50": {
                name: percentiles(samples)["p50"] for name, samples in self.by_command.items()
            },
        }


# One lifecycle, its samples added to the run; returns its workflow id.
Lifecycle = Callable[[Run], Awaitable[str]]


async def timed(run: Run, name: str, call: Awaitable[R], subject: str) -> R:
    """Await one command and add its wall latency (ms) to the run; a failure names the
    command and its subject (the workflow, or the request)."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            result = await call
    except Exception as error:
        raise BenchFailure(f"{subject}: {name}: {error!r}") from error
    run.by_command[name].append((time.perf_counter() - started) * 1000)
    return result


async def drive(lifecycle: Lifecycle, lifecycles: int, concurrency: int) -> Run:
    """``lifecycles`` lifecycles, ``concurrency`` of them in flight at any time."""
    run = Run()
    todo = iter(range(lifecycles))  # shared: each runner takes the next until none is left

    async def runner() -> None:
        for _ in todo:
            run.workflow_ids.append(await lifecycle(run))

    started = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, lifecycles)):
                group.create_task(runner())
    except ExceptionGroup as failed:
        # The first is the cause; the others are lifecycles cancelled because of it.
        first = failed.exceptions[0]
        raise BenchFailure(f"{first} (and {len(failed.exceptions) - 1} more)") from first
    run.wall_s = time.perf_counter() - started
    return run


def floor_lifecycle(client: Client, task_queue: str) -> Lifecycle:
    """``opened`` with update-with-start, then one ``step`` per kiemtra command."""
    steps = len(DIRECT_STEPS)

    async def lifecycle(run: Run) -> str:
        workflow_id = f"bench-floor-{uuid.uuid4().hex[:12]}"
        operation = WithStartWorkflowOperation(
            FloorWorkflow.run,
            steps,
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        await timed(
            run,
            "opened",
            client.execute_update_with_start_workflow(
                FloorWorkflow.opened, start_workflow_operation=operation, id="opened"
            ),
            workflow_id,
        )
        handle = await operation.workflow_handle()
        for n in range(1, steps + 1):
            answer = await timed(
                run, "step", handle.execute_update(FloorWorkflow.step, n), workflow_id
            )
            if answer != n:
                raise BenchFailure(f"{workflow_id}: step {n} answered {answer}")
        if (received := await handle.result()) != steps:
            raise BenchFailure(f"{workflow_id} completed after {received} of {steps} steps")
        return workflow_id

    return lifecycle


def kiemtra_lifecycle(client: Client, task_queue: str, engine: Engine) -> Lifecycle:
    """Decided → … → closed exactly as the API sends the commands (``api.commands``): each
    one an update, answered once its record is in SQLite."""
    commander = Commander(client, task_queue, COMMAND_TIMEOUT, engine)

    async def lifecycle(run: Run) -> str:
        inp = b.start_input(inspection_id=b.new_id())
        workflow_id = inspection_workflow_id(inp.inspection_id)
        snapshot = await timed(run, "opened", commander.start(None, inp), workflow_id)
        for name, command in DIRECT_STEPS:
            fired = commander.fire(None, inp.inspection_id, Trigger(name), command, None, snapshot)
            snapshot = await timed(run, name, fired, workflow_id)
        if snapshot.state is not InspectionState.CLOSED:
            raise BenchFailure(f"{workflow_id} ended the lifecycle {snapshot.state}, not closed")
        handle = client.get_workflow_handle_for(InspectionWorkflow.run, workflow_id)
        final = await handle.result()
        if final.state is not InspectionState.CLOSED:
            raise BenchFailure(f"{workflow_id} completed {final.state}, not closed")
        return workflow_id

    return lifecycle


def rounds(lifecycles: int, concurrency: int, first: str, second: str) -> list[tuple[str, int]]:
    """ABBA halves when each half still fills the concurrency, else one round each."""
    if lifecycles >= 2 * concurrency:
        half = lifecycles // 2
        rest = lifecycles - half
        return [(first, half), (second, half), (second, rest), (first, rest)]
    return [(first, lifecycles), (second, lifecycles)]


async def alternate(
    drivers: dict[str, Lifecycle], lifecycles: int, concurrency: int
) -> tuple[dict[str, Run], list[str]]:
    """Both systems over the same rounds; the merged run of each and the order they ran in."""
    first, second = drivers
    order = rounds(lifecycles, concurrency, first, second)
    runs = {name: Run() for name in drivers}
    for name, count in order:
        runs[name].merge(await drive(drivers[name], count, concurrency))
    return runs, [f"{name} x{count}" for name, count in order]


async def history_counts(client: Client, workflow_ids: list[str]) -> Counter[str]:
    """Events of the workflows by type (activities by activity type, markers by name) and
    their size in bytes, summed over all of them."""
    counts: Counter[str] = Counter()
    fetching = asyncio.Semaphore(8)  # after the rounds: only a bound on the server's load

    async def count(workflow_id: str) -> None:
        async with fetching:
            history = await client.get_workflow_handle(workflow_id).fetch_history()
        for event in history.events:
            counts["bytes"] += event.ByteSize()
            counts[EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")] += 1
            if event.HasField("activity_task_scheduled_event_attributes"):
                attributes = event.activity_task_scheduled_event_attributes
                counts[f"activity:{attributes.activity_type.name}"] += 1
            if event.HasField("marker_recorded_event_attributes"):
                counts[f"marker:{event.marker_recorded_event_attributes.marker_name}"] += 1

    async with asyncio.TaskGroup() as group:
        for workflow_id in workflow_ids:
            group.create_task(count(workflow_id))
    return counts


def per_command(counts: Counter[str], lifecycles: int) -> dict[str, Any]:
    """What one command costs in history, averaged over every command of the run."""
    commands = lifecycles * COMMANDS_PER_LIFECYCLE
    events = sum(n for kind, n in counts.items() if kind.isupper())
    return {
        "events": figure(events / commands, "events/command"),
        "bytes": figure(counts["bytes"] / commands, "bytes/command"),
        "workflow_tasks": figure(counts["WORKFLOW_TASK_COMPLETED"] / commands, "tasks/command"),
        "activities": figure(counts["ACTIVITY_TASK_SCHEDULED"] / commands, "activities/command"),
        "local_activities": figure(
            counts[f"marker:{LOCAL_ACTIVITY_MARKER}"] / commands, "activities/command"
        ),
        # Work the server threw away: a task that did not complete in time is run again.
        "workflow_task_timeouts": figure(counts["WORKFLOW_TASK_TIMED_OUT"], "count"),
        "workflow_task_failures": figure(counts["WORKFLOW_TASK_FAILED"], "count"),
    }


def code_fingerprint() -> dict[str, float]:
    """Modification times of the application's code.

    The workflow sandbox imports each workflow's module afresh for every new run, so an edit
    to ``workflows/`` in this shared checkout changes what is measured in the middle of a run.
    """
    return {
        str(path): path.stat().st_mtime
        for package in WATCHED
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def result_of(
    concurrency: int,
    lifecycles: int,
    runs: dict[str, Run],
    order: list[str],
    histories: dict[str, Counter[str]],
    code_changed: bool,
    database: str = "sqlite",
) -> dict[str, Any]:
    floor, kiemtra = runs["floor"], runs["kiemtra"]
    figures = {name: run.figures() for name, run in runs.items()}
    for name, counts in histories.items():
        figures[name]["history_per_command"] = per_command(counts, lifecycles)
    ratio = kiemtra.commands_per_s() / floor.commands_per_s()
    figures["ratio_commands_per_s"] = figure(ratio, "ratio")
    figures["ratio_latency_p50"] = figure(kiemtra.p50() / floor.p50(), "ratio")
    result: dict[str, Any] = {
        # SQLite keeps the historical name; PostgreSQL runs sit beside it.
        "name": f"floor_vs_kiemtra{'' if database == 'sqlite' else '_pg'}_c{concurrency}",
        "parameters": {
            "lifecycles": lifecycles,
            "concurrency": concurrency,
            "commands_per_lifecycle": COMMANDS_PER_LIFECYCLE,
            "database": database,
            "server": SERVER,
            "max_concurrent_activities": MAX_CONCURRENT_ACTIVITIES,
            "max_concurrent_workflow_tasks": MAX_CONCURRENT_WORKFLOW_TASKS,
            "order": order,
            "target_ratio_commands_per_s": TARGET_RATIO,
            "code_changed_during_run": code_changed,
        },
        "figures": figures,
        # History events of one lifecycle, by type, averaged: where the commands' time goes.
        "history_per_lifecycle": {
            name: {kind: round(n / lifecycles, 2) for kind, n in sorted(counts.items())}
            for name, counts in histories.items()
        },
    }
    if concurrency == 50:
        result["meets_target"] = ratio >= TARGET_RATIO
    return result


async def measure(sizes: dict[int, int], database: str = "sqlite") -> list[dict[str, Any]]:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    url, drop = fresh_database(database, WORK)
    stack = Stack(WORK, url)
    floor_queue, kiemtra_queue = "bench-floor", "bench-kiemtra"
    results = []
    code = code_fingerprint()
    finished = False
    try:
        client = await stack.start_server()
        engine = make_engine(stack.database_url)
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_ACTIVITIES) as pool:
            floor_worker = Worker(
                client,
                task_queue=floor_queue,
                workflows=[FloorWorkflow],
                activities=[bench_noop],
                activity_executor=pool,
                max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
                # The same slots as kiemtra's worker (worker.build's default).
                max_concurrent_workflow_tasks=MAX_CONCURRENT_WORKFLOW_TASKS,
            )
            kiemtra_worker = build_worker(
                client,
                engine,
                kiemtra_queue,
                max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
                max_concurrent_workflow_tasks=MAX_CONCURRENT_WORKFLOW_TASKS,
            )
            drivers = {
                "floor": floor_lifecycle(client, floor_queue),
                "kiemtra": kiemtra_lifecycle(client, kiemtra_queue, engine),
            }
            async with floor_worker, kiemtra_worker:
                for lifecycle in drivers.values():
                    await drive(lifecycle, 1, 1)  # warm-up, not measured
                for concurrency, lifecycles in sizes.items():
                    runs, order = await alternate(drivers, lifecycles, concurrency)
                    histories = {
                        name: await history_counts(client, run.workflow_ids)
                        for name, run in runs.items()
                    }
                    changed = code_fingerprint() != code
                    results.append(
                        result_of(
                            concurrency, lifecycles, runs, order, histories, changed, database
                        )
                    )
        engine.dispose()
        finished = True
    finally:
        await stack.stop()
        drop()
        keep_on_failure(WORK, finished)
    return results


def keep_on_failure(directory: Path, finished: bool) -> None:
    """Remove the run's directory, unless the run failed: its histories tell why."""
    if finished:
        shutil.rmtree(directory, ignore_errors=True)
    else:
        print(
            f"the run failed; its dev server and database are kept in {directory}", file=sys.stderr
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 and 50 lifecycles")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="where kiemtra records (postgres: KIEMTRA_BENCH_POSTGRES_URL or _TEST_POSTGRES_URL)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK_LIFECYCLES if args.quick else LIFECYCLES
    results = asyncio.run(measure(sizes, args.database))
    publish(results)


if __name__ == "__main__":
    main()
