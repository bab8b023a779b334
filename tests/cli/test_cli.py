"""``kiemtra`` as real processes: start the stack, run a command, stop it, restart, same state."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from store.db import default_url, make_engine
from store.tables import SecurityLog
from worker.devserver import pick_port
from worker.seed import DEMO_PASSWORD

PASSWORD = "matkhau-2025"
SCRIPT = Path(sys.executable).with_name("kiemtra")
# The installed script is what people run; ``python -m worker.cli`` must work as well.
KIEMTRA = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "worker.cli"]
MODULE = [sys.executable, "-m", "worker.cli"]


def clean_env() -> dict[str, str]:
    """The caller's environment without settings that would point kiemtra elsewhere."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("KIEMTRA_", "TEMPORAL_"))}


def children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Stack:
    data_dir: Path
    api_port: int
    temporal_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def kiemtra(self, *args: str, command: list[str] = KIEMTRA) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_env(),
        )

    @contextmanager
    def running(self, seed: bool = False) -> Iterator[subprocess.Popen[bytes]]:
        """``kiemtra up`` until the block ends (the block may stop it itself)."""
        log = (self.data_dir.parent / "up.log").open("ab")
        process = subprocess.Popen(
            [
                *KIEMTRA,
                "up",
                "--data-dir",
                str(self.data_dir),
                "--api-port",
                str(self.api_port),
                "--temporal-port",
                str(self.temporal_port),
                "--ui-port",
                "0",
                "--seed" if seed else "--no-seed",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=clean_env(),
        )
        try:
            self.wait_ready(process)
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()

    def wait_ready(self, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"kiemtra up exited with {process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        pytest.fail(f"kiemtra up was not ready within {timeout} s:\n{self.log()}")

    def wait_for_output(self, text: str, count: int = 1, timeout: float = 60) -> None:
        """Until ``up.log`` holds ``text`` ``count`` times (all runs share the log)."""
        deadline = time.monotonic() + timeout
        while self.log(tail=None).count(text) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"no {text!r} within {timeout} s:\n{self.log()}")
            time.sleep(0.25)

    def log(self, tail: int | None = 4000) -> str:
        text = (self.data_dir.parent / "up.log").read_text(errors="replace")
        return text[-tail:] if tail else text


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    # Both below the ephemeral range the dev server takes its internal ports from.
    return Stack(tmp_path / "data", pick_port(), pick_port())


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM; kiemtra must exit 0 in time and take its Temporal server with it."""
    servers = children(process.pid)
    assert servers, "the dev server should be a child of kiemtra up"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert not any(alive(pid) for pid in servers)


def add_user(stack: Stack, username: str, role: str, organisation: str | None = None) -> None:
    org = ["--organisation", organisation] if organisation else []
    done = stack.kiemtra("user", "add", username, "--password", PASSWORD, "--role", role, *org)
    assert done.returncode == 0, done.stderr
    assert f"created {username}" in done.stdout


def logged_source(stack: Stack, request_id: str) -> str:
    engine = make_engine(default_url(stack.data_dir))
    try:
        with Session(engine) as session:
            row = session.exec(
                select(SecurityLog).where(SecurityLog.request_id == request_id)
            ).one()
            return row.source_ip
    finally:
        engine.dispose()


def sign_in(http: httpx.Client, username: str) -> dict[str, str]:
    r = http.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_up_survives_a_restart_with_the_same_state(stack: Stack) -> None:
    with (
        stack.running() as process,
        httpx.Client(base_url=f"{stack.url}/api/v1", timeout=30) as http,
    ):
        add_user(stack, "admin", "admin")
        admin = sign_in(http, "admin")
        # kiemtra up serves without uvicorn's proxy headers: a client cannot pick its address.
        r = http.get("/me", headers={"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "xff-up"})
        assert r.status_code == 401 and r.headers["X-Content-Type-Options"] == "nosniff"
        assert logged_source(stack, "xff-up") == "127.0.0.1"
        for body in (
            {"id": "org-t01", "code": "T01", "name": "UBND tỉnh", "level": "province"},
            {"code": "SNV", "name": "Sở Nội vụ", "level": "department", "parent_id": "org-t01"},
            {
                "id": "org-x01",
                "code": "X01",
                "name": "UBND xã An Phú",
                "level": "commune",
                "parent_id": "org-t01",
            },
        ):
            r = http.post("/organisations", json=body, headers=admin)
            assert r.status_code == 201, r.text
        add_user(stack, "coordinator", "coordinator", "SNV")
        add_user(stack, "leader", "inspector", "SNV")
        leader_id = next(
            u["id"]
            for u in http.get("/users", headers=admin).json()["data"]
            if u["username"] == "leader"
        )
        coordinator = sign_in(http, "coordinator")

        r = http.post(
            "/inspections",
            json={"kind": "planned", "unit_id": "org-x01", "title": "Kiểm tra công vụ xã An Phú"},
            headers=coordinator,
        )
        assert r.status_code == 201, r.text
        inspection_id = r.json()["inspection_id"]
        r = http.post(
            f"/inspections/{inspection_id}/team",
            json={"members": [{"user_id": leader_id, "team_role": "team_leader"}]},
            headers=coordinator,
        )
        assert r.status_code == 200, r.text
        before = r.json()
        stop(process)

    with (
        stack.running() as process,
        httpx.Client(base_url=f"{stack.url}/api/v1", timeout=30) as http,
    ):
        # The JWT secret lives in the data dir too, so the old token still works.
        r = http.get(f"/inspections/{inspection_id}", headers=coordinator)
        assert r.status_code == 200, r.text
        after = r.json()
        assert after["state"] == before["state"]
        assert [m["user_id"] for m in after["team"]] == [leader_id]
        allowed = {a["trigger"]: a["path"] for a in after["allowed_actions"]}
        assert "send_notice" in allowed
        # The workflow itself survived in the dev server's file: it accepts the next command.
        r = httpx.post(
            f"{stack.url}{allowed['send_notice']}",
            json={"number": "12/TB-SNV"},
            headers=coordinator,
            timeout=30,
        )
        assert r.status_code == 200, r.text
        assert r.json()["state"] != before["state"]
        stop(process)


def test_up_seeds_the_demo_once(stack: Stack) -> None:
    def inspections(http: httpx.Client) -> int:
        token = http.post("/auth/token", data={"username": "viewer", "password": DEMO_PASSWORD})
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        r = http.get("/inspections", headers=headers)
        assert r.status_code == 200, r.text
        return int(r.json()["count"])

    with (
        stack.running(seed=True) as process,
        httpx.Client(base_url=f"{stack.url}/api/v1", timeout=30) as http,
    ):
        stack.wait_for_output("demo data loaded")
        seeded = inspections(http)
        assert seeded > 0
        stop(process)
    with (
        stack.running(seed=True) as process,
        httpx.Client(base_url=f"{stack.url}/api/v1", timeout=30) as http,
    ):
        stack.wait_for_output("demo data already present")
        assert inspections(http) == seeded
        stop(process)


def test_user_add_refuses_a_bad_role(stack: Stack) -> None:
    done = stack.kiemtra(
        "user", "add", "someone", "--password", PASSWORD, "--role", "boss", command=MODULE
    )
    assert done.returncode != 0
    assert "unknown role 'boss'" in done.stderr
    assert "coordinator" in done.stderr


def test_user_add_refuses_an_unknown_organisation(stack: Stack) -> None:
    done = stack.kiemtra(
        "user",
        "add",
        "someone",
        "--password",
        PASSWORD,
        "--role",
        "viewer",
        "--organisation",
        "NOPE",
    )
    assert done.returncode == 1
    assert "no organisation has the code 'NOPE'" in done.stderr


def test_user_add_refuses_a_name_taken_in_another_case(stack: Stack) -> None:
    add_user(stack, "coordinator", "admin")
    done = stack.kiemtra("user", "add", "Coordinator", "--password", PASSWORD, "--role", "admin")
    assert done.returncode == 1
    assert "username Coordinator is taken" in done.stderr
