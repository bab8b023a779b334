"""Deadlines on the time-skipping server: working days around Tết 2027, reminders,
overdue, escalation, extensions, reports that stop reminders, calendar edits.

One workflow per test and per server (see STYLE.md); time moves only by ``env.sleep``.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from states.calendar import VN_TZ, ConfiguredDay, DayKind, build_calendar
from states.models import DecideExtensionInput, InspectionSnapshot, RequestExtensionInput
from states.vocabulary import NoticeKind, Role
from store.db import make_engine
from store.tables import Inspection, Notification, Organisation, User
from testkit import samples as b
from tests.conftest import migrated_sqlite
from tests.workflows.scenarios import Handle, start
from tests.workflows.servers import time_skipping
from worker.build import build_worker
from workflows.inspection import InspectionWorkflow

CALENDAR = build_calendar([2026, 2027, 2028])
HEAD = "u-head"  # chairperson of the inspected commune: the "head of unit" in the chain


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path))
    with Session(engine) as session:
        for oid, parent in [
            (b.PROVINCE, None),
            (b.HOME_AFFAIRS, b.PROVINCE),
            (b.JUSTICE, b.PROVINCE),
            (b.COMMUNE, b.PROVINCE),
        ]:
            session.add(
                Organisation(
                    id=oid,
                    code=oid,
                    name=oid,
                    level="commune" if oid == b.COMMUNE else "x",
                    parent_id=parent,
                )
            )
            session.commit()
        people = [b.COORDINATOR, b.DECISION_MAKER, b.LEADER, b.MEMBER, b.UNIT_REP]
        for actor in people:
            session.add(
                User(
                    id=actor.user_id,
                    username=actor.user_id,
                    password_hash="-",
                    role=actor.role.value,
                    organisation_id=actor.organisation_id,
                )
            )
        session.add(
            User(
                id=HEAD,
                username=HEAD,
                password_hash="-",
                role=Role.DECISION_MAKER.value,
                organisation_id=b.COMMUNE,
            )
        )
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    async with time_skipping() as env:
        yield env


@pytest.fixture
async def queue(env: WorkflowEnvironment, engine: Engine) -> AsyncIterator[str]:
    name = f"deadlines-{uuid.uuid4().hex[:6]}"
    async with build_worker(env.client, engine, name):
        yield name


async def sleep_until(env: WorkflowEnvironment, moment: datetime) -> None:
    now = await env.get_current_time()
    assert moment > now, f"{moment} is already past ({now})"
    await env.sleep(moment - now)


async def requested_on_friday_before_tet(env: WorkflowEnvironment, queue: str) -> Handle:
    """A remediation request (one minor finding) issued Friday 29 January 2027, 09:00."""
    await sleep_until(env, vn(2027, 1, 29, 9))
    inp = b.start_input().model_copy(update={"calendar": CALENDAR})
    handle = await start(env.client, queue, inp)
    await handle.execute_update(InspectionWorkflow.form_team, b.form_team())
    await handle.execute_update(InspectionWorkflow.send_notice, b.send_notice())
    await handle.execute_update(InspectionWorkflow.start_visit, b.start_visit())
    await handle.execute_update(InspectionWorkflow.record_visit, b.record_visit(1))
    snapshot = await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    assert snapshot.state.value == "remediation_requested"
    return handle


async def sent(handle: Handle) -> set[str]:
    return set((await handle.query(InspectionWorkflow.get_snapshot)).sent)


def notified(engine: Engine, inspection_id: str) -> set[tuple[str, str, str]]:
    """(kind, deadline key, recipient) of every in-app notification."""
    with Session(engine) as session:
        rows = session.exec(
            select(Notification).where(Notification.inspection_id == inspection_id)
        ).all()
        return {(r.kind, r.deadline, r.recipient_user_id) for r in rows if r.channel == "in_app"}


ACK = "acknowledgement:1@2027-02-19"
FIX = "remediation:1:1@2027-03-19"


async def test_tet_2027_due_dates_reminders_and_escalation(
    env: WorkflowEnvironment, queue: str, engine: Engine
) -> None:
    handle = await requested_on_friday_before_tet(env, queue)
    snapshot = await handle.query(InspectionWorkflow.get_snapshot)
    # 30 working days from Friday 29 January, skipping Tết (4–10 February 2027).
    assert snapshot.remediation[0].due_on == date(2027, 3, 19)
    assert snapshot.next_deadline == vn(2027, 2, 19, 23, 59) + timedelta(seconds=59)
    agenda = [(i.at, i.key) for i in await handle.query(InspectionWorkflow.get_agenda)]
    assert agenda == [
        (vn(2027, 2, 3, 8), f"{ACK}:reminder:7"),
        (vn(2027, 2, 16, 8), f"{ACK}:reminder:3"),
        (vn(2027, 2, 18, 8), f"{ACK}:reminder:1"),
        (vn(2027, 2, 20), f"{ACK}:overdue:0"),
        (vn(2027, 3, 10, 8), f"{FIX}:reminder:7"),
        (vn(2027, 3, 12, 8), f"{ACK}:escalation:1"),
        (vn(2027, 3, 16, 8), f"{FIX}:reminder:3"),
        (vn(2027, 3, 18, 8), f"{FIX}:reminder:1"),
        (vn(2027, 3, 20), f"{FIX}:overdue:0"),
        (vn(2027, 4, 2, 8), f"{ACK}:escalation:2"),
        (vn(2027, 4, 9, 8), f"{FIX}:escalation:1"),
        (vn(2027, 4, 26, 8), f"{ACK}:escalation:3"),
        (vn(2027, 5, 5, 8), f"{FIX}:escalation:2"),
        (vn(2027, 5, 26, 8), f"{FIX}:escalation:3"),
    ]
    iid = snapshot.inspection_id

    await sleep_until(env, vn(2027, 2, 3, 9))
    assert await sent(handle) == {f"{ACK}:reminder:7"}
    assert (NoticeKind.REMINDER.value, f"{ACK}:reminder:7", b.UNIT_REP.user_id) in notified(
        engine, iid
    )

    await sleep_until(env, vn(2027, 2, 20, 1))
    snapshot = await handle.query(InspectionWorkflow.get_snapshot)
    assert snapshot.overdue
    assert {f"{ACK}:reminder:3", f"{ACK}:reminder:1", f"{ACK}:overdue:0"} <= set(snapshot.sent)
    with Session(engine) as session:
        row = session.get(Inspection, iid)
        assert row is not None and row.overdue

    await sleep_until(env, vn(2027, 3, 12, 9))
    kinds = notified(engine, iid)
    assert (NoticeKind.ESCALATION.value, f"{ACK}:escalation:1", HEAD) in kinds
    assert (NoticeKind.REMINDER.value, f"{FIX}:reminder:7", b.UNIT_REP.user_id) in kinds

    # Acknowledged late: the acknowledgement deadline is gone, remediation reminders go on.
    await handle.execute_update(InspectionWorkflow.acknowledge, b.acknowledge())
    await sleep_until(env, vn(2027, 3, 17, 9))
    assert f"{FIX}:reminder:3" in await sent(handle)
    assert not (await handle.query(InspectionWorkflow.get_snapshot)).overdue

    # The unit reports: its reminders stop, nothing becomes overdue.
    await handle.execute_update(InspectionWorkflow.report_remediation, b.report([1]))
    await sleep_until(env, vn(2027, 3, 25, 9))
    snapshot = await handle.query(InspectionWorkflow.get_snapshot)
    assert f"{FIX}:reminder:1" not in snapshot.sent and f"{FIX}:overdue:0" not in snapshot.sent
    assert not snapshot.overdue
    assert f"{ACK}:escalation:2" not in snapshot.sent


async def test_overdue_escalation_walks_the_chain(
    env: WorkflowEnvironment, queue: str, engine: Engine
) -> None:
    handle = await requested_on_friday_before_tet(env, queue)
    iid = (await handle.query(InspectionWorkflow.get_snapshot)).inspection_id
    await sleep_until(env, vn(2027, 4, 27, 9))
    told = {
        (key, who) for kind, key, who in notified(engine, iid) if kind in ("overdue", "escalation")
    }
    assert {
        (f"{ACK}:overdue:0", b.UNIT_REP.user_id),
        (f"{ACK}:escalation:1", HEAD),
        (f"{ACK}:escalation:2", b.COORDINATOR.user_id),
        (f"{ACK}:escalation:3", b.DECISION_MAKER.user_id),
    } <= told


async def test_extension_moves_reminders_and_none_is_sent_late(
    env: WorkflowEnvironment, queue: str, engine: Engine
) -> None:
    handle = await requested_on_friday_before_tet(env, queue)
    await handle.execute_update(InspectionWorkflow.acknowledge, b.acknowledge())
    await sleep_until(env, vn(2027, 3, 11, 9))
    assert f"{FIX}:reminder:7" in await sent(handle)
    await handle.execute_update(
        InspectionWorkflow.request_extension,
        RequestExtensionInput(
            actor=b.UNIT_REP, finding_no=1, due_on=date(2027, 4, 9), reason="chờ kinh phí"
        ),
    )
    snapshot = await handle.execute_update(
        InspectionWorkflow.decide_extension,
        DecideExtensionInput(actor=b.COORDINATOR, n=1, grant=True),
    )
    assert snapshot.remediation[0].due_on == date(2027, 4, 9)
    moved = "remediation:1:1@2027-04-09"
    # The 7-day reminder of the new date (31 March) is still to come; the old ones never come.
    keys = [i.key for i in await handle.query(InspectionWorkflow.get_agenda)]
    assert keys[:3] == [f"{moved}:reminder:7", f"{moved}:reminder:3", f"{moved}:reminder:1"]
    await sleep_until(env, vn(2027, 4, 1, 9))
    after = await sent(handle)
    assert f"{moved}:reminder:7" in after
    assert not {f"{FIX}:reminder:3", f"{FIX}:reminder:1", f"{FIX}:overdue:0"} & after
    assert (NoticeKind.EXTENSION_DECIDED.value, b.UNIT_REP.user_id) in {
        (k, who) for k, _, who in notified(engine, snapshot.inspection_id)
    }


async def test_calendar_edit_reaches_a_running_workflow(
    env: WorkflowEnvironment, queue: str
) -> None:
    handle = await requested_on_friday_before_tet(env, queue)
    # The government announces 18 February 2027 off: the acknowledgement moves to Monday 22.
    edited = build_calendar(
        [2026, 2027, 2028],
        [ConfiguredDay(day=date(2027, 2, 18), kind=DayKind.DAY_OFF, note="nghỉ bù")],
    )
    await handle.signal(InspectionWorkflow.calendar_changed, edited)
    await env.sleep(timedelta(seconds=1))
    keys = [i.key for i in await handle.query(InspectionWorkflow.get_agenda)]
    assert keys[0] == "acknowledgement:1@2027-02-22:reminder:7"
    snapshot: InspectionSnapshot = await handle.query(InspectionWorkflow.get_snapshot)
    assert snapshot.next_deadline is not None
    assert snapshot.next_deadline.astimezone(VN_TZ).date() == date(2027, 2, 22)
    assert snapshot.next_deadline.tzinfo is not None and snapshot.next_deadline.astimezone(UTC)
