"""Open inspections: many workflows in ``remediating`` with armed timers, and a burst of
notices falling due at once (``python -m bench.open_inspections [--quick]``).

A fresh stack under ``.kiemtra/bench/open/`` (file-backed dev server, migrated SQLite, one
``kiemtra worker`` child process, so its RSS is its own) receives ``open`` inspections,
each started from a snapshot (``StartInspectionInput.resume_from``, as continue-as-new
carries on) that the pure procedure built: decided, team, notice, visit, minutes with one
finding, conclusion, acknowledgement. Every workflow then runs its agenda loop, projects
its deadline status once and sleeps on a timer.

Most remediation items fall due three to eight weeks ahead: their first timer is a
reminder days away. The ``burst`` others are on a shifted clock: ``due_on`` is yesterday
(Vietnam date) and ``due_set_at`` a moment T shortly after the start phase. Reminders
proper are fixed at 08:00 Vietnam time on working days before the due date, so they cannot
be made to fall due at a chosen moment; the overdue notice can: the agenda places it at
``max(midnight after due_on, since)`` with ``since = due_set_at``, so it falls due at T for
all of them, and it goes through the same agenda, ``notify`` activity and projection as a
reminder. Nothing is due earlier: every reminder of a due date in the past lies before
``since`` and is never on the agenda, and escalations come 15 working days later (checked
below with ``deadlines.due_now`` and ``next_wake`` before anything starts).

Measured: the start rate (and each start call's latency, ``IN_FLIGHT`` at a time); worker
and dev-server RSS before, once all are started and projected, and after the burst; the
time from T until the last burst notice is in the outbox, with p50/p95/p99 of each
notice's ``created_at`` − T (ms). One finding per inspection makes one notice per burst
inspection (one in-app row for the commune's representative). Per process also CPU time per
start and per burst notice (less sensitive than wall time to other load on the machine) and,
per phase, counts of log lines that show overload: workflow tasks over 5 s (TMPRL1104) or
over the 10 s task timeout, deadlock-detector trips, errors, slow gRPC calls.

The worker keeps the SDK's default workflow cache (``max_cached_workflows``, reported): the
burst is started between the two halves of the others, so at full size most of it has left
the cache by T and is replayed from history, as on a day when any thousand fall due.
"""

import argparse
import asyncio
import inspect
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.worker import Worker

from activities.names import inspection_workflow_id
from states import deadlines, procedure
from states.calendar import WorkingCalendar, local_date
from states.models import ConcludeInput, InspectionSnapshot, RemediationOrder, StartInspectionInput
from states.vocabulary import InspectionState, NoticeKind, Trigger
from store.db import make_engine
from store.tables import Inspection, Notification
from testkit import samples as b
from testkit.common import figure, percentiles, publish
from testkit.lifecycle import add_people
from testkit.stack import Stack, rss_mib
from workflows.inspection import InspectionWorkflow

