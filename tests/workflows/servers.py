"""Temporal servers and databases the workflow tests start for themselves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import Engine
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from store.db import make_engine
from testkit import samples as b
from testkit.people import AccountRow, add_people
from tests.conftest import migrated_sqlite
from worker.binaries import temporal_test_server
from worker.search_attributes import register_search_attributes


@asynccontextmanager
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server with kiemtra's search attributes: time moves only by
    ``env.sleep`` (or while a test waits on a workflow's result)."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(), data_converter=pydantic_data_converter
    )
    try:
        await register_search_attributes(env.client)
        yield env
    finally:
        await env.shutdown()


def records_database(directory: Path, accounts: list[AccountRow]) -> Engine:
    """A migrated SQLite file in ``directory`` with support's organisations and ``accounts``."""
    engine = make_engine(migrated_sqlite(directory))
    add_people(engine, b.ORGANISATION_ROWS, accounts, "mat-khau-dai-du")
    return engine
