"""Durability under faults (``make chaos``): lifecycles over HTTP while the worker is killed
with SIGKILL, the Temporal dev server is restarted on its file and the database is locked;
then every invariant is counted (``bench.chaos_checks``).

    python -m bench.chaos [--inspections 200] [--quick] [--seed S] [--kills 6] [--keep]
                          [--database sqlite|postgres]

Clients retry each command with the same Idempotency-Key on 503, connection errors and
timeouts until it succeeds, so a command is lost only if kiemtra loses it. The phases and
checks are importable: ``tests/chaos`` runs a reduced run through ``run_chaos``.
"""

import argparse
import asyncio
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from temporalio.client import Client

from bench import chaos_checks as checks
from bench import chaos_faults as faults
from bench.common import record, show
from bench.lifecycle import ACCOUNTS, COMMANDS_PER_LIFECYCLE, HTTP_STEPS, PASSWORD, add_people
from bench.lifecycle import START_BODY as START
from bench.stack import Stack
from store.db import make_engine
from tests.mailbox import Mailbox, smtp_server

ROOT = Path(__file__).resolve().parents[1] / ".kiemtra" / "bench" / "chaos"
# Parked lifecycles wait in remediation_requested (before "acknowledge"): it has timers.
PARK_BEFORE = next(i for i, s in enumerate(HTTP_STEPS) if s.path == "acknowledge")


@dataclass(frozen=True)
class ChaosConfig:
    """Sizes and fault plan; moments given as fractions are of all lifecycle commands done."""

    inspections: int = 200
    concurrency: int = 20
    seed: int = 0
    database: str = "sqlite"  # or "postgres" (KIEMTRA_TEST_POSTGRES_URL)
    # Random intervals, seconds. A kill stalls the commands in flight until what they wait on
    # times out (a workflow task 10 s, an activity up to 60 s): kills come less often.
    kill_every: tuple[float, float] | None = (20.0, 45.0)
    kill_at: tuple[float, ...] = ()  # or at these fractions of progress
    kill_pause: tuple[float, float] = (0.5, 3.0)
    server_restart_at: float = 0.5
    server_down: float = 5.0
    db_outage_at: float = 0.7
    db_outage: float = 30.0
    parked: int = 4  # lifecycles held open across the server restart
    idempotency_requests: int = 50
    idempotency_deadline: float = 120.0  # no faults then: a request stuck this long is lost
    update_timeout: float = 5.0
    command_deadline: float = 600.0  # one command retried this long is given up: lost
    settle_timeout: float = 600.0  # for every workflow to finish once the faults stop
    verbose: bool = True  # the timeline of faults and phases, on stderr


class CommandLost(Exception):
    """A command kept failing for ``command_deadline``, or was refused for good."""


