"""Web pages at national scale: server time of the work page, the inspections list and the
inspection page, and what the inspection page weighs.

    python -m bench.pages [--db sqlite --db postgres] [--quick] [--samples 40]

Fills a fresh database with ``bench.read_data`` (100,000 inspections, 1,000,000 findings,
3,321 communes; ``--quick``: 10,000 and 100,000) and the accounts of ``bench.read_side`` (a
provincial coordinator, a commune's representative), serves the real application with
uvicorn and asks for each page as the coordinator, signed in through the sign-in form with
a cookie jar, as a browser is. Server time is taken around the application by an ASGI
wrapper in this process (from the request's arrival to the last byte of the answer); the
round trip adds the client and HTTP. The inspection page's weight is its HTML and the
stylesheets and scripts it links, uncompressed. PostgreSQL is measured too when
``KIEMTRA_BENCH_POSTGRES_URL`` (or ``KIEMTRA_TEST_POSTGRES_URL``) names a server.
"""

import argparse
import gc
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.app import create_app
from api.settings import ApiSettings
from bench.read_data import Dataset, generate
from bench.read_side import (
    PASSWORD,
    WORK,
    _accounts,
    _free_port,
    database,
    databases,
    sizes_of,
)
from store.db import make_engine, refresh_statistics
from store.migrate import upgrade
from store.tables import Inspection
from testkit.common import figure, percentiles, publish

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSETS = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


class ServerTime:
    """Times each HTTP request inside the server: from its arrival at the application to
    the answer's last byte handed to the server (work after the answer is not counted)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.times: list[float] = []
        self.done = threading.Condition()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                with self.done:
                    self.times.append((time.perf_counter() - started) * 1000)
                    self.done.notify_all()

        await self.app(scope, receive, timed_send)

    def after(self, count: int) -> float:
        """The server time of request number ``count`` (waits for its last byte)."""
        with self.done:
            self.done.wait_for(lambda: len(self.times) > count, timeout=30)
            return self.times[count]


@contextmanager
def serve(url: str) -> Iterator[tuple[str, ServerTime]]:
    """The real application (pages and API) on a free port in a thread, timed."""
    settings = ApiSettings(
        data_dir=WORK,
        database_url=url,
        secret_key="bench-secret-key-long-enough-for-hs256",
        access_token_minutes=240,
        signin_rate_per_minute=1_000_000,
        signin_burst=1_000_000,
    )
    timed = ServerTime(create_app(settings))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(timed, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", timed
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def sign_in(http: httpx.Client, username: str) -> None:
    """Through the sign-in form, as a browser: the page's CSRF token, then the post."""
    page = http.get("/sign-in")
    token = CSRF.search(page.text)
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    answer = http.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "next": "/", "csrf_token": token[1]},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"signing in as {username}: {answer.status_code}")


def _sample(
    http: httpx.Client, timed: ServerTime, path: Callable[[], str], samples: int
) -> dict[str, Any]:
    server, trip = [], []
    for n in range(3 + samples):
        before = len(timed.times)
        started = time.perf_counter()
        answer = http.get(path())
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.request.url.path}: {answer.status_code}")
        if n >= 3:  # three warm-up requests first
            server.append(timed.after(before))
            trip.append(elapsed)
    return {"server": percentiles(server), "round_trip": percentiles(trip)}


def weight(http: httpx.Client, path: str) -> dict[str, Any]:
    """Bytes of the page's HTML and of the stylesheets and scripts it links, uncompressed."""
    identity = {"Accept-Encoding": "identity"}
    html = http.get(path, headers=identity)
    html.raise_for_status()
    sizes = {"html": len(html.content), "css": 0, "js": 0}
    for asset in dict.fromkeys(ASSETS.findall(html.text)):
        answer = http.get(asset, headers=identity)
        answer.raise_for_status()
        kind = "css" if asset.split("?")[0].endswith(".css") else "js"
        sizes[kind] += len(answer.content)
    total = sum(sizes.values())
    return {name: figure(n, "B") for name, n in {**sizes, "total": total}.items()}


def open_to_all(engine: Engine, data: Dataset) -> list[str]:
    """The first province's inspections that are not secret (the coordinator here is not of
    the deciding office, so a surprise visit not yet made is the 404 page to them)."""
    ids = set(data.inspections[data.provinces[0]])
    with Session(engine) as session:
        rows = session.exec(select(Inspection.id).where(col(Inspection.secret).is_(False)))
        return sorted(ids.intersection(rows.all()))


def measure(base: str, timed: ServerTime, ids: list[str], samples: int) -> dict[str, Any]:
    rng = random.Random(1)
    with httpx.Client(base_url=base, timeout=120) as http:
        sign_in(http, "bench-coordinator")
        figures = {
            "work_page": _sample(http, timed, lambda: "/work", samples),
            "inspections_list": _sample(http, timed, lambda: "/inspections", samples),
            "inspection_page": _sample(
                http, timed, lambda: f"/inspections/{rng.choice(ids)}", samples
            ),
        }
        figures["inspection_page_bytes"] = weight(http, f"/inspections/{ids[0]}")
    return figures


def run(kind: str, sizes: dict[str, int], samples: int) -> dict[str, Any]:
    with database(kind) as url:
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        data = generate(engine, **sizes)
        generated = time.perf_counter() - started
        refresh_statistics(engine)  # as the daily digest does
        ids = open_to_all(engine, data)
        engine.dispose()
        _accounts(url, data)
        # The generator's million objects stay alive in this process (a server has none of
        # them): out of the collector's way, or every full collection walks them mid-request.
        gc.collect()
        gc.freeze()
        with serve(url) as (base, timed):
            figures = measure(base, timed, ids, samples)
    figures["generation"] = figure(generated, "s")
    return {
        "name": f"pages_{kind}",
        "parameters": {**sizes, "samples": samples, "rows": data.counts, "as": "coordinator"},
        "figures": figures,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--quick", action="store_true", help="10,000 inspections, 100,000 findings, 20 samples"
    )
    parser.add_argument("--samples", type=int, help="requests per page (default 40, quick 20)")
    args = parser.parse_args(argv)
    samples = args.samples or (20 if args.quick else 40)
    publish([run(kind, sizes_of(args.quick), samples) for kind in databases(args.db)])


if __name__ == "__main__":
    main()
