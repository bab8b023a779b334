"""The faults ``testkit.chaos`` injects besides killing processes (``testkit.chaos_fleet``): a
dev-server restart with inspections parked across it, and a database that stops answering
for a while, on SQLite or PostgreSQL; and how it tells a new worker polls."""

import asyncio
import os
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy import create_engine, make_url, text
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from store.db import normalise_url
from testkit import chaos_checks as checks

if TYPE_CHECKING:
    from testkit.chaos import ChaosRun


def fresh_database(kind: str, root: Path) -> tuple[str, Callable[[], None]]:
    """A new database for one run and how to drop it: a file, or a PostgreSQL database."""
    if kind == "sqlite":
        return f"sqlite:///{root / 'kiemtra.db'}", lambda: None
    base = os.environ.get("KIEMTRA_BENCH_POSTGRES_URL") or os.environ.get(
        "KIEMTRA_TEST_POSTGRES_URL"
    )
    if not base:
        raise SystemExit("--database postgres needs KIEMTRA_TEST_POSTGRES_URL")
    name = f"kiemtra_chaos_{uuid.uuid4().hex[:8]}"
    url = make_url(normalise_url(base))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def sqlite_lock(url: str, seconds: float) -> float:
    """Hold the write lock from another connection; returns how long it was held.

    In WAL mode readers go on (the API's reads answer); every writer waits."""
    conn = sqlite3.connect(make_url(url).database or "", timeout=120, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        held = time.monotonic()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        return time.monotonic() - held
    finally:
        conn.close()


def postgres_block(url: str, seconds: float) -> float:
    """Refuse new connections to the run's own database and end its backends, then allow again.

    Only this database: the server itself serves others and is never stopped."""
    target = make_url(normalise_url(url))
    admin = target.set(drivername="postgresql", database="postgres")
    name = target.database
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        held = time.monotonic()
        try:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            time.sleep(seconds)
        finally:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        return time.monotonic() - held


async def polling(client: Client, task_queue: str, pid: int) -> bool:
    """Whether the worker process ``pid`` polls ``task_queue`` (by its default identity)."""
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    )
    try:
        pollers = (await client.workflow_service.describe_task_queue(request)).pollers
    except RPCError:
        return False
    return any(p.identity.startswith(f"{pid}@") for p in pollers)


async def server_restart(run: "ChaosRun", stop: asyncio.Event) -> None:
    """Stop the dev server mid-run, send commands into the outage, start it on the same file.

    Half the parked inspections (the holders) must come back with the same status, open
    timers and agenda; the other half send their next command while the server is down.
    """
    if run.cfg.server_restart_at is None:
        return
    # Also when the other lifecycles end first (some lost): the parked ones wait for this.
    await run.reached(run.cfg.server_restart_at, run.others_done)
    for park in run.parks:
        await park.arrived.wait()
    holders = [p for p in run.parks[::2] if p.inspection_id]
    senders = run.parks[1::2]
    assert run.client is not None
    before = {p.inspection_id: await checks.survival(run.client, p.inspection_id) for p in holders}
    async with run.fault_lock:
        run.server_is_down = True
        started = time.monotonic()
        await run.stack.server.stop()
        run.say("dev server stopped")
        answered = run.counters.http_503_server_down
        for park in senders:
            park.go.set()
        await asyncio.sleep(run.cfg.server_down)
        # Down until a command was answered 503 during the outage (bounded, in case none is).
        deadline = time.monotonic() + 30
        while run.counters.http_503_server_down == answered and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        run.client = await run.stack.server.start(run.stack.settings)
        run.say("dev server started again on the same file")
        run.server_is_down = False
        run.counters.server_down_seconds += time.monotonic() - started
        run.counters.server_restarts += 1
    for iid, was in before.items():
        now = await checks.survival(run.client, iid)
        run.counters.timers_checked += len(was.open_timers)
        if now != was or not was.open_timers:
            run.counters.timers_lost.append(f"{iid}: before {was}, after {now}")
    for park in run.parks:
        park.go.set()


async def database_outage(run: "ChaosRun", stop: asyncio.Event) -> None:
    """Make the database unavailable for ``db_outage`` seconds mid-run."""
    if run.cfg.db_outage_at is None or not await run.reached(run.cfg.db_outage_at, stop):
        return
    outage = sqlite_lock if run.cfg.database == "sqlite" else postgres_block
    async with run.fault_lock:
        run.say(f"database unavailable for {run.cfg.db_outage:g} s")
        run.counters.db_outage_seconds += await asyncio.to_thread(
            outage, run.stack.database_url, run.cfg.db_outage
        )
        run.say("database back")