@dataclass
class Park:
    """A lifecycle held before ``acknowledge`` until the server-restart phase releases it."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    go: asyncio.Event = field(default_factory=asyncio.Event)
    inspection_id: str = ""


@dataclass
class Counters:
    """What the run did and met; each field is a figure (a list counts its entries)."""

    worker_kills: int = 0
    worker_exits: int = 0  # a worker that ended without being killed
    server_restarts: int = 0
    server_down_seconds: float = 0.0
    db_outage_seconds: float = 0.0
    commands_sent: int = 0  # a start or a step, however many attempts it took
    retries: int = 0
    http_503: int = 0
    http_503_server_down: int = 0
    http_500: int = 0  # a fault kiemtra did not answer with 503
    transport_errors: int = 0
    conflicts_checked: int = 0  # a 409 to a retry whose earlier attempt had applied
    timers_checked: int = 0
    unexpected_answers: list[str] = field(default_factory=list)
    lifecycles_failed: list[str] = field(default_factory=list)
    timers_lost: list[str] = field(default_factory=list)


class ChaosRun:
    """The stack under test, the clients' HTTP session and what the run counted."""

    def __init__(
        self,
        cfg: ChaosConfig,
        stack: Stack,
        engine: Engine,
        mailbox: Mailbox,
        http: httpx.AsyncClient,
    ) -> None:
        self.cfg = cfg
        self.stack = stack
        self.mailbox = mailbox
        self.http = http
        self.client: Client | None = None
        self.engine = engine
        self.rng = random.Random(cfg.seed)
        self.counters = Counters()
        self.done = 0  # lifecycle commands confirmed: the progress fault moments refer to
        self.errors: list[str] = []  # where the first 500s were answered
        self.headers: dict[str, dict[str, str]] = {}
        self.ids: list[str] = []
        self.parks = [Park() for _ in range(min(cfg.parked, cfg.inspections))]
        self.server_is_down = False
        self.others_done = asyncio.Event()
        # Faults never overlap: the figures of each stay its own.
        self.fault_lock = asyncio.Lock()
        self.worker: subprocess.Popen[bytes] | None = None
        self.total = cfg.inspections * COMMANDS_PER_LIFECYCLE
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        if self.cfg.verbose:
            elapsed = time.monotonic() - self.started
            print(
                f"[chaos {elapsed:7.1f} s, {self.done}/{self.total}] {message}",
                file=sys.stderr,
            )

    async def sign_in(self) -> None:
        for username, *_ in ACCOUNTS:
            r = await self.http.post(
                "/auth/token", data={"username": username, "password": PASSWORD}
            )
            r.raise_for_status()
            self.headers[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}

    async def reached(self, fraction: float, stop: asyncio.Event) -> bool:
        """Wait until ``fraction`` of the lifecycle commands are done (False: stopped first)."""
        while self.done < fraction * self.total:
            if stop.is_set():
                return False
            await asyncio.sleep(0.1)
        return True

    async def send(
        self, who: str, path: str, body: Any, key: str, deadline: float | None = None
    ) -> tuple[int, Any, int]:
        """POST with ``key`` until the answer is neither 503, 500 nor a transport failure.

        Returns (status, JSON body, attempts)."""
        headers = {**self.headers[who], "Idempotency-Key": key}
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            self.counters.retries += attempt > 1
            try:
                r = await self.http.post(path, json=body, headers=headers)
            except httpx.TransportError as exc:
                self.counters.transport_errors += 1
                last = f"{type(exc).__name__}"
            else:
                if r.status_code == 500:
                    # A fault kiemtra did not map to 503. Counted as a failure, and retried: the
                    # key makes that safe, and the run goes on to check everything else.
                    self.counters.http_500 += 1
                    if len(self.errors) < 10:
                        self.errors.append(f"{path} -> 500 (the API log has the trace)")
                elif r.status_code != 503:
                    try:
                        return r.status_code, r.json(), attempt
                    except ValueError:
                        return r.status_code, r.text, attempt
                else:
                    self.counters.http_503 += 1
                    self.counters.http_503_server_down += self.server_is_down
                last = str(r.status_code)
            limit = deadline or self.cfg.command_deadline
            if time.monotonic() - started > limit:
                raise CommandLost(f"{path}: {attempt} attempts in {limit:g} s, last {last}")
            # Jitter apart, the backoff is fixed: the seed decides the faults, not this.
            await asyncio.sleep(min(3.0, 0.2 * 2 ** min(attempt, 4)) * random.uniform(0.5, 1.5))

    async def command(
        self, who: str, path: str, body: Any, key: str, inspection_id: str | None, seq: int
    ) -> dict[str, Any]:
        """One command to its confirmed effect; ``seq`` is the inspection's after it."""
        self.counters.commands_sent += 1
        status, doc, attempts = await self.send(who, path, body, key)
        if status in (200, 201):
            return dict(doc)
        if status == 409 and attempts > 1 and inspection_id is not None:
            # An earlier attempt may have applied before its answer was lost: read the state.
            r = await self.http.get(f"/inspections/{inspection_id}", headers=self.headers[who])
            if r.status_code == 200 and r.json()["seq"] >= seq:
                self.counters.conflicts_checked += 1
                return dict(r.json())
        self.counters.unexpected_answers.append(f"{path} -> {status} after {attempts}: {doc}")
        raise CommandLost(f"{path}: {status} {doc}")

    async def lifecycle(self, n: int, park: Park | None = None) -> None:
        """Start one inspection and take it through the nine commands to ``closed``."""
        key = f"chaos-{self.cfg.seed}-{n}"
        doc = await self.command("coordinator", "/inspections", START, f"{key}-start", None, 1)
        self.done += 1
        iid = doc["inspection_id"]
        self.ids.append(iid)
        for i, step in enumerate(HTTP_STEPS):
            if park is not None and i == PARK_BEFORE:
                park.inspection_id = iid
                park.arrived.set()
                await park.go.wait()
            path = f"/inspections/{iid}/{step.path}"
            await self.command(step.who, path, step.body, f"{key}-{i}", iid, i + 2)
            self.done += 1

    async def start_worker(self) -> None:
        self.worker = self.stack.start_worker()
        await self.polling()

    async def polling(self) -> None:
        """Wait until the worker polls, so that a kill always hits a live one."""
        worker = self.worker
        assert worker is not None and self.client is not None
        deadline = time.monotonic() + 120
        while worker.poll() is None and time.monotonic() < deadline:
            if await faults.polling(self.client, self.stack.task_queue, worker.pid):
                self.say(f"worker {worker.pid} polling")
                return
            await asyncio.sleep(0.5)
        self.say(f"worker {worker.pid} not polling (exit code {worker.poll()})")

    def kill_worker(self) -> None:
        if self.worker is not None:
            self.say(f"worker {self.worker.pid}: SIGKILL")
            self.stack.kill_worker(self.worker, signal.SIGKILL)
            self.worker = None
            self.counters.worker_kills += 1


