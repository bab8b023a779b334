"""The HTTP edge over real HTTP: body limit, nosniff, the client's address, the sign-in limit."""

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from api.app import API_PREFIX
from store.tables import SecurityLog
from testkit import samples as b
from tests.api.conftest import PASSWORD, People, api_settings, serve
from tests.api.test_errors_api import assert_error

MIB = 1024 * 1024


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/self/status")


@contextmanager
def peak_growth() -> Iterator[list[int]]:
    """How far this process's resident memory rose above its start, at the highest point.

    The served app runs in this process. The peak, not the end: a body read in full and
    freed again would leave the end looking innocent.
    """
    Path("/proc/self/clear_refs").write_text("5")  # restart the high-water mark (Linux)
    before = _status_kib("VmRSS")
    grown: list[int] = []
    yield grown
    grown.append(_status_kib("VmHWM") - before)


async def body(total: int, piece: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A request body made piece by piece: the test never holds it."""
    chunk = b"x" * piece
    for _ in range(total // piece):
        yield chunk


@asynccontextmanager
async def served(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
    **overrides: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with some settings changed, on its own port (same database and worker)."""
    base = api_settings(tmp_path_factory.mktemp("edge"), sqlite_url, task_queue, 20)
    settings = base.model_copy(update=overrides)
    async with (
        serve(settings, engine, client) as url,
        httpx.AsyncClient(base_url=f"{url}{API_PREFIX}", timeout=60) as http,
    ):
        yield http


async def test_a_huge_declared_body_is_refused_before_it_is_read(
    http: httpx.AsyncClient,
) -> None:
    started = time.monotonic()
    with peak_growth() as grown:
        r = await http.post(
            "/inspections",
            content=body(100 * MIB),
            headers={"Content-Length": str(100 * MIB), "Content-Type": "application/json"},
        )
    # 413, not 401: refused on the header, before authentication and before the body.
    error = assert_error(r, 413, "payload_too_large")
    assert error["detail"] == {"max_bytes": MIB}
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert time.monotonic() - started < 30
    assert grown[0] < 40 * MIB, grown
    # The connection survives (the rest of the body was discarded, not held) and serves on.
    assert (await http.get("/healthz")).status_code == 200


async def test_a_chunked_body_is_cut_off_past_the_limit(http: httpx.AsyncClient) -> None:
    with peak_growth() as grown:
        r = await http.post(
            "/inspections", content=body(64 * MIB), headers={"Content-Type": "application/json"}
        )
    assert "content-length" not in r.request.headers  # sent chunked: no length to refuse on
    assert_error(r, 413, "payload_too_large")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert grown[0] < 40 * MIB, grown


async def test_bodies_within_the_limit_still_work(http: httpx.AsyncClient, people: People) -> None:
    # Just under the limit, sent chunked: read in full and judged by the schema (title ≤ 500).
    padding = "x" * (MIB - 200)
    payload = f'{{"kind": "planned", "unit_id": "{b.COMMUNE}", "title": "{padding}"}}'.encode()

    async def chunked() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 50_000):
            yield payload[i : i + 50_000]

    r = await http.post(
        "/inspections",
        content=chunked(),
        headers=people.headers["coordinator"] | {"Content-Type": "application/json"},
    )
    assert_error(r, 422, "invalid_payload")
    r = await http.post("/auth/token", data={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 200, r.text
    r = await http.post(
        "/inspections",
        json={"kind": "planned", "unit_id": b.COMMUNE, "title": "Kiểm tra công vụ"},
        headers=people.headers["coordinator"],
    )
    assert r.status_code == 201, r.text


async def test_the_limit_is_a_setting(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
) -> None:
    async with served(
        tmp_path_factory, sqlite_url, engine, client, task_queue, max_body_bytes=100
    ) as http:
        r = await http.post("/auth/token", data={"username": "viewer", "password": "x" * 100})
        error = assert_error(r, 413, "payload_too_large")
        assert error["detail"] == {"max_bytes": 100}
        r = await http.post("/auth/token", data={"username": "viewer", "password": PASSWORD})
        assert r.status_code == 200, r.text


async def test_every_answer_says_nosniff(api: str, people: People) -> None:
    async with httpx.AsyncClient(base_url=api) as c:
        answers = [
            await c.get("/healthz"),
            await c.get("/docs"),
            await c.get("/openapi.json"),
            await c.get(f"{API_PREFIX}/procedure", headers=people.headers["viewer"]),
            await c.get(f"{API_PREFIX}/me"),  # 401
            await c.get(f"{API_PREFIX}/users", headers=people.headers["viewer"]),  # 403
            await c.get(f"{API_PREFIX}/inspections/nope", headers=people.headers["viewer"]),
            await c.get("/nowhere"),  # 404 from the router
            await c.delete(f"{API_PREFIX}/procedure", headers=people.headers["viewer"]),  # 405
            await c.post(f"{API_PREFIX}/auth/token", data={}),  # 422
        ]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 401, 403, 404, 404, 405, 422]
    assert all(r.headers.get("X-Content-Type-Options") == "nosniff" for r in answers)


def random_ip() -> str:
    """An address of the benchmarking range, unique enough to find this test's rows."""
    n = uuid.uuid4().int
    return f"198.{18 + n % 2}.{n // 2 % 256}.{n // 512 % 254 + 1}"


def logged_sources(engine: Engine, request_id: str) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(select(SecurityLog).where(SecurityLog.request_id == request_id))
        return [row.source_ip for row in rows]


async def addresses_seen(
    http: httpx.AsyncClient, people: People, engine: Engine, forwarded_for: str
) -> tuple[list[str], str]:
    """Where a refusal (security log) and a command (its event) say the caller was."""
    marker = uuid.uuid4().hex
    headers = {"X-Forwarded-For": forwarded_for, "X-Request-ID": marker}
    assert_error(await http.get("/me", headers=headers), 401, "unauthorized")
    r = await http.post(
        "/inspections",
        json={"kind": "planned", "unit_id": b.COMMUNE, "title": "Kiểm tra công vụ"},
        headers=people.headers["coordinator"] | headers,
    )
    assert r.status_code == 201, r.text
    events = await http.get(
        f"/inspections/{r.json()['inspection_id']}/events", headers=people.headers["viewer"]
    )
    return logged_sources(engine, marker), events.json()["data"][0]["source_ip"]


async def test_an_untrusted_client_cannot_choose_its_address(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    logged, event = await addresses_seen(http, people, engine, random_ip())
    assert (logged, event) == (["127.0.0.1"], "127.0.0.1")


async def test_a_trusted_proxy_names_the_client(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
    people: People,
) -> None:
    trusted = (ip_network("127.0.0.1"), ip_network("10.0.0.0/8"))
    async with served(
        tmp_path_factory, sqlite_url, engine, client, task_queue, trusted_proxies=trusted
    ) as http:
        client_ip = random_ip()
        logged, event = await addresses_seen(http, people, engine, client_ip)
        assert (logged, event) == ([client_ip], client_ip)
        # Left of the right-most untrusted address is what the client wrote itself; trusted
        # proxies right of it are passed over.
        chain = f"203.0.113.66, {client_ip}, 10.1.2.3"
        logged, event = await addresses_seen(http, people, engine, chain)
        assert (logged, event) == ([client_ip], client_ip)


async def test_sign_ins_are_limited_per_address(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
) -> None:
    async with served(
        tmp_path_factory,
        sqlite_url,
        engine,
        client,
        task_queue,
        signin_rate_per_minute=1,
        signin_burst=3,
        # Behind a trusted proxy, so that one test can speak from several addresses.
        trusted_proxies=(ip_network("127.0.0.1"),),
    ) as http:
        busy, other = random_ip(), random_ip()

        async def sign_in(address: str) -> httpx.Response:
            form = {"username": "viewer", "password": PASSWORD}
            return await http.post("/auth/token", data=form, headers={"X-Forwarded-For": address})

        for _ in range(3):  # the burst
            assert (await sign_in(busy)).status_code == 200
        for _ in range(3):
            r = await sign_in(busy)
            error = assert_error(r, 429, "too_many_requests")
            assert 0 < int(r.headers["Retry-After"]) <= 60
            assert error["detail"] == {"retry_after": int(r.headers["Retry-After"])}
        assert (await sign_in(other)).status_code == 200
    with Session(engine) as session:
        rows = session.exec(select(SecurityLog).where(SecurityLog.source_ip == busy)).all()
    # One row for the flood, not one per refused request.
    assert [(row.status, row.error, row.reason) for row in rows] == [
        (429, "too_many_requests", "signin_rate")
    ]
