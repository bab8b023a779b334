"""The worker and API processes of a ``bench.chaos`` run: where a request goes, which
process a kill hits, how it comes back; and the fault phases that kill them.

Several API processes stand behind what a load balancer would do: each command goes to the
next API in turn and each retry of it to the one after, so a command cut off by a killed API
is retried on another one with the same Idempotency-Key. A killed API comes back on its own
port, as a restarted instance behind the balancer does.
"""

import asyncio
import itertools
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from testkit.stack import Stack, api_url, free_port

if TYPE_CHECKING:
    from testkit.chaos import ChaosRun


@dataclass
class Api:
    """One API process at a fixed port, and the requests in flight on it."""

    port: int
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    in_flight: int = 0

    @property
    def url(self) -> str:
        return api_url(self.port)


class Fleet:
    """The run's live workers (oldest first) and its API processes."""

    def __init__(self, stack: Stack, apis: int, api_env: dict[str, str]) -> None:
        self.stack = stack
        self.workers: list[subprocess.Popen[bytes]] = []
        self.apis = [Api(free_port()) for _ in range(apis)]
        self.api_env = api_env
        self._turn = itertools.count()

    def start_worker(self) -> subprocess.Popen[bytes]:
        worker = self.stack.start_worker()
        self.workers.append(worker)
        return worker

    def kill_worker(self) -> subprocess.Popen[bytes]:
        """SIGKILL the worker that has run longest: with two, kills alternate between them."""
        worker = self.workers.pop(0)
        self.stack.kill_worker(worker, signal.SIGKILL)
        return worker

    def exited_workers(self) -> list[subprocess.Popen[bytes]]:
        """Workers that ended without being killed, taken out of the fleet."""
        gone = [w for w in self.workers if w.poll() is not None]
        for worker in gone:
            self.workers.remove(worker)
            self.stack.workers.remove(worker)
        return gone

    async def start_api(self, api: Api) -> None:
        api.process = await asyncio.to_thread(self.stack.serve_api, api.port, **self.api_env)
        api.started = time.monotonic()

    def busiest_api(self) -> Api:
        """The running API holding the most requests, the oldest of equals."""
        running = [a for a in self.apis if a.process is not None]
        return min(running, key=lambda a: (-a.in_flight, a.started))

    def kill_api(self, api: Api) -> None:
        assert api.process is not None
        self.stack.kill_api(api.process, signal.SIGKILL)
        api.process = None

    def exited_apis(self) -> list[Api]:
        """APIs whose process ended without being killed (left in the rotation, to restart)."""
        gone = [a for a in self.apis if a.process is not None and a.process.poll() is not None]
        for api in gone:
            assert api.process is not None
            self.stack.apis.remove(api.process)
        return gone

    def first(self) -> int:
        """Where a new command goes first (round robin)."""
        return next(self._turn)

    def api_for(self, first: int, attempt: int) -> Api:
        """The API of a command's ``attempt`` (1, 2, …): each retry goes to the next one."""
        return self.apis[(first + attempt - 1) % len(self.apis)]


async def worker_chaos(run: "ChaosRun", stop: asyncio.Event) -> None:
    """SIGKILL a worker at random intervals (or progress moments), start another after a pause.

    With several workers the others go on serving meanwhile; what the killed one held (a
    workflow task, activities) waits for its timeout and is retried by any worker."""
    moments = list(run.cfg.kill_at)
    while True:
        if run.cfg.kill_at:
            if not moments or not await run.reached(moments.pop(0), stop):
                return
        elif run.cfg.kill_every is None or await stopped(
            stop, run.rng.uniform(*run.cfg.kill_every)
        ):
            return
        async with run.fault_lock:
            worker = run.fleet.kill_worker()
            run.say(f"worker {worker.pid}: SIGKILL")
            run.counters.worker_kills += 1
            await asyncio.sleep(run.rng.uniform(*run.cfg.kill_pause))
            await run.start_worker()


async def api_chaos(run: "ChaosRun", stop: asyncio.Event) -> None:
    """SIGKILL an API process at progress moments, with requests in flight on it; start it
    again on its port after a pause. The requests it held fail at the client, which retries
    them on another API (or on this one once it is back, if it is the only one)."""
    for moment in run.cfg.api_kill_at:
        if not await run.reached(moment, stop):
            return
        async with run.fault_lock:
            # The API with requests in flight (the oldest when several or none have): a kill
            # between two requests would test nothing a restart does not. Bounded wait.
            deadline = time.monotonic() + 20
            api = run.fleet.busiest_api()
            while api.in_flight == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
                api = run.fleet.busiest_api()
            assert api.process is not None
            run.say(f"API {api.process.pid} on :{api.port}: SIGKILL ({api.in_flight} in flight)")
            run.counters.api_requests_cut += api.in_flight
            run.fleet.kill_api(api)
            run.counters.api_kills += 1
            await asyncio.sleep(run.rng.uniform(*run.cfg.kill_pause))
            await run.fleet.start_api(api)
            run.say(f"API on :{api.port} answering again")


async def supervise(run: "ChaosRun", stop: asyncio.Event) -> None:
    """Restart a worker or an API that ended on its own (counted: kiemtra should not need it)."""
    while not await stopped(stop, 1.0):
        async with run.fault_lock:
            for worker in run.fleet.exited_workers():
                run.counters.worker_exits += 1
                run.say(f"worker {worker.pid} exited by itself ({worker.returncode})")
                await run.start_worker()
            for api in run.fleet.exited_apis():
                assert api.process is not None
                run.counters.api_exits += 1
                run.say(f"API on :{api.port} exited by itself ({api.process.returncode})")
                await run.fleet.start_api(api)


async def stopped(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