async def drive(run: ChaosRun) -> None:
    """Every lifecycle, ``concurrency`` at a time; parked ones run beside that bound."""
    gate = asyncio.Semaphore(run.cfg.concurrency)

    async def one(n: int) -> None:
        park = run.parks[n] if n < len(run.parks) else None
        try:
            if park is not None:
                await run.lifecycle(n, park)
                return
            async with gate:
                await run.lifecycle(n)
        except Exception as lost:  # CommandLost, or the state read after a 409 failing
            run.counters.lifecycles_failed.append(f"lifecycle {n}: {type(lost).__name__}: {lost}")
            if park is not None:
                park.arrived.set()  # never hold the restart phase hostage

    async def others() -> None:
        await asyncio.gather(*(one(n) for n in range(len(run.parks), run.cfg.inspections)))
        run.others_done.set()

    await asyncio.gather(others(), *(one(n) for n in range(len(run.parks))))


async def worker_chaos(run: ChaosRun, stop: asyncio.Event) -> None:
    """SIGKILL the worker at random intervals (or progress moments), restart it after a pause."""
    moments = list(run.cfg.kill_at)
    while True:
        if run.cfg.kill_at:
            if not moments or not await run.reached(moments.pop(0), stop):
                return
        elif run.cfg.kill_every is None or await _stopped(
            stop, run.rng.uniform(*run.cfg.kill_every)
        ):
            return
        async with run.fault_lock:
            run.kill_worker()
            await asyncio.sleep(run.rng.uniform(*run.cfg.kill_pause))
            await run.start_worker()


async def supervise(run: ChaosRun, stop: asyncio.Event) -> None:
    """Restart a worker that ended on its own (counted: kiemtra should not need this)."""
    while not await _stopped(stop, 1.0):
        async with run.fault_lock:
            if run.worker is not None and run.worker.poll() is not None:
                run.counters.worker_exits += 1
                run.say(f"worker {run.worker.pid} exited by itself ({run.worker.returncode})")
                run.stack.workers.remove(run.worker)
                await run.start_worker()


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def server_restart(run: ChaosRun, stop: asyncio.Event) -> None:
    """Stop the dev server mid-run, send commands into the outage, start it on the same file.

    Half the parked inspections (the holders) must come back with the same status, open
    timers and agenda; the other half send their next command while the server is down.
    """
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


