"""Read side at national scale: list, detail, summary and coverage latency over real HTTP.

    python -m bench.read_side [--db sqlite --db postgres] [--quick]

Fills a fresh database with ``bench.read_data`` (100,000 inspections, 1,000,000 findings,
3,321 communes by default), serves the real API with uvicorn and measures each query as a
provincial coordinator and as a commune's representative. PostgreSQL is measured when
``KIEMTRA_BENCH_POSTGRES_URL`` (or ``KIEMTRA_TEST_POSTGRES_URL``) names a server; a
database ``kiemtra_bench_read`` is created there and dropped afterwards.
"""

import argparse
import os
import random
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlmodel import Session

from api.app import create_app
from api.security import hash_password
from api.settings import ApiSettings
from bench.read_data import Dataset, generate
from states.vocabulary import Role
from store.accounts import create_user
from store.db import make_engine, refresh_statistics
from store.migrate import upgrade
from testkit.common import figure, percentiles, publish

PASSWORD = "bench-password"
TARGETS_MS = {"list": 50, "detail": 50, "report": 300}
WORK = Path(".kiemtra/bench")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(url: str) -> Iterator[str]:
    """The real API on a free port in a thread (reads need no Temporal)."""
    settings = ApiSettings(
        data_dir=WORK,
        database_url=url,
        secret_key="bench-secret-key-long-enough-for-hs256",
        access_token_minutes=240,
        signin_rate_per_minute=1_000_000,  # every account signs in from 127.0.0.1
        signin_burst=1_000_000,
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        directory = WORK / "read"
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        yield f"sqlite:///{directory / 'kiemtra.db'}"
        shutil.rmtree(directory, ignore_errors=True)
        return
    base = os.environ.get("KIEMTRA_BENCH_POSTGRES_URL") or os.environ["KIEMTRA_TEST_POSTGRES_URL"]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "kiemtra_bench_read" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "kiemtra_bench_read"'))
    try:
        yield base.rsplit("/", 1)[0] + "/kiemtra_bench_read"
    finally:
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "kiemtra_bench_read" WITH (FORCE)'))
        admin.dispose()


def _accounts(url: str, data: Dataset) -> dict[str, str]:
    """A coordinator of the first province and a representative of one of its communes."""
    engine = make_engine(url)
    hashed = hash_password(PASSWORD)
    province = data.provinces[0]
    with Session(engine) as session:
        for username, role, org in [
            ("bench-coordinator", Role.COORDINATOR, f"{province}-snv"),
            ("bench-unit", Role.UNIT_REP, data.communes[province][0]),
        ]:
            create_user(
                session, username=username, password_hash=hashed, role=role, organisation_id=org
            )
    engine.dispose()
    return {"coordinator": "bench-coordinator", "unit": "bench-unit"}


def _sample(call: Callable[[], httpx.Response], samples: int) -> dict[str, Any]:
    for _ in range(3):
        call().raise_for_status()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return percentiles(timings)


def measure(base: str, data: Dataset, users: dict[str, str], samples: int) -> dict[str, Any]:
    rng = random.Random(1)
    province = data.provinces[0]
    ids = data.inspections[province]
    with httpx.Client(base_url=base, timeout=120) as http:
        headers = {}
        for role, username in users.items():
            token = http.post("/auth/token", data={"username": username, "password": PASSWORD})
            token.raise_for_status()
            headers[role] = {"Authorization": f"Bearer {token.json()['access_token']}"}
        coordinator, unit = headers["coordinator"], headers["unit"]

        def get(path: str, who: dict[str, str], **params: Any) -> Callable[[], httpx.Response]:
            return lambda: http.get(path, params=params, headers=who)

        queries: dict[str, tuple[str, Callable[[], httpx.Response]]] = {
            "list_first_page": ("list", get("/inspections", coordinator)),
            "list_filtered": (
                "list",
                get("/inspections", coordinator, state="remediating", year=2026, kind="planned"),
            ),
            "list_overdue": ("list", get("/inspections", coordinator, overdue="true")),
            "list_unit_rep": ("list", get("/inspections", unit)),
            "detail": (
                "detail",
                lambda: http.get(f"/inspections/{rng.choice(ids)}", headers=coordinator),
            ),
            "summary_year": (
                "report",
                get("/reports/summary", coordinator, **{"from": "2026-01-01", "to": "2026-12-31"}),
            ),
            "summary_two_years": (
                "report",
                get("/reports/summary", coordinator, **{"from": "2025-01-01", "to": "2026-12-31"}),
            ),
            "coverage": (
                "report",
                get("/reports/coverage", coordinator, plan=data.plans[province]),
            ),
        }
        figures: dict[str, Any] = {}
        met = {}
        for name, (family, call) in queries.items():
            figures[name] = _sample(call, samples)
            met[name] = figures[name]["p95"]["value"] <= TARGETS_MS[family]
    return {"figures": figures, "meets_target": met}


def run(kind: str, sizes: dict[str, int], samples: int) -> dict[str, Any]:
    with database(kind) as url:
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        data = generate(engine, **sizes)
        generated = time.perf_counter() - started
        refresh_statistics(engine)  # as the daily digest does
        engine.dispose()
        users = _accounts(url, data)
        with serve(url) as base:
            measured = measure(base, data, users, samples)
    measured["figures"]["generation"] = figure(generated, "s")
    return {
        "name": f"read_side_{kind}",
        "parameters": {**sizes, "samples": samples, "rows": data.counts},
        "targets_ms_p95": TARGETS_MS,
        **measured,
    }


def databases(asked: list[str] | None) -> list[str]:
    """The databases asked for, or SQLite and, when a server is named, PostgreSQL."""
    postgres = os.environ.get("KIEMTRA_BENCH_POSTGRES_URL") or os.environ.get(
        "KIEMTRA_TEST_POSTGRES_URL"
    )
    return asked or ["sqlite"] + (["postgres"] if postgres else [])


def sizes_of(quick: bool) -> dict[str, int]:
    """The national data set, or a tenth of it."""
    if quick:
        return {"inspections": 10_000, "findings": 100_000, "communes": 3_321}
    return {"inspections": 100_000, "findings": 1_000_000, "communes": 3_321}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--quick", action="store_true", help="10,000 inspections, 100,000 findings")
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args(argv)
    results = [run(kind, sizes_of(args.quick), args.samples) for kind in databases(args.db)]
    publish(results)


if __name__ == "__main__":
    main()
