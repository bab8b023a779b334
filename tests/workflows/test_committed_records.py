"""Events, read model and outbox reflect only commands the workflow committed.

A dev server whose payload limit (``limit.blobSize.error``) is set below a command kiemtra
accepts makes the workflow task that carries the command fail after the workflow applied
it in memory — the projection used to run inside that task, leaving an event, a state and
a notification for a command Temporal never recorded, and taking the sequence number of
the next real command. Records are written only once the task is committed: nothing is
left behind, and after the operator restarts the server with its normal limit the next
real command is recorded in its place, with its real actor, and announced once.
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from activities.names import inspection_workflow_id
from states.models import Actor, ConcludeInput, RemediationOrder
from states.vocabulary import Role
from store.tables import Event, Inspection, Notification
from testkit import samples as b
from tests.workflows import scenarios
from tests.workflows.servers import records_database
from worker.binaries import temporal_cli
from worker.build import build_worker
from worker.devserver import pick_port
from workflows.inspection import InspectionWorkflow
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

R = TypeVar("R")
# Far below the 2 MiB default, above what the lifecycle's ordinary payloads weigh here
# (under 8 KiB), below what the oversized conclusion below weighs (about 16 KiB).
LOW_LIMIT = 12 * 1024
ACCOUNTS = [("dai_dien_xa", Role.UNIT_REP, b.COMMUNE, "")]
OTHER_CHAIR = Actor(
    user_id="u-vice-chair",
    name="Phó Chủ tịch UBND tỉnh",
    role=Role.DECISION_MAKER,
    organisation_id=b.PROVINCE,
    chain=[b.PROVINCE],
)


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Engine]:
    engine = records_database(tmp_path, ACCOUNTS)
    yield engine
    engine.dispose()


async def dev_server(db: Path, port: int, *extra: str) -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        dev_server_database_filename=str(db),
        port=port,
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=list(extra),
    )


def oversized_conclusion() -> ConcludeInput:
    """Accepted by kiemtra's bounds (well under its 128 KiB), heavier than the server's
    lowered limit."""
    # 16 KiB: a summary of 3,700 characters and four orders of 1,900.
    action = "Rà soát, sửa đổi quy chế làm việc và công khai lịch công tác tuần. " * 28
    return ConcludeInput(
        actor=b.DECISION_MAKER,
        number="210/TB-UBND",
        summary="Kết luận kiểm tra công vụ tại UBND xã An Phú. " * 80,
        orders=[RemediationOrder(finding_no=n, action=action) for n in (1, 2, 3, 4)],
    )


async def until_recovered(call: Callable[[], Awaitable[R]], timeout: float = 60) -> R:
    """Retry while the workflow's failed task is being retried (the API answers 503 then,
    and its clients retry with the same key, as this does with the same update id)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await call()
        except RPCError as error:
            if error.status is not RPCStatusCode.FAILED_PRECONDITION:
                raise
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def trail(engine: Engine, inspection_id: str) -> list[tuple[int, str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Event).where(Event.inspection_id == inspection_id).order_by(col(Event.seq))
        ).all()
        return [(e.seq, e.trigger, e.actor_id) for e in rows]


def state_of(engine: Engine, inspection_id: str) -> str:
    with Session(engine) as session:
        row = session.get(Inspection, inspection_id)
        assert row is not None
        return row.state


def announced(engine: Engine, inspection_id: str) -> int:
    with Session(engine) as session:
        rows = session.exec(
            select(Notification.id).where(
                Notification.inspection_id == inspection_id,
                Notification.kind == "conclusion_issued",
            )
        ).all()
        return len(rows)


async def test_a_command_the_server_never_recorded_leaves_nothing_behind(
    tmp_path: Path, records: Engine
) -> None:
    db, port, queue = tmp_path / "temporal.db", pick_port(), f"committed-{uuid.uuid4().hex[:6]}"
    low = [
        *("--dynamic-config-value", f"limit.blobSize.error={LOW_LIMIT}"),
        *("--dynamic-config-value", f"limit.blobSize.warn={LOW_LIMIT // 2}"),
    ]
    env = await dev_server(db, port, *low)
    try:
        async with build_worker(env.client, records, queue):
            handle = await scenarios.to_visited(env.client, queue, findings=4)
            iid = handle.id.removeprefix("inspection-")
            before = trail(records, iid)
            assert [t for _, t, _ in before][-1] == "record_visit"
            with pytest.raises((TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError)):
                await asyncio.wait_for(
                    handle.execute_update(InspectionWorkflow.conclude, oversized_conclusion()),
                    timeout=8,
                )
            # The workflow task fails, again and again: nothing is recorded meanwhile.
            await asyncio.sleep(3)
            assert trail(records, iid) == before
            assert state_of(records, iid) == "visited"
            assert announced(records, iid) == 0
    finally:
        await env.shutdown()

    # The operator restarts the server with its normal limits (the admitted update, held
    # only in the server's memory, is gone); the real conclusion goes through.
    env = await dev_server(db, port)
    try:
        client: Client = env.client
        async with build_worker(client, records, queue):
            handle = client.get_workflow_handle_for(
                InspectionWorkflow.run, inspection_workflow_id(iid)
            )
            real = ConcludeInput(actor=OTHER_CHAIR, number="211/TB-UBND")
            snapshot = await until_recovered(
                lambda: handle.execute_update(InspectionWorkflow.conclude, real, id="real")
            )
            assert snapshot.state.value == "remediation_requested"
            assert snapshot.conclusion_number == "211/TB-UBND"
            after = trail(records, iid)
            assert after == [*before, (before[-1][0] + 1, "conclude", OTHER_CHAIR.user_id)]
            assert state_of(records, iid) == "remediation_requested"
            assert announced(records, iid) == 1  # the unit's representative, in the app
    finally:
        await env.shutdown()
