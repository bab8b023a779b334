"""Two writers of one command's records: the caller that sent it and the workflow.

kiemtra's own callers (the API, the seeder) write a committed command's event and the
read model themselves once the update has answered; the workflow writes whatever it has
not written within ``CATCH_UP``, and always before its run ends. Either may come first,
either may be missing: the trail holds each event once, with what the command said, and
the read model ends at the latest snapshot.
"""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.names import inspection_workflow_id
from api.commands import Commander
from states.models import CancelInput
from states.vocabulary import InspectionState, Role, Trigger
from store.tables import Event, Inspection
from testkit import samples as b
from tests.workflows.scenarios import start
from tests.workflows.servers import records_database, time_skipping
from worker.build import build_worker
from workflows.inspection import CATCH_UP, InspectionWorkflow

ACCOUNTS = [("dai_dien_xa", Role.UNIT_REP, b.COMMUNE, "")]


def trail(engine: Engine, inspection_id: str) -> list[tuple[int, str, str, dict[str, object]]]:
    """(seq, trigger, actor, payload) of every recorded event, in order."""
    with Session(engine) as session:
        rows = session.exec(
            select(Event).where(Event.inspection_id == inspection_id).order_by(col(Event.seq))
        ).all()
        return [(r.seq, r.trigger, r.actor_id, dict(r.payload)) for r in rows]


def state_of(engine: Engine, inspection_id: str) -> str | None:
    with Session(engine) as session:
        row = session.get(Inspection, inspection_id)
        return None if row is None else row.state


async def eventually(check: object, seconds: float = 15.0) -> None:
    """Poll ``check`` (a callable answering bool) in real time: activities run in real time
    even when the server skips time."""
    assert callable(check)
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not recorded in time"
        await asyncio.sleep(0.1)


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Engine]:
    engine = records_database(tmp_path, ACCOUNTS)
    yield engine
    engine.dispose()


@pytest.fixture
async def skipping() -> AsyncIterator[WorkflowEnvironment]:
    async with time_skipping() as env:
        yield env


async def test_the_workflow_records_what_its_caller_never_did(
    skipping: WorkflowEnvironment, records: Engine
) -> None:
    """A caller killed between the answer and its write: the decision and the team appear
    once ``CATCH_UP`` has passed, and the cancellation before the run ends."""
    queue = f"catch-up-{uuid.uuid4().hex[:6]}"
    async with build_worker(skipping.client, records, queue):
        inp = b.start_input().model_copy(update={"caller_records": True})
        sid = inp.inspection_id
        handle = await start(skipping.client, queue, inp)
        team = b.form_team().model_copy(update={"caller_records": True})
        snapshot = await handle.execute_update(InspectionWorkflow.form_team, team)
        assert snapshot.state is InspectionState.TEAM_FORMED
        assert trail(records, sid) == []  # nobody has written yet: the caller said it would

        await skipping.sleep(CATCH_UP + CATCH_UP / 10)
        await eventually(lambda: len(trail(records, sid)) == 2)
        events = trail(records, sid)
        assert [(seq, trigger, actor) for seq, trigger, actor, _ in events] == [
            (1, "decide", b.COORDINATOR.user_id),
            (2, "form_team", b.COORDINATOR.user_id),
        ]
        # What the command said, never how its record was to be written.
        assert all("caller_records" not in payload for *_, payload in events)
        assert events[1][3]["members"][0]["user_id"] == b.TEAM[0].user_id
        assert state_of(records, sid) == "team_formed"

        cancel = CancelInput(actor=b.COORDINATOR, reason="sai đối tượng", caller_records=True)
        await handle.execute_update(InspectionWorkflow.cancel, cancel)
        final = await handle.result()  # the run ends only once everything is recorded
        assert final.state is InspectionState.CANCELLED
        assert [e[1] for e in trail(records, sid)] == ["decide", "form_team", "cancel"]
        assert state_of(records, sid) == "cancelled"


async def test_caller_and_workflow_both_writing_leave_each_event_once(
    client: Client, task_queue: str, engine: Engine
) -> None:
    """The API's path: the caller writes before it answers (read-your-writes), the
    workflow writes the same events again when the run ends; the trail holds each once."""
    commander = Commander(client, task_queue, timeout=20, engine=engine)
    inp = b.start_input()
    sid = inp.inspection_id
    decided = await commander.start(None, inp)
    assert trail(engine, sid)[0][:3] == (1, "decide", b.COORDINATOR.user_id)
    assert state_of(engine, sid) == "decided"

    formed = await commander.fire(None, sid, Trigger.FORM_TEAM, b.form_team(), None, decided)
    # Written by the caller before it answered: no waiting for the workflow.
    assert [e[1] for e in trail(engine, sid)] == ["decide", "form_team"]
    assert state_of(engine, sid) == "team_formed"

    cancel = CancelInput(actor=b.COORDINATOR, reason="trùng kế hoạch")
    await commander.fire(None, sid, Trigger.CANCEL, cancel, None, formed)
    handle = client.get_workflow_handle_for(InspectionWorkflow.run, inspection_workflow_id(sid))
    await handle.result()  # the workflow's own write of the three events has run too
    events = trail(engine, sid)
    assert [(seq, trigger) for seq, trigger, *_ in events] == [
        (1, "decide"),
        (2, "form_team"),
        (3, "cancel"),
    ]
    assert events[2][3] == {"reason": "trùng kế hoạch", "signed_on": None}
    assert state_of(engine, sid) == "cancelled"