async def database_outage(run: ChaosRun, stop: asyncio.Event) -> None:
    """Make the database unavailable for ``db_outage`` seconds mid-run."""
    if not await run.reached(run.cfg.db_outage_at, stop):
        return
    outage = faults.sqlite_lock if run.cfg.database == "sqlite" else faults.postgres_block
    async with run.fault_lock:
        run.say(f"database unavailable for {run.cfg.db_outage:g} s")
        run.counters.db_outage_seconds += await asyncio.to_thread(
            outage, run.stack.database_url, run.cfg.db_outage
        )
        run.say("database back")


@asynccontextmanager
async def chaos_stack(cfg: ChaosConfig, root: Path) -> AsyncIterator[ChaosRun]:
    """A fresh stack with people, an SMTP mailbox, one API and one worker; stopped on exit."""
    shutil.rmtree(root, ignore_errors=True)
    database_url, drop = faults.fresh_database(cfg.database, root)
    stack = Stack(root, database_url=database_url)
    engine: Engine | None = None
    with smtp_server() as (mailbox, port):
        stack.smtp = ("127.0.0.1", port)
        try:
            client = await stack.start_server()
            engine = make_engine(stack.database_url)
            add_people(engine)
            stack.start_worker()  # boots while the API does
            url = await asyncio.to_thread(
                stack.start_api,
                KIEMTRA_UPDATE_TIMEOUT_SECONDS=str(cfg.update_timeout),
                KIEMTRA_ACCESS_TOKEN_MINUTES="720",  # outlives the longest run
            )
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                run = ChaosRun(cfg, stack, engine, mailbox, http)
                run.client = client
                run.worker = stack.workers[0]
                await run.polling()
                await run.sign_in()
                yield run
        finally:
            await stack.stop()
            if engine is not None:
                engine.dispose()
            drop()


async def run_chaos(cfg: ChaosConfig, root: Path = ROOT) -> dict[str, Any]:
    """The whole run: lifecycles under faults, the idempotency phase, then the checks."""
    started = time.monotonic()
    async with chaos_stack(cfg, root) as run:
        stop = asyncio.Event()

        async def lifecycles() -> None:
            try:
                await drive(run)
            finally:
                stop.set()  # kills end; a phase already begun finishes

        # A fault phase that fails (the server does not come back) ends the run at once.
        async with asyncio.TaskGroup() as group:
            group.create_task(lifecycles())
            for phase in (worker_chaos, supervise, server_restart, database_outage):
                group.create_task(phase(run, stop))
        if run.worker is None or run.worker.poll() is not None:
            await run.start_worker()
        run.say("lifecycles done; idempotency phase")
        idempotency = await checks.idempotency_phase(run)
        run.say("checking")
        verdict = await checks.verify(run)
        run.say("checked")
    return checks.report(run, idempotency, verdict, time.monotonic() - started)


QUICK = {
    "inspections": 20,
    "concurrency": 8,
    "parked": 2,
    "db_outage": 5.0,
    "server_down": 3.0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspections", type=int)
    parser.add_argument("--quick", action="store_true", help="20 inspections, short outages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help=f"keep {ROOT} (logs, databases)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kills", type=int, help="worker kills at random progress (6; quick 2)")
    args = parser.parse_args()
    sizes: dict[str, Any] = dict(QUICK) if args.quick else {}
    # Moments of progress, not of the clock: a faster machine gets as many kills.
    moments = random.Random(args.seed)
    kills = args.kills if args.kills is not None else (2 if args.quick else 6)
    kill_at = sorted(round(moments.uniform(0.03, 0.95), 3) for _ in range(kills))
    sizes.update(kill_at=tuple(kill_at), kill_every=None)
    if args.inspections:
        sizes["inspections"] = args.inspections
    cfg = ChaosConfig(seed=args.seed, database=args.database, **sizes)
    result = asyncio.run(run_chaos(cfg))
    problems = result.pop("problems") + checks.failures(result["figures"])
    record([result])
    show(result)
    for problem in problems:
        print(f"   ! {problem}")
    if problems or args.keep:
        print(f"   logs and databases kept in {ROOT}")
    else:
        shutil.rmtree(ROOT, ignore_errors=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
