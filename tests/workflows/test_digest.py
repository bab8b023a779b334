"""The daily digest on the dev server: its schedule fires it, it tells each coordinator what
is due within 3 working days and what is overdue, and it repairs a stale read model."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client, ScheduleActionExecutionStartWorkflow

from states import procedure
from states.calendar import VN_TZ, local_date
from states.models import DigestInput
from states.vocabulary import InspectionState, Role
from store.db import make_engine
from store.projection import project
from store.tables import Inspection, Notification, Organisation, User
from testkit import samples as b
from tests.conftest import migrated_sqlite
from tests.workflows.scenarios import to_visited
from worker.build import build_worker
from worker.schedules import DIGEST_SCHEDULE_ID, ensure_digest_schedule
from workflows.digest import DigestWorkflow
from workflows.inspection import InspectionWorkflow

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path))
    with Session(engine) as session:
        session.add(Organisation(id=b.PROVINCE, code="P", name="P", level="province"))
        session.commit()
        for uid, role in (
            ("c-lan", Role.COORDINATOR),
            ("c-minh", Role.COORDINATOR),
            (b.COORDINATOR.user_id, Role.COORDINATOR),
        ):
            session.add(
                User(
                    id=uid,
                    username=uid,
                    password_hash="-",
                    role=role.value,
                    organisation_id=b.PROVINCE,
                )
            )
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
async def queue(client: Client, engine: Engine) -> AsyncIterator[str]:
    name = f"digest-{uuid.uuid4().hex[:6]}"
    async with build_worker(client, engine, name):
        yield name


def put(engine: Engine, coordinator: str, due: date | None, overdue: bool = False) -> str:
    """A read-model row as the workflow would project it, due on ``due``."""
    inp = b.start_input().model_copy(
        update={"actor": b.COORDINATOR.model_copy(update={"user_id": coordinator})}
    )
    snapshot, event = procedure.start(inp, datetime(2026, 11, 2, tzinfo=UTC))
    if due is not None:
        snapshot.next_deadline = datetime.combine(due, datetime.max.time(), VN_TZ).replace(
            microsecond=0
        )
    snapshot.overdue = overdue
    project(engine, snapshot, [event])
    return snapshot.inspection_id


def digest_rows(engine: Engine) -> dict[str, Notification]:
    with Session(engine) as session:
        rows = session.exec(select(Notification).where(Notification.kind == "digest")).all()
        return {r.recipient_user_id: r for r in rows if r.channel == "in_app"}


async def test_digest_tells_each_coordinator_what_is_due_and_overdue(
    client: Client, queue: str, engine: Engine
) -> None:
    soon = put(engine, "c-lan", date(2026, 12, 4))  # Friday: within 3 working days
    later = put(engine, "c-lan", date(2026, 12, 10))
    late = put(engine, "c-minh", date(2026, 11, 20), overdue=True)
    result = await client.execute_workflow(
        DigestWorkflow.run,
        DigestInput(on=TODAY),
        id=f"digest-{uuid.uuid4().hex[:6]}",
        task_queue=queue,
    )
    assert (result.working, result.digests) == (True, 2)
    rows = digest_rows(engine)
    assert set(rows) == {"c-lan", "c-minh"}
    assert [i["inspection_id"] for i in rows["c-lan"].payload["due"]] == [soon]
    assert later not in str(rows["c-lan"].payload)
    assert [i["inspection_id"] for i in rows["c-minh"].payload["overdue"]] == [late]
    assert rows["c-lan"].deadline == "digest:2026-12-01"
    again = await client.execute_workflow(
        DigestWorkflow.run,
        DigestInput(on=TODAY),
        id=f"digest-{uuid.uuid4().hex[:6]}",
        task_queue=queue,
    )
    assert again.digests == 2 and len(digest_rows(engine)) == 2  # one message a day, not two


async def test_no_digest_on_a_holiday(client: Client, queue: str, engine: Engine) -> None:
    put(engine, "c-lan", date(2027, 1, 1), overdue=True)
    result = await client.execute_workflow(
        DigestWorkflow.run,
        DigestInput(on=date(2027, 1, 1)),
        id=f"digest-{uuid.uuid4().hex[:6]}",
        task_queue=queue,
    )
    assert (result.working, result.digests) == (False, 0)
    assert digest_rows(engine) == {}


async def test_reconcile_repairs_a_stale_read_model(
    client: Client, queue: str, engine: Engine
) -> None:
    handle = await to_visited(client, queue, findings=0)
    live = await handle.query(InspectionWorkflow.get_snapshot)
    with Session(engine) as session:  # a projection that never landed: the row lags behind
        row = session.get(Inspection, live.inspection_id)
        assert row is not None
        row.state, row.seq = InspectionState.ON_SITE.value, live.seq - 1
        session.add(row)
        session.commit()
    result = await client.execute_workflow(
        DigestWorkflow.run,
        DigestInput(on=TODAY),
        id=f"digest-{uuid.uuid4().hex[:6]}",
        task_queue=queue,
    )
    assert result.reconciled >= 1
    with Session(engine) as session:
        row = session.get(Inspection, live.inspection_id)
        assert row is not None and (row.state, row.seq) == ("visited", live.seq)


async def test_the_schedule_starts_the_digest(client: Client, queue: str) -> None:
    assert await ensure_digest_schedule(client, queue)
    assert not await ensure_digest_schedule(client, queue)  # idempotent: created once
    schedule = client.get_schedule_handle(DIGEST_SCHEDULE_ID)
    try:
        described = await schedule.describe()
        spec = described.schedule.spec
        assert spec.time_zone_name == "Asia/Ho_Chi_Minh"
        assert spec.calendars or spec.cron_expressions  # the server turns cron into calendars
        await schedule.trigger()
        for _ in range(100):
            actions = (await schedule.describe()).info.recent_actions
            if actions:
                break
            await asyncio.sleep(0.1)
        started = actions[0].action
        assert isinstance(started, ScheduleActionExecutionStartWorkflow)
        result = await client.get_workflow_handle_for(
            DigestWorkflow.run, started.workflow_id
        ).result()
        assert result.on == local_date(datetime.now(UTC)) or result.on == local_date(
            datetime.now(UTC) - timedelta(hours=1)
        )
    finally:
        await schedule.delete()
