"""The faults ``bench.chaos`` injects besides killing workers: a database that stops
answering for a while, on SQLite or PostgreSQL; and how it tells a new worker polls."""

import os
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, make_url, text
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from store.db import normalise_url


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
