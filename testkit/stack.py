"""The real parts as separate processes, for benchmarks and fault injection.

A file-backed Temporal dev server (as ``kiemtra up`` runs it), workers and API servers
started as ``kiemtra worker`` / ``kiemtra api`` child processes, so they can be measured
(RSS) and killed (``kill -9``) one by one. Everything lives under one directory.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from temporalio.client import Client

from api.settings import Settings
from store.migrate import upgrade
from worker.devserver import DevServer, pick_port

KIEMTRA = str(Path(sys.executable).with_name("kiemtra"))
SECRET_KEY = "bench-secret-key-that-is-long-enough-for-hs256"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_url(port: int) -> str:
    """The base URL of the API process listening on ``port``."""
    return f"http://127.0.0.1:{port}/api/v1"


def _end(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        child.send_signal(sig)
    child.wait()


def rss_mib(pid: int) -> float:
    """Resident memory of a process, in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Stack:
    """One dev server, one database, and any number of worker and API processes."""

    def __init__(self, root: Path, database_url: str | None = None, task_queue: str = "kiemtra"):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or f"sqlite:///{root / 'kiemtra.db'}"
        self.task_queue = task_queue
        self.server = DevServer(root / "temporal", port=pick_port(), ui_port=0)
        self.workers: list[subprocess.Popen[bytes]] = []
        self.apis: list[subprocess.Popen[bytes]] = []
        self.smtp: tuple[str, int] | None = None
        self._workers_started = 0  # each worker its own log, also after kills

    @property
    def settings(self) -> Settings:
        return Settings(
            data_dir=self.root,
            database_url=self.database_url,
            temporal_address=self.server.address,
            task_queue=self.task_queue,
        )

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a ``kiemtra`` child process reads its settings from."""
        env = dict(os.environ)
        env.update(
            TEMPORAL_ADDRESS=self.server.address,
            KIEMTRA_DATA_DIR=str(self.root),
            KIEMTRA_DATABASE_URL=self.database_url,
            KIEMTRA_TASK_QUEUE=self.task_queue,
            KIEMTRA_SECRET_KEY=SECRET_KEY,
            # Every account signs in from 127.0.0.1, again after each API restart.
            KIEMTRA_SIGNIN_RATE_PER_MINUTE="1000000",
            KIEMTRA_SIGNIN_BURST="1000000",
        )
        if self.smtp is not None:
            env.update(KIEMTRA_SMTP_HOST=self.smtp[0], KIEMTRA_SMTP_PORT=str(self.smtp[1]))
        env.update(extra)
        return env

    async def start_server(self) -> Client:
        upgrade(self.database_url)
        return await self.server.start(self.settings)

    async def restart_server(self, down_for: float = 0.0) -> Client:
        """Stop the dev server (SIGTERM), wait, start it again on the same file and port."""
        await self.server.stop()
        await asyncio.sleep(down_for)
        return await self.server.start(self.settings)

    def _child(self, args: list[str], log: str, **env: str) -> subprocess.Popen[bytes]:
        with (self.root / log).open("ab") as out:
            return subprocess.Popen(
                [KIEMTRA, *args],
                env=self.env(**env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )

    def start_worker(self, **env: str) -> subprocess.Popen[bytes]:
        worker = self._child(["worker"], f"worker-{self._workers_started}.log", **env)
        self._workers_started += 1
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        _end(worker, sig)
        self.workers.remove(worker)

    def start_api(self, port: int | None = None, **env: str) -> str:
        """An API process; returns its base URL once it answers."""
        port = port or free_port()
        self.serve_api(port, **env)
        return api_url(port)

    def serve_api(self, port: int, **env: str) -> subprocess.Popen[bytes]:
        """An API process on ``port`` (again on the same one after a kill), once it answers."""
        api = self._child(
            ["api", "--host", "127.0.0.1", "--port", str(port)], f"api-{port}.log", **env
        )
        self.apis.append(api)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if api.poll() is not None:
                raise RuntimeError(f"the API exited; see {self.root / f'api-{port}.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return api
            time.sleep(0.1)
        raise RuntimeError("the API did not answer within 60 s")

    def kill_api(self, api: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        _end(api, sig)
        self.apis.remove(api)

    async def stop(self) -> None:
        for child in [*self.workers, *self.apis]:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        for child in [*self.workers, *self.apis]:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.workers.clear()
        self.apis.clear()
        await self.server.stop()
