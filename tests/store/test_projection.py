"""The read model and the event table follow every accepted command, on SQLite and PostgreSQL."""

import random
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

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
    TransitionEvent,
    changed_collections,
)
from states.vocabulary import DisputeOutcome, Trigger
from states.vocabulary import VerificationOutcome as V
from store.db import make_engine
from store.projection import project
from store.queries import snapshot_of
from store.tables import Event, FindingRecord, Inspection, RemediationRecord, TeamMemberRecord
from testkit import samples as b
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


def lifecycle_steps() -> list[tuple[InspectionSnapshot, TransitionEvent]]:
    """Each snapshot of a lifecycle with the event that led to it, as the workflow made them."""
    now = b.DECIDED_AT
    snapshot, event = procedure.start(b.start_input(), now)
    steps = [(snapshot, event)]
    for trigger, command in [
        (Trigger.FORM_TEAM, b.form_team()),
        (Trigger.SEND_NOTICE, b.send_notice()),
        (Trigger.START_VISIT, b.start_visit()),
        (Trigger.RECORD_VISIT, b.record_visit(2)),
        (Trigger.CONCLUDE, b.conclude()),
        (Trigger.ACKNOWLEDGE, b.acknowledge()),
        (Trigger.REPORT_REMEDIATION, b.report([1, 2])),
    ]:
        now += timedelta(hours=1)
        snapshot, event = procedure.apply(snapshot, trigger, command, now)
        steps.append((snapshot, event))
    return steps


def race(
    engine: Engine, steps: list[tuple[InspectionSnapshot, TransitionEvent]], seed: int
) -> None:
    """The API writes each command as it answers (only what changed since the one before);
    meanwhile the workflow writes everything it has seen so far, whole, at random moments,
    often behind."""
    seen = threading.Event()  # the workflow writes only what a command has answered
    answered: list[int] = []
    chance = random.Random(seed)

    def caller() -> None:
        before: InspectionSnapshot | None = None
        for k, (snapshot, event) in enumerate(steps):
            changed = changed_collections(before, snapshot) if before else None
            project(engine, snapshot, [event], changed)
            answered.append(k)
            seen.set()
            before = snapshot

    def workflow_writer() -> None:
        seen.wait()
        for _ in range(len(steps)):
            upto = chance.choice(answered)
            project(engine, steps[upto][0], [e for _, e in steps[: upto + 1]])
            time.sleep(chance.random() / 200)

    threads = [threading.Thread(target=caller), threading.Thread(target=workflow_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_caller_and_workflow_racing_leave_the_latest_once(db_engine: Engine) -> None:
    """Whatever the interleaving of the two writers, each event is there once and the read
    model is the last snapshot, never an older one."""
    for seed in range(4):
        steps = lifecycle_steps()
        race(db_engine, steps, seed)
        # The workflow's last write before its run ends: everything, whole.
        project(db_engine, steps[-1][0], [e for _, e in steps])
        assert_projected(db_engine, steps[-1][0])
        # An older snapshot arriving last changes nothing.
        project(db_engine, steps[2][0], [steps[2][1]], ["team"])
        assert_projected(db_engine, steps[-1][0])


def test_migrations_match_the_tables(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
