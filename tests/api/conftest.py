"""The API served by uvicorn in the test loop, a real worker, the real dev server, SQLite."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from temporalio.client import Client

from api.app import create_app
from api.settings import ApiSettings
from states.vocabulary import Role
from testkit import samples as b
from testkit.people import add_people

PASSWORD = "matkhau-2025"
SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serve(settings: ApiSettings, engine: Engine, client: Client) -> AsyncIterator[str]:
    """Serve the real app on a free port inside this event loop; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, engine=engine, client=client),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        proxy_headers=False,  # as kiemtra serves it: the app's edge decides who the client is
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def api_settings(data_dir: Path, database_url: str, task_queue: str, timeout: float) -> ApiSettings:
    return ApiSettings(
        data_dir=data_dir,
        database_url=database_url,
        task_queue=task_queue,
        secret_key=SECRET_KEY,  # type: ignore[arg-type]
        update_timeout_seconds=timeout,
        # The session-scoped ``people`` tokens must outlive a slow run; the default is 15.
        access_token_minutes=120,
        # Every account of every test signs in from 127.0.0.1: no per-address limit here
        # (test_edge_api shows the limit on a server of its own).
        signin_rate_per_minute=1_000_000,
        signin_burst=1_000_000,
    )


# The organisation tree and one account per role (usernames are the role names).
ORGANISATIONS = [
    (b.PROVINCE, "T01", "UBND tỉnh", "province", None),
    (b.HOME_AFFAIRS, "SNV", "Sở Nội vụ", "department", b.PROVINCE),
    (b.JUSTICE, "STP", "Sở Tư pháp", "department", b.PROVINCE),
    (b.COMMUNE, "X01", "UBND xã An Phú", "commune", b.PROVINCE),
    (b.SCHOOL, "TH01", "Trường Tiểu học An Phú", "school", b.COMMUNE),
    ("org-commune-binh-an", "X02", "UBND xã Bình An", "commune", b.PROVINCE),
    # A second province: outside the authority of everyone above.
    ("org-province-2", "T02", "UBND tỉnh Hai", "province", None),
    ("org-snv-2", "SNV2", "Sở Nội vụ tỉnh Hai", "department", "org-province-2"),
    ("org-commune-2", "X21", "UBND xã Tân Hòa", "commune", "org-province-2"),
]
ACCOUNTS = [
    ("admin", Role.ADMIN, b.PROVINCE),
    ("coordinator", Role.COORDINATOR, b.HOME_AFFAIRS),
    ("decision_maker", Role.DECISION_MAKER, b.PROVINCE),
    ("leader", Role.INSPECTOR, b.HOME_AFFAIRS),
    ("member", Role.INSPECTOR, b.JUSTICE),
    ("insider", Role.INSPECTOR, b.SCHOOL),
    ("unit_rep", Role.UNIT_REP, b.COMMUNE),
    ("viewer", Role.VIEWER, b.PROVINCE),
    ("coordinator2", Role.COORDINATOR, "org-snv-2"),
    ("inspector2", Role.INSPECTOR, "org-snv-2"),
]


@dataclass
class People:
    """Bearer headers and user ids by username."""

    headers: dict[str, dict[str, str]]
    ids: dict[str, str]


@pytest.fixture(scope="session")
def people_in_db(engine: Engine) -> dict[str, str]:
    accounts = [(username, role, org, "") for username, role, org in ACCOUNTS]
    return add_people(engine, ORGANISATIONS, accounts, PASSWORD)


@pytest.fixture(scope="session")
async def api(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
    people_in_db: dict[str, str],
) -> AsyncIterator[str]:
    settings = api_settings(tmp_path_factory.mktemp("api"), sqlite_url, task_queue, 20)
    async with serve(settings, engine, client) as url:
        yield url


@pytest.fixture(scope="session")
async def http(api: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client that reads the API's errors in English: the tests assert what a refusal names,
    which the English message spells out (Vietnamese, the default, is tested on its own)."""
    headers = {"Accept-Language": "en"}
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", timeout=60, headers=headers) as c:
        yield c


@pytest.fixture(scope="session")
async def people(http: httpx.AsyncClient, people_in_db: dict[str, str]) -> People:
    headers = {}
    for username, _, _ in ACCOUNTS:
        r = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        headers[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return People(headers=headers, ids=people_in_db)