ROOT = Path(".kiemtra/bench/open")
IN_FLIGHT = 100
POLL = 0.5
# What `kiemtra worker` runs with: build_worker leaves the SDK's cache size alone.
MAX_CACHED_WORKFLOWS = inspect.signature(Worker.__init__).parameters["max_cached_workflows"].default
# What to count in the logs, by phase: signs of an overloaded worker or server.
WORKER_LOG = {
    "slow_tasks": re.compile(r"TMPRL1104"),  # a workflow task took more than 5 s
    "task_timeouts": re.compile(r"Task not found when completing"),  # it took over 10 s
    "deadlocks": re.compile(r"deadlock", re.I),
    "errors": re.compile(r"\bERROR\b|Traceback"),
}
SERVER_LOG = {"slow_calls": re.compile(r"Slow gRPC call"), "errors": re.compile(r"level=ERROR")}
TASK_MS = re.compile(r"workflow_task_duration\S*?=\S*?(\d+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def remediating(now: datetime, due_on: date) -> InspectionSnapshot:
    """An inspection acknowledged a day ago whose one finding is due on ``due_on``."""
    at = now - timedelta(days=7)
    snapshot, _ = procedure.start(b.start_input(inspection_id="template"), at)
    order = RemediationOrder(finding_no=1, action="chấn chỉnh giờ giấc", due_on=due_on)
    conclude = ConcludeInput(actor=b.DECISION_MAKER, number="210/TB-UBND", orders=[order])
    steps = [
        (Trigger.FORM_TEAM, b.form_team()),
        (Trigger.SEND_NOTICE, b.send_notice()),
        (Trigger.START_VISIT, b.start_visit()),
        (Trigger.RECORD_VISIT, b.record_visit(1)),
        (Trigger.CONCLUDE, conclude),
        (Trigger.ACKNOWLEDGE, b.acknowledge()),
    ]
    for trigger, command in steps:
        at += timedelta(days=1)
        procedure.check(snapshot, trigger, command, at)
        snapshot, _ = procedure.apply(snapshot, trigger, command, at)
    assert snapshot.state is InspectionState.REMEDIATING
    return snapshot


def shifted(snapshot: InspectionSnapshot, since: datetime) -> InspectionSnapshot:
    """The same inspection with its due date set again at ``since`` (the shifted clock)."""
    items = [i.model_copy(update={"due_set_at": since}) for i in snapshot.remediation]
    return snapshot.model_copy(update={"remediation": items})


def check_agenda(
    burst: InspectionSnapshot, others: Sequence[InspectionSnapshot], at: datetime
) -> None:
    """Refuse to run unless the burst's first item is its overdue notice at ``at``, nothing
    is due before it, and the others' first timers lie days after the benchmark."""
    calendar = WorkingCalendar()
    now = datetime.now(UTC)
    assert deadlines.due_now(burst, calendar, now) == ([], []), "something is due before T"
    assert deadlines.next_wake(burst, calendar) == at, "the burst would not wake at T"
    send, _ = deadlines.due_now(burst, calendar, at)
    assert [i.action for i in send] == [NoticeKind.OVERDUE], f"at T: {send}"
    for other in others:
        wake = deadlines.next_wake(other, calendar)
        assert wake is not None and wake > now + timedelta(days=2), f"an early timer: {wake}"


def start_input(template: InspectionSnapshot, inspection_id: str) -> StartInspectionInput:
    snapshot = template.model_copy(update={"inspection_id": inspection_id})
    return b.start_input(inspection_id=inspection_id).model_copy(update={"resume_from": snapshot})


async def start_all(
    client: Client, queue: str, inputs: Sequence[StartInspectionInput]
) -> list[float]:
    """Start every workflow, ``IN_FLIGHT`` at a time; each start call's latency in ms."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    latencies: list[float] = []

    async def one(inp: StartInspectionInput) -> None:
        async with gate:
            began = time.perf_counter()
            await client.start_workflow(
                InspectionWorkflow.run,
                inp,
                id=inspection_workflow_id(inp.inspection_id),
                task_queue=queue,
            )
            latencies.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(one(i) for i in inputs))
    return latencies


def projected(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Inspection)).one()


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def overdue_rows(engine: Engine, prefix: str) -> list[tuple[str, datetime]]:
    """(inspection id, created_at) of every overdue notice of inspections named ``prefix…``."""
    query = select(Notification.inspection_id, Notification.created_at).where(
        Notification.kind == NoticeKind.OVERDUE.value,
        col(Notification.inspection_id).like(f"{prefix}%"),
    )
    with Session(engine) as session:
        return [(str(i), _utc(c)) for i, c in session.exec(query).all()]


def notices_of(engine: Engine, prefix: str) -> int:
    """Every outbox row of inspections named ``prefix…``, of any kind."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.inspection_id).like(f"{prefix}%"))
    )
    with Session(engine) as session:
        return session.exec(query).one()


def burst_projected(engine: Engine, at: datetime) -> int:
    """Burst inspections whose read model already shows the notice sent at ``at``."""
    query = select(Inspection.updated_at).where(col(Inspection.id).like("burst-%"))
    with Session(engine) as session:
        return sum(_utc(u) >= at for u in session.exec(query).all())


