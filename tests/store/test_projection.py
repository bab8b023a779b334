"""The read model and the event table follow every accepted command, on SQLite and PostgreSQL."""

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, func, select
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

from activities.records import RecordsActivities
from states import procedure
from states.models import (
    DisputeDecision,
    DisputeInput,
    InspectionSnapshot,
    RecordTransitionInput,
    ResolveDisputeInput,
)
from states.vocabulary import DisputeOutcome, Trigger
from states.vocabulary import VerificationOutcome as V
from store.db import make_engine
from store.queries import snapshot_of
from store.tables import Event, FindingRecord, Inspection, RemediationRecord, TeamMemberRecord
from tests import support as b
from tests.workflows import scenarios
from worker.build import build_worker
from workflows.inspection import InspectionWorkflow


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    url = request.getfixturevalue(f"{request.param}_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
async def db_queue(client: Client, db_engine: Engine) -> AsyncIterator[str]:
    queue = f"projection-{uuid.uuid4().hex[:8]}"
    async with build_worker(client, db_engine, queue):
        yield queue


def assert_projected(engine: Engine, snapshot: InspectionSnapshot) -> None:
    """Everything SQL holds about the inspection equals the snapshot the update returned."""
    iid = snapshot.inspection_id
    with Session(engine) as session:
        row = session.get(Inspection, iid)
        assert row is not None
        assert (row.state, row.seq, row.cycle, row.kind, row.unit_id) == (
            snapshot.state.value,
            snapshot.seq,
            snapshot.cycle,
            snapshot.kind.value,
            snapshot.unit_id,
        )
        assert snapshot_of(session, iid) == snapshot
        team = session.exec(select(TeamMemberRecord).where(TeamMemberRecord.inspection_id == iid))
        assert sorted(m.user_id for m in team) == sorted(m.user_id for m in snapshot.team)
        findings = session.exec(select(FindingRecord).where(FindingRecord.inspection_id == iid))
        assert sorted((f.no, f.status, f.cycle) for f in findings) == sorted(
            (f.no, f.status.value, f.cycle) for f in snapshot.findings
        )
        items = session.exec(
            select(RemediationRecord).where(RemediationRecord.inspection_id == iid)
        )
        assert sorted((r.finding_no, r.cycle, r.status, r.due_on) for r in items) == sorted(
            (r.finding_no, r.cycle, r.status.value, r.due_on) for r in snapshot.remediation
        )
        events = session.exec(select(Event).where(Event.inspection_id == iid).order_by(Event.seq))
        assert [(e.seq, e.trigger, e.to_state, e.actor_id) for e in events] == [
            (h.seq, h.trigger, h.to_state.value, h.actor_id) for h in snapshot.history
        ]


async def test_read_model_follows_each_command(db_engine: Engine, client: Client, db_queue: str):
    handle = await scenarios.start(client, db_queue, b.start_input())
    steps = [
        (InspectionWorkflow.form_team, b.form_team()),
        (InspectionWorkflow.send_notice, b.send_notice()),
        (InspectionWorkflow.start_visit, b.start_visit()),
        (InspectionWorkflow.record_visit, b.record_visit(2)),
        (InspectionWorkflow.conclude, b.conclude()),
        (
            InspectionWorkflow.dispute,
            DisputeInput(actor=b.UNIT_REP, finding_nos=[1], explanation="không đúng"),
        ),
        (
            InspectionWorkflow.resolve_dispute,
            ResolveDisputeInput(
                actor=b.DECISION_MAKER,
                decisions=[DisputeDecision(finding_no=1, outcome=DisputeOutcome.WITHDRAWN)],
                unit_accepted=True,
            ),
        ),
        (InspectionWorkflow.report_remediation, b.report([2])),
        (InspectionWorkflow.schedule_reinspection, b.schedule()),
        (InspectionWorkflow.verify, b.verify({2: V.UNRESOLVED})),
        (InspectionWorkflow.acknowledge, b.acknowledge()),
        (InspectionWorkflow.report_remediation, b.report([2])),
        (InspectionWorkflow.schedule_reinspection, b.schedule()),
        (InspectionWorkflow.verify, b.verify({2: V.REFERRED})),
    ]
    for update, command in steps:
        snapshot = await handle.execute_update(update, command)
        assert_projected(db_engine, snapshot)
    assert snapshot.state.value == "closed" and snapshot.cycle == 2


def test_projection_twice_leaves_one_row(db_engine: Engine) -> None:
    now = b.DECIDED_AT
    snapshot, first = procedure.start(b.start_input(), now)
    after, second = procedure.apply(snapshot, Trigger.FORM_TEAM, b.form_team(), now)
    activities = RecordsActivities(db_engine)
    env = ActivityEnvironment()
    for event, state in ((first, snapshot), (second, after), (second, after), (first, snapshot)):
        env.run(activities.record_transition, RecordTransitionInput(event=event, snapshot=state))
    with Session(db_engine) as session:
        count = session.exec(
            select(func.count())
            .select_from(Event)
            .where(Event.inspection_id == after.inspection_id)
        ).one()
        assert count == 2
        members = session.exec(
            select(func.count())
            .select_from(TeamMemberRecord)
            .where(TeamMemberRecord.inspection_id == after.inspection_id)
        ).one()
        assert members == len(b.TEAM)
    # A late retry of the first event did not roll the read model back.
    assert_projected(db_engine, after)


def test_migrations_match_the_tables(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
