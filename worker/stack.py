"""``kiemtra up``: dev server, worker and API in one process, started and stopped as one.

Stopping (Ctrl-C or SIGTERM) goes in reverse order: the API stops taking requests, the
worker finishes its tasks, then the dev server gets SIGTERM — so no part outlives another.
"""

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import API_PREFIX, create_app
from api.settings import ApiSettings
from store.db import make_engine
from store.migrate import upgrade
from worker.build import build_mailer, build_worker
from worker.devserver import NAMESPACE, DevServer, DevServerError
from worker.schedules import ensure_digest_schedule
from worker.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, SeedError, seed_demo
from worker.settings import WorkerSettings

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SEED_GRACE = 60.0  # seconds a stop waits for the demo data (about 5 s on a laptop)
T = TypeVar("T")
log = logging.getLogger(__name__)


class StackError(RuntimeError):
    """A part of the stack could not start or stopped on its own."""


class Stopped(Exception):
    """A stop signal arrived while the stack was still starting."""


@dataclass(frozen=True)
class StackOptions:
    """What ``kiemtra up`` was asked for."""

    data_dir: Path = Path(".kiemtra")
    host: str = "127.0.0.1"
    api_port: int = 8000
    temporal_port: int = 7233
    ui_port: int = 8233
    seed: bool = True


class ApiServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the stack's handler stops every part in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.contextmanager
def on_stop_signals(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` on SIGINT/SIGTERM while inside the block (the running loop's thread)."""
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, callback)
    try:
        yield
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def stack_settings(options: StackOptions) -> tuple[ApiSettings, WorkerSettings]:
    """Settings from the environment, pointed at this stack's data dir and dev server.

    TEMPORAL_* variables describe an external cluster; the embedded server needs none of them.
    """
    local = {
        "data_dir": options.data_dir,
        "temporal_address": f"127.0.0.1:{options.temporal_port}",
        "temporal_namespace": NAMESPACE,
        "temporal_api_key": None,
        "temporal_profile": None,
    }
    return ApiSettings().model_copy(update=local), WorkerSettings().model_copy(update=local)


def listen(host: str, port: int) -> socket.socket:
    """Bind the API socket ourselves: uvicorn would ``sys.exit`` on a busy port mid-start."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StackError(f"API port {port} on {host} is not available: {exc.strerror}") from None
    return sock


async def unless_stopped(stop: asyncio.Event, step: Awaitable[T]) -> T:
    """``step``'s result, or ``Stopped`` if a stop signal comes first (starting can be slow)."""
    task = asyncio.ensure_future(step)
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if not stop.is_set():
        return task.result()
    task.cancel()
    with contextlib.suppress(BaseException):
        await task
    raise Stopped


async def _api_started(server: ApiServer, task: asyncio.Task[None]) -> None:
    while not server.started:
        if task.done():
            task.result()
            raise StackError("the API did not start (see the messages above)")
        await asyncio.sleep(0.05)


async def _stop_api(server: ApiServer, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    with contextlib.suppress(Exception):
        await task


async def _stop_worker(worker: Worker, task: asyncio.Task[None]) -> None:
    if not task.done():
        await worker.shutdown()
    with contextlib.suppress(Exception):
        await task


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(BaseException):
        await task


async def _finish_seed(
    task: asyncio.Task[None], stop: asyncio.Event, hurry: asyncio.Event, data_dir: Path
) -> None:
    """On a stop signal, let a seeding under way finish (it cannot resume) unless hurried."""
    if task.done():
        return
    if stop.is_set():  # not when a part failed: the seeding would only wait for it
        print("finishing the demo data first (Ctrl-C again to abandon it) …", flush=True)
        hurried = asyncio.create_task(hurry.wait())
        await asyncio.wait({task, hurried}, timeout=SEED_GRACE, return_when=asyncio.FIRST_COMPLETED)
        hurried.cancel()
        if task.done():
            return
    await _cancel(task)
    print(
        f"seeding was interrupted: the demo data is partial; remove {data_dir} "
        "and run `kiemtra up` again for the full demo",
        file=sys.stderr,
        flush=True,
    )


async def seed_once(client: Client, engine: Engine, settings: ApiSettings) -> None:
    """Load the demo data unless this database has it; a failure is reported, not fatal."""
    try:
        seeded = await seed_demo(client, engine, settings)
    except SeedError as exc:
        log.error("the demo data could not be loaded: %s", exc)
        return
    except Exception:
        log.exception("seeding the demo data failed; the stack keeps running")
        return
    print(
        f"{'demo data loaded' if seeded else 'demo data already present'}; sign in as "
        f"{', '.join(a.username for a in DEMO_ACCOUNTS)} with password {DEMO_PASSWORD}",
        flush=True,
    )


def banner(options: StackOptions, server: DevServer, settings: ApiSettings) -> str:
    api = f"http://{options.host}:{options.api_port}"
    ui = server.ui_url or "off (--ui-port 0)"
    here = "" if options.data_dir == StackOptions.data_dir else f" --data-dir {options.data_dir}"
    return "\n".join(
        [
            f"kiemtra is up — data in {options.data_dir.resolve()}",
            f"  Web pages    {api}/  (sign in, e.g. coordinator / kiemtra-demo)",
            f"  API          {api}{API_PREFIX}",
            f"  API docs     {api}/docs",
            f"  Temporal UI  {ui}",
            f"  Temporal     {server.address}, namespace {NAMESPACE}, "
            f"task queue {settings.task_queue}",
            "  Accounts     demo accounts are listed once seeded and in the README; add one:",
            f"               kiemtra user add NAME --password P --role R --organisation CODE{here}",
            "Stop with Ctrl-C.",
        ]
    )


async def run_stack(options: StackOptions) -> int:
    """Run until SIGINT/SIGTERM (exit code 0) or until a part fails (1)."""
    # The first signal stops the stack; a second one stops waiting for the demo data.
    stop, hurry = asyncio.Event(), asyncio.Event()
    with on_stop_signals(lambda: (hurry if stop.is_set() else stop).set()):
        try:
            return await _run(options, stop, hurry)
        except Stopped:
            print("stopped before the stack was up", flush=True)
            return 0
        except StackError as exc:
            print(f"kiemtra up: {exc}", file=sys.stderr, flush=True)
            return 1


async def _run(options: StackOptions, stop: asyncio.Event, hurry: asyncio.Event) -> int:
    api_settings, worker_settings = stack_settings(options)
    url = worker_settings.resolved_database_url
    sock = listen(options.host, options.api_port)
    server = DevServer(options.data_dir, options.temporal_port, options.ui_port)
    # Callbacks run in reverse: demo data, API, worker, dev server, engine, socket.
    teardown = contextlib.AsyncExitStack()
    teardown.callback(sock.close)
    try:
        upgrade(url)
        engine = make_engine(url)
        teardown.callback(engine.dispose)
        teardown.push_async_callback(server.stop)
        try:
            client = await unless_stopped(stop, server.start(worker_settings))
        except DevServerError as exc:
            raise StackError(str(exc)) from None

        worker = build_worker(
            client,
            engine,
            worker_settings.task_queue,
            worker_settings.max_concurrent_activities,
            mailer=build_mailer(worker_settings),
            max_concurrent_workflow_tasks=worker_settings.max_concurrent_workflow_tasks,
            public_url=worker_settings.public_url,
        )
        worker_task = asyncio.create_task(worker.run())
        teardown.push_async_callback(_stop_worker, worker, worker_task)
        await ensure_digest_schedule(client, worker_settings.task_queue)

        api = ApiServer(
            uvicorn.Config(
                create_app(api_settings, engine=engine, client=client),
                log_level="warning",
                lifespan="on",
                timeout_graceful_shutdown=5,
                proxy_headers=False,  # the app's edge decides who the client is
            )
        )
        api_task = asyncio.create_task(api.serve(sockets=[sock]))
        teardown.push_async_callback(_stop_api, api, api_task)
        await unless_stopped(stop, _api_started(api, api_task))
        print(banner(options, server, api_settings), flush=True)

        if options.seed:
            seed_task = asyncio.create_task(seed_once(client, engine, api_settings))
            teardown.push_async_callback(_finish_seed, seed_task, stop, hurry, options.data_dir)

        stopping = asyncio.create_task(stop.wait())
        server_exit = asyncio.create_task(server.wait())
        teardown.push_async_callback(_cancel, stopping)
        teardown.push_async_callback(_cancel, server_exit)
        done, _ = await asyncio.wait(
            {stopping, worker_task, api_task, server_exit}, return_when=asyncio.FIRST_COMPLETED
        )
        if stopping in done:
            print("stopping kiemtra …", flush=True)
            return 0
        print(
            f"kiemtra up: {_failure(worker_task, api_task, server_exit, server)}", file=sys.stderr
        )
        return 1
    finally:
        await teardown.aclose()


def _failure(
    worker_task: asyncio.Task[None],
    api_task: asyncio.Task[None],
    server_exit: asyncio.Task[int],
    server: DevServer,
) -> str:
    """Which part stopped on its own, and why."""
    if worker_task.done():
        error = None if worker_task.cancelled() else worker_task.exception()
        return f"the worker stopped: {error!r}"
    if api_task.done():
        error = None if api_task.cancelled() else api_task.exception()
        return f"the API stopped: {error!r}"
    code = server_exit.result() if server_exit.done() else None
    return f"the Temporal dev server exited (code {code})\n{server.log_tail()}"