async def until(check: Callable[[], bool], what: str, timeout: float) -> float:
    """Poll ``check()`` until true; the monotonic time it first was."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(check):
            return time.monotonic()
        await asyncio.sleep(POLL)
    raise RuntimeError(f"timed out after {timeout:g} s waiting for {what}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Probe:
    """The worker's and the dev server's RSS (MiB), CPU (s) and log length at one moment."""

    rss: tuple[float, float]
    cpu: tuple[float, float]
    logs: tuple[int, int]

    @classmethod
    def of(cls, stack: Stack) -> "Probe":
        assert stack.server.process is not None
        pids = (stack.workers[0].pid, stack.server.process.pid)
        logs = (stack.root / "worker-0.log", stack.server.log_path)
        return cls(
            rss=(rss_mib(pids[0]), rss_mib(pids[1])),
            cpu=(cpu_seconds(pids[0]), cpu_seconds(pids[1])),
            logs=(logs[0].stat().st_size, logs[1].stat().st_size),
        )


def log_figures(
    path: Path, start: int, end: int, patterns: dict[str, re.Pattern[str]]
) -> dict[str, Any]:
    """Counts of the lines matching each pattern between two offsets; the longest task."""
    with path.open("rb") as log:
        log.seek(start)
        text = ANSI.sub("", log.read(end - start).decode("utf-8", errors="replace"))
    lines = text.splitlines()
    figures = {
        k: figure(sum(bool(p.search(line)) for line in lines), "lines") for k, p in patterns.items()
    }
    if patterns is WORKER_LOG:
        longest = max((int(m) for m in TASK_MS.findall(text)), default=0)
        figures["longest_slow_task"] = figure(longest, "ms")
    return figures


@dataclass(frozen=True)
class Started:
    t: datetime  # when the burst falls due
    start_rate: float
    start_latencies_ms: list[float]
    projection_rate: float
    lead: float  # seconds left before T once every first projection was written


async def start_phase(
    stack: Stack, client: Client, engine: Engine, open_count: int, burst: int, lead: float
) -> Started:
    """Start every inspection, the burst between the two halves of the others, and wait
    until each has projected its deadline status once."""
    now = datetime.now(UTC)
    today = local_date(now)
    # Three to eight weeks ahead: the first reminder (7 working days before) is days away.
    weeks = [remediating(now, today + timedelta(weeks=w)) for w in range(3, 9)]
    overdue = remediating(now, today - timedelta(days=1))
    others = [
        start_input(weeks[n % len(weeks)], f"open-{n:06d}") for n in range(open_count - burst)
    ]
    half = len(others) // 2
    print(f"starting {len(others)} open inspections and {burst} due at once", flush=True)

    began = time.monotonic()
    latencies = await start_all(client, stack.task_queue, others[:half])
    calls = time.monotonic() - began
    # T from the pace of the first half, end to end (start, first workflow task, first
    # projection), with room to spare: the burst must not overlap the start phase.
    await until(lambda: projected(engine) >= half, "the first half's projections", 3600)
    pace = half / (time.monotonic() - began)
    t = datetime.now(UTC) + timedelta(seconds=1.5 * (open_count - half) / pace + lead)
    t = t.replace(microsecond=0)
    template = shifted(overdue, t)
    check_agenda(template, weeks, t)
    print(f"burst at {t:%H:%M:%S} UTC, {(t - datetime.now(UTC)).total_seconds():.0f} s from now")
    resumed = time.monotonic()
    bursting = [start_input(template, f"burst-{n:05d}") for n in range(burst)]
    latencies += await start_all(client, stack.task_queue, bursting)
    latencies += await start_all(client, stack.task_queue, others[half:])
    calls += time.monotonic() - resumed
    print(f"started {open_count}: {calls:.1f} s in start calls", flush=True)

    timeout = max(120.0, (t - datetime.now(UTC)).total_seconds() + 600)
    done = await until(lambda: projected(engine) >= open_count, "projections", timeout)
    left = (t - datetime.now(UTC)).total_seconds()
    print(f"all projected after {done - began:.1f} s; {left:.0f} s before T", flush=True)
    if left < 3:
        print("WARNING: the start phase ran into T; the burst overlaps it", flush=True)
    return Started(t, open_count / calls, latencies, open_count / (done - began), left)


async def measure(open_count: int, burst: int, lead: float) -> dict[str, Any]:
    shutil.rmtree(ROOT, ignore_errors=True)
    stack = Stack(ROOT)
    try:
        return await _measure(stack, open_count, burst, lead)
    finally:
        await stack.stop()


async def _measure(stack: Stack, open_count: int, burst: int, lead: float) -> dict[str, Any]:
    client = await stack.start_server()
    engine = make_engine(stack.database_url)
    add_people(engine)
    stack.start_worker()
    log = stack.root / "worker-0.log"
    await until(lambda: "polling" in log.read_text(errors="replace"), "the worker", 60)
    await asyncio.sleep(2)
    before = Probe.of(stack)

    started = await start_phase(stack, client, engine, open_count, burst, lead)
    t = started.t
    await asyncio.sleep(min(3.0, max(started.lead - 1, 0)))
    settled = Probe.of(stack)
    await asyncio.sleep(max((t - datetime.now(UTC)).total_seconds(), 0))
    at_t = Probe.of(stack)

    def all_sent() -> bool:
        return len({i for i, _ in overdue_rows(engine, "burst-")}) >= burst

    await until(all_sent, "every burst notice", max(120.0, float(burst)))
    rows = overdue_rows(engine, "burst-")
    latencies_ms = [(c - t).total_seconds() * 1000 for _, c in rows]
    print(f"burst: {len(rows)} notices within {max(latencies_ms) / 1000:.1f} s of T", flush=True)
    await until(lambda: burst_projected(engine, t) >= burst, "the burst's projections", 300)
    await asyncio.sleep(2)
    after = Probe.of(stack)

    others_sent = notices_of(engine, "open-")
    running = (
        await client.count_workflows(
            'WorkflowType = "InspectionWorkflow" AND ExecutionStatus = "Running"'
        )
    ).count
    if others_sent or running != open_count:
        print(f"WARNING: {others_sent} notices from the others; {running}/{open_count} running")
    engine.dispose()

    def per_process(n: int) -> dict[str, Any]:
        path, patterns = (log, WORKER_LOG) if n == 0 else (stack.server.log_path, SERVER_LOG)
        return {
            "rss_before": figure(before.rss[n], "MiB"),
            "rss_started": figure(settled.rss[n], "MiB"),
            "rss_after_burst": figure(after.rss[n], "MiB"),
            "cpu_per_start": figure((settled.cpu[n] - before.cpu[n]) / open_count * 1000, "ms"),
            "cpu_per_burst_notice": figure((after.cpu[n] - at_t.cpu[n]) / burst * 1000, "ms"),
            "log_start": log_figures(path, before.logs[n], settled.logs[n], patterns),
            "log_burst": log_figures(path, at_t.logs[n], after.logs[n], patterns),
        }

    return {
        "name": "open_inspections",
        "parameters": {
            "open": open_count,
            "burst": burst,
            "database": "sqlite",
            "worker": "one kiemtra worker process, max_concurrent_activities 50",
            "max_cached_workflows": MAX_CACHED_WORKFLOWS,
            "starts_in_flight": IN_FLIGHT,
            "findings_per_inspection": 1,
        },
        "figures": {
            "start_rate": figure(started.start_rate, "inspections/s"),
            "start_latency": percentiles(started.start_latencies_ms),
            "projection_rate": figure(started.projection_rate, "inspections/s"),
            "lead_before_burst": figure(started.lead, "s"),
            "burst_seconds": figure(max(latencies_ms) / 1000, "s"),
            "burst_latency": percentiles(latencies_ms),
            "notifications": figure(len(rows), "rows"),
            "notifications_from_others": figure(others_sent, "rows"),
            "still_running": figure(running, "workflows"),
            "worker": per_process(0),
            "server": per_process(1),
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 open, 100 due at once")
    parser.add_argument("--open", type=int, help="open inspections in all (default 10,000)")
    parser.add_argument("--burst", type=int, help="of which due at once (default a tenth)")
    parser.add_argument("--keep", action="store_true", help=f"keep {ROOT} and its logs")
    args = parser.parse_args(argv)
    open_count = args.open or (1_000 if args.quick else 10_000)
    burst = args.burst or open_count // 10
    # Seconds between the expected end of the start phase and T, on top of its estimate.
    lead = 10.0 if args.quick else 20.0
    try:
        result = asyncio.run(measure(open_count, burst, lead))
    finally:
        if not args.keep:
            shutil.rmtree(ROOT, ignore_errors=True)
    publish([result])


if __name__ == "__main__":
    main()
