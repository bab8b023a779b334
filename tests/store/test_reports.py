"""Report queries on SQLite and PostgreSQL, over inspections projected at chosen moments:
what only time can make (a late remediation report, an overdue open item) is counted right."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command as alembic
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select
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
from store.migrate import alembic_config, upgrade
from store.queries import snapshot_of
from store.reports import SummaryQuery, summary
from store.tables import (
    DisciplineRecord,
    Inspection,
    InspectionScope,
    Organisation,
    RemediationRecord,
)
from testkit import samples as b

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
            SummaryQuery(date(2025, 1, 1), date(2025, 12, 31), date(2025, 6, 1), root, "", (root,)),
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


def read_side(engine: Engine, ids: list[str]) -> dict[str, Any]:
    """Everything 0006 moved or derived, for the inspections ``ids``."""
    with Session(engine) as session:
        return {
            "snapshots": [snapshot_of(session, i) for i in ids],
            "scope": sorted(
                (r.organisation_id, r.inspection_id)
                for r in session.exec(
                    select(InspectionScope).where(col(InspectionScope.inspection_id).in_(ids))
                )
            ),
            "visited": [getattr(session.get(Inspection, i), "visited_at", None) for i in ids],
            "reported_on": sorted(
                (r.inspection_id, r.finding_no, r.reported_on)
                for r in session.exec(
                    select(RemediationRecord).where(col(RemediationRecord.inspection_id).in_(ids))
                )
            ),
            "discipline": sorted(
                (r.inspection_id, r.finding_no, r.person)
                for r in session.exec(
                    select(DisciplineRecord).where(col(DisciplineRecord.inspection_id).in_(ids))
                )
            ),
        }


def test_migration_0006_moves_and_derives_existing_rows(
    request: pytest.FixtureRequest, db_engine: Engine
) -> None:
    """Down to 0005 (snapshot back in the inspection row) and up again: nothing is lost."""
    root = f"org-{uuid.uuid4().hex[:8]}"
    with Session(db_engine) as session:
        session.add(Organisation(id=root, code=root, name="Tỉnh thử", level="province"))
        session.commit()
    ids = [
        drive(db_engine, root, f"{root}-a", DUE).inspection_id,
        drive(db_engine, root, f"{root}-b", None).inspection_id,
    ]
    before = read_side(db_engine, ids)
    assert before["discipline"] and DUE in {on for _, _, on in before["reported_on"]}
    url = db_engine.url.render_as_string(hide_password=False)
    alembic.downgrade(alembic_config(url), "0005")
    with db_engine.connect() as conn:
        stored = conn.execute(
            text("SELECT snapshot FROM inspection WHERE id = :id"), {"id": ids[0]}
        ).scalar_one()
    assert (json.loads(stored) if isinstance(stored, str) else stored)["inspection_id"] == ids[0]
    upgrade(url)
    assert read_side(db_engine, ids) == before
