"""Report queries on SQLite and PostgreSQL, over inspections projected at chosen moments:
what only time can make (a late remediation report, an overdue open item) is counted right."""

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.testing import ActivityEnvironment

from activities.records import RecordsActivities
from states import procedure
from states.models import (
    ChecklistResult,
    Command,
    ConcludeInput,
    InspectionSnapshot,
    RecordTransitionInput,
    RecordVisitInput,
    RemediationOrder,
)
from states.scope import Viewer
from states.vocabulary import CheckResult, InspectionKind, Role, Trigger
from store.db import make_engine
from store.reports import SummaryQuery, summary
from store.tables import Organisation
from tests import support as b

DUE = date(2025, 4, 30)
SYSTEM = Viewer(user_id="system", role=Role.SYSTEM)


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = make_engine(request.getfixturevalue(f"{request.param}_url"))
    yield engine
    engine.dispose()


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)  # 10:00 in Hanoi


def drive(engine: Engine, root: str, unit: str, reported_on: date | None) -> InspectionSnapshot:
    """A surprise inspection of ``unit`` (under ``root``) decided 5 March 2025 with two
    findings due 30 April, reported on ``reported_on`` (or never), projected at every step."""
    records, env = RecordsActivities(engine), ActivityEnvironment()
    inp = b.start_input(InspectionKind.SURPRISE).model_copy(
        update={"unit_id": unit, "unit_path": [root]}
    )
    snapshot, event = procedure.start(inp, at(date(2025, 3, 5)))
    env.run(records.record_transition, RecordTransitionInput(event=event, snapshot=snapshot))
    visit = RecordVisitInput(
        actor=b.LEADER,
        results=[
            ChecklistResult(criterion="WH-01", result=CheckResult.NON_COMPLIANT),
            ChecklistResult(criterion="OS-03", result=CheckResult.PARTIAL),
        ],
    )
    orders = [
        RemediationOrder(finding_no=1, due_on=DUE),
        RemediationOrder(finding_no=2, due_on=DUE, discipline_recommended=["Lê Văn C"]),
    ]
    steps: list[tuple[Trigger, Command, date]] = [
        (Trigger.FORM_TEAM, b.form_team(), date(2025, 3, 5)),
        (Trigger.START_VISIT, b.start_visit(), date(2025, 3, 6)),
        (Trigger.RECORD_VISIT, visit, date(2025, 3, 6)),
        (Trigger.CONCLUDE, ConcludeInput(actor=b.DECISION_MAKER, orders=orders), date(2025, 3, 20)),
        (Trigger.ACKNOWLEDGE, b.acknowledge(), date(2025, 3, 25)),
    ]
    if reported_on:
        steps.append((Trigger.REPORT_REMEDIATION, b.report([1, 2]), reported_on))
    for trigger, command, day in steps:
        snapshot, event = procedure.apply(snapshot, trigger, command, at(day))
        env.run(records.record_transition, RecordTransitionInput(event=event, snapshot=snapshot))
    return snapshot


def test_remediation_on_time_late_and_overdue(db_engine: Engine) -> None:
    root = f"org-{uuid.uuid4().hex[:8]}"
    units = [f"{root}-{n}" for n in range(3)]
    with Session(db_engine) as session:
        session.add(Organisation(id=root, code=root, name="Tỉnh thử", level="province"))
        session.flush()
        for unit in units:
            session.add(Organisation(id=unit, code=unit, name=unit, level="ward", parent_id=root))
        session.commit()
    on_time = drive(db_engine, root, units[0], DUE)  # the due day itself is on time
    late = drive(db_engine, root, units[1], DUE + timedelta(days=1))
    drive(db_engine, root, units[2], None)
    assert on_time.remediation[0].due_on == late.remediation[0].due_on == DUE

    with Session(db_engine) as session:
        report = summary(
            session,
            SYSTEM,
            SummaryQuery(date(2025, 1, 1), date(2025, 12, 31), date(2025, 6, 1), root),
        )
    assert report.inspections == 3
    assert report.remediation.model_dump() == {
        "items": 6,
        "on_time": 2,
        "late": 2,
        "open": 2,
        "open_overdue": 2,
        "on_time_pct": 33.3,  # 2 of the 6 that fell due
    }
    assert [(line.key, line.count) for line in report.by_level] == [("commune", 3)]
    assert [(c.key, c.count) for c in report.findings_by_criterion] == [("WH-01", 3), ("OS-03", 3)]
    assert report.discipline_people == 3
    assert {d.person for d in report.discipline} == {"Lê Văn C"}
