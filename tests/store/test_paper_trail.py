"""An inspection's documents enter the register with the records of their steps: once,
however often a step is recorded and by whichever writer comes first; a typed number
someone else took meanwhile gets the next one; an overdue item leaves a reminder letter."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from activities.records import RecordsActivities
from states import deadlines, procedure
from states.calendar import WorkingCalendar
from states.models import Command, InspectionSnapshot, RecordInput, TransitionEvent
from states.vocabulary import NoticeKind, Trigger
from store import register
from store.db import make_engine
from store.projection import project
from store.tables import Organisation
from testkit import samples as b

T = Trigger
T0 = datetime(2027, 3, 1, 2, tzinfo=UTC)  # a Monday morning in Hanoi


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, engine: Engine) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield engine
        return
    pg = make_engine(request.getfixturevalue("postgres_url"))
    yield pg
    pg.dispose()


def issuer_and_unit(db: Engine) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8]
    issuer, unit = f"org-pt-{suffix}", f"org-pt-unit-{suffix}"
    with Session(db) as s:
        s.add(Organisation(id=issuer, code=f"PT{suffix}", name="UBND tỉnh Giấy", level="province"))
        s.commit()
        s.add(
            Organisation(
                id=unit, code=f"X{suffix}", name="UBND xã", parent_id=issuer, level="commune"
            )
        )
        s.commit()
    return issuer, unit


def lifecycle(issuer: str, unit: str) -> list[tuple[InspectionSnapshot, TransitionEvent]]:
    """Decision … conclusion, the notice's number typed as on its paper."""
    start = b.start_input()
    inp = start.model_copy(
        update={
            "inspection_id": uuid.uuid4().hex,
            "unit_id": unit,
            "unit_path": [issuer],
            "decision": start.decision.model_copy(update={"issuer_id": issuer, "number": ""}),
            "findings_report_step": True,
        }
    )
    s, event = procedure.start(inp, T0)
    steps = [(s, event)]
    commands: list[tuple[Trigger, Command]] = [
        (T.FORM_TEAM, b.form_team()),
        (T.SEND_NOTICE, b.send_notice().model_copy(update={"number": "7/TB-GIAY"})),
        (T.START_VISIT, b.start_visit()),
        (T.RECORD_VISIT, b.record_visit(1)),
        (T.REPORT_FINDINGS, b.report_findings()),
        (T.CONCLUDE, b.conclude().model_copy(update={"number": ""})),
    ]
    for n, (trigger, cmd) in enumerate(commands, start=1):
        s, event = procedure.apply(s, trigger, cmd, T0 + timedelta(hours=n))
        steps.append((s, event))
    return steps


def test_each_step_is_numbered_once_whoever_records_it(db: Engine) -> None:
    issuer, unit = issuer_and_unit(db)
    steps = lifecycle(issuer, unit)
    for snapshot, event in steps:
        project(db, snapshot, [event])
        project(db, snapshot, [event])  # the workflow's record after the caller's
    with Session(db) as session:
        docs = register.of_inspection(session, steps[0][0].inspection_id)
    assert [(d.type, d.number) for d in docs] == [
        ("QĐ", 1),
        ("TB", 7),  # typed, as on its paper
        ("BB", 1),
        ("BC", 1),
        ("TB", 8),  # the register goes on after the typed number
    ]
    assert docs[1].symbol == "7/TB-GIAY" and docs[1].entered
    assert all(d.signed_on is not None and d.signed_on.year == 2027 for d in docs)


def test_a_typed_number_taken_meanwhile_gets_the_next_one(db: Engine) -> None:
    issuer, unit = issuer_and_unit(db)
    first, second = lifecycle(issuer, unit), lifecycle(issuer, unit)
    for snapshot, event in first[:3]:
        project(db, snapshot, [event])
    # The second inspection's notice typed the same paper number (both passed the check).
    for snapshot, event in second[:3]:
        project(db, snapshot, [event])
    with Session(db) as session:
        notices = [
            next(
                d
                for d in register.of_inspection(session, steps[0][0].inspection_id)
                if d.type == "TB"
            )
            for steps in (first, second)
        ]
    assert notices[0].symbol == "7/TB-GIAY"
    assert notices[1].number == 8 and not notices[1].entered


def test_an_overdue_item_sends_its_unit_a_reminder_letter_once(db: Engine) -> None:
    issuer, unit = issuer_and_unit(db)
    steps = lifecycle(issuer, unit)
    for snapshot, event in steps:
        project(db, snapshot, [event])
    concluded = steps[-1][0]
    item = concluded.remediation[0]
    late = datetime.combine(item.due_on + timedelta(days=2), datetime.min.time(), UTC)
    send, _ = deadlines.due_now(concluded, WorkingCalendar(), late)
    overdue = [
        deadlines.item_notification(concluded, i, late)
        for i in send
        if i.action is NoticeKind.OVERDUE and i.deadline.kind is deadlines.DeadlineKind.REMEDIATION
    ]
    assert overdue
    records = RecordsActivities(db)
    snapshot = concluded.model_copy(update={"updated_at": late})
    for _ in range(2):  # a retried activity
        records.record(RecordInput(snapshot=snapshot, notices=overdue))
    with Session(db) as session:
        letters = [
            d for d in register.of_inspection(session, concluded.inspection_id) if d.type == "CV"
        ]
    assert len(letters) == 1
    assert letters[0].issuer_id == issuer and letters[0].symbol.startswith("1/")
