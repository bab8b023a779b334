"""Durability under faults (``make chaos``): lifecycles over HTTP while workers (and API
processes) are killed with SIGKILL, the Temporal dev server is restarted on its file and the
database is locked; then every invariant is counted (``testkit.chaos_checks``).

    python -m bench.chaos [--inspections 200] [--quick] [--seed S] [--kills 6] [--keep]
                          [--database sqlite|postgres] [--workers 2 --apis 2 [--api-kills 3]]

Clients retry each command with the same Idempotency-Key on 503, connection errors and
timeouts until it succeeds, so a command is lost only if kiemtra loses it; with several API
processes each retry goes to the next one (``testkit.chaos_fleet``). The phases and checks are
importable: ``tests/chaos`` runs reduced runs through ``run_chaos``.
"""

import argparse
import asyncio
import random
import shutil
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

from store.db import make_engine
from testkit import chaos_checks as checks
from testkit import chaos_faults as faults
from testkit.chaos_faults import database_outage, server_restart
from testkit.chaos_fleet import Api, Fleet, api_chaos, supervise, worker_chaos
from testkit.common import record, show
from testkit.lifecycle import ACCOUNTS, COMMANDS_PER_LIFECYCLE, HTTP_STEPS, PASSWORD, add_people
from testkit.lifecycle import START_BODY as START
from testkit.mailbox import Mailbox, smtp_server
from testkit.stack import Stack

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
    workers: int = 1
    apis: int = 1  # on their own ports; clients spread their requests over them
    # Random intervals, seconds. A kill stalls the commands in flight until what they wait on
    # times out (a workflow task 10 s, an activity up to 60 s): kills come less often.
    kill_every: tuple[float, float] | None = (20.0, 45.0)
    kill_at: tuple[float, ...] = ()  # or at these fractions of progress
    kill_pause: tuple[float, float] = (0.5, 3.0)  # before a killed process is started again
    api_kill_at: tuple[float, ...] = ()  # SIGKILL of an API process at these fractions
    server_restart_at: float | None = 0.5  # None: no restart (and nothing parked)
    server_down: float = 5.0
    db_outage_at: float | None = 0.7
    db_outage: float = 30.0
    parked: int = 4  # lifecycles held open across the server restart
    idempotency_requests: int = 50
    idempotency_deadline: float = 120.0  # no faults then: a request stuck this long is lost
    update_timeout: float = 5.0
    command_deadline: float = 600.0  # one command retried this long is given up: lost
    settle_timeout: float = 600.0  # for every workflow to finish once the faults stop
    verbose: bool = True  # the timeline of faults and phases, on stderr

    @property
    def name(self) -> str:
        """The result's name: one per process layout, so that each keeps its figures."""
        if (self.workers, self.apis) == (1, 1):
            return "chaos"
        return f"chaos_w{self.workers}_a{self.apis}"


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
    api_kills: int = 0
    api_exits: int = 0
    api_requests_cut: int = 0  # in flight on an API when it was killed
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
        fleet: Fleet,
        engine: Engine,
        mailbox: Mailbox,
        http: httpx.AsyncClient,
    ) -> None:
        self.cfg = cfg
        self.stack = stack
        self.fleet = fleet
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
        parked = cfg.parked if cfg.server_restart_at is not None else 0
        self.parks = [Park() for _ in range(min(parked, cfg.inspections))]
        self.server_is_down = False
        self.others_done = asyncio.Event()
        # Faults never overlap: the figures of each stay its own.
        self.fault_lock = asyncio.Lock()
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
        """One token per account, for every API: they share the key and the sessions."""
        for username, *_ in ACCOUNTS:
            r = await self.http.post(
                f"{self.fleet.apis[0].url}/auth/token",
                data={"username": username, "password": PASSWORD},
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
        first = self.fleet.first()
        attempt = 0
        while True:
            attempt += 1
            self.counters.retries += attempt > 1
            api = self.fleet.api_for(first, attempt)
            try:
                r = await self.post(api, path, body, headers)
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

    async def post(self, api: Api, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
        """One attempt, counted in flight on its API (what a kill of that API cuts off)."""
        api.in_flight += 1
        try:
            return await self.http.post(f"{api.url}{path}", json=body, headers=headers)
        finally:
            api.in_flight -= 1

    async def inspection(self, who: str, inspection_id: str) -> dict[str, Any] | None:
        """The inspection as an API answers it, retried for a minute as commands are (the
        next API each time, or the only one once it is back)."""
        first, attempt = self.fleet.first(), 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            attempt += 1
            api = self.fleet.api_for(first, attempt)
            try:
                r = await self.http.get(
                    f"{api.url}/inspections/{inspection_id}", headers=self.headers[who]
                )
            except httpx.TransportError:
                r = None
            if r is not None and r.status_code == 200:
                return dict(r.json())
            if r is not None and r.status_code not in (500, 503):
                return None
            await asyncio.sleep(1.0)
        return None

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
            now = await self.inspection(who, inspection_id)
            if now is not None and now["seq"] >= seq:
                self.counters.conflicts_checked += 1
                return now
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
        await self.polling(self.fleet.start_worker())

    async def polling(self, worker: subprocess.Popen[bytes]) -> None:
        """Wait until the worker polls, so that a kill always hits a live one."""
        assert self.client is not None
        deadline = time.monotonic() + 120
        while worker.poll() is None and time.monotonic() < deadline:
            if await faults.polling(self.client, self.stack.task_queue, worker.pid):
                self.say(f"worker {worker.pid} polling")
                return
            await asyncio.sleep(0.5)
        self.say(f"worker {worker.pid} not polling (exit code {worker.poll()})")


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


@asynccontextmanager
async def chaos_stack(cfg: ChaosConfig, root: Path) -> AsyncIterator[ChaosRun]:
    """A fresh stack with people, an SMTP mailbox, its APIs and workers; stopped on exit."""
    shutil.rmtree(root, ignore_errors=True)
    database_url, drop = faults.fresh_database(cfg.database, root)
    stack = Stack(root, database_url=database_url)
    fleet = Fleet(
        stack,
        cfg.apis,
        {
            "KIEMTRA_UPDATE_TIMEOUT_SECONDS": str(cfg.update_timeout),
            "KIEMTRA_ACCESS_TOKEN_MINUTES": "720",  # outlives the longest run
        },
    )
    engine: Engine | None = None
    with smtp_server() as (mailbox, port):
        stack.smtp = ("127.0.0.1", port)
        try:
            client = await stack.start_server()
            engine = make_engine(stack.database_url)
            add_people(engine)
            for _ in range(cfg.workers):
                fleet.start_worker()  # they boot while the APIs do
            await asyncio.gather(*(fleet.start_api(api) for api in fleet.apis))
            async with httpx.AsyncClient(timeout=30) as http:
                run = ChaosRun(cfg, stack, fleet, engine, mailbox, http)
                run.client = client
                for worker in fleet.workers:
                    await run.polling(worker)
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
            for phase in (worker_chaos, api_chaos, supervise, server_restart, database_outage):
                group.create_task(phase(run, stop))
        run.fleet.exited_workers()
        while len(run.fleet.workers) < cfg.workers:
            await run.start_worker()
        for api in run.fleet.exited_apis():
            await run.fleet.start_api(api)
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
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    parser.add_argument("--apis", type=int, default=1, help="API processes, clients spread (1)")
    parser.add_argument(
        "--api-kills", type=int, help="API kills at random progress (3, quick 1; one API: 0)"
    )
    args = parser.parse_args()
    if args.workers < 1 or args.apis < 1:
        parser.error("--workers and --apis are at least 1")
    sizes: dict[str, Any] = dict(QUICK) if args.quick else {}
    # Moments of progress, not of the clock: a faster machine gets as many kills.
    moments = random.Random(args.seed)
    kills = args.kills if args.kills is not None else (2 if args.quick else 6)
    kill_at = sorted(round(moments.uniform(0.03, 0.95), 3) for _ in range(kills))
    api_kills = args.api_kills
    if api_kills is None:
        api_kills = 0 if args.apis == 1 else (1 if args.quick else 3)
    # Drawn after the worker kills, so that one seed gives the same worker kills either way.
    api_kill_at = sorted(round(moments.uniform(0.03, 0.95), 3) for _ in range(api_kills))
    sizes.update(kill_at=tuple(kill_at), api_kill_at=tuple(api_kill_at), kill_every=None)
    if args.inspections:
        sizes["inspections"] = args.inspections
    cfg = ChaosConfig(
        seed=args.seed, database=args.database, workers=args.workers, apis=args.apis, **sizes
    )
    root = ROOT.with_name(cfg.name)  # each layout its own: a failed run's logs stay
    result = asyncio.run(run_chaos(cfg, root))
    problems = result.pop("problems") + checks.failures(result["figures"])
    record([result])
    show(result)
    for problem in problems:
        print(f"   ! {problem}")
    if problems or args.keep:
        print(f"   logs and databases kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
