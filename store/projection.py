"""Idempotent projection of accepted commands into the read model and the event table."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from states.calendar import local_date
from states.models import InspectionSnapshot, TransitionEvent
from states.sides import is_secret
from store.db import session_scope
from store.tables import (
    DisciplineRecord,
    Event,
    FindingRecord,
    Inspection,
    InspectionScope,
    RemediationRecord,
    SnapshotRecord,
    TeamMemberRecord,
)


def project(engine: Engine, event: TransitionEvent | None, snapshot: InspectionSnapshot) -> None:
    """``project_in`` in a transaction of its own."""
    with session_scope(engine) as session:
        project_in(session, event, snapshot)


def project_in(
    session: Session, event: TransitionEvent | None, snapshot: InspectionSnapshot
) -> None:
    """Write ``event`` once and bring the read model up to ``snapshot``; safe to repeat.

    Without an event (a deadline status change) only the read model moves. A snapshot older
    than the row never overwrites it: ``(seq, updated_at)`` orders snapshots.
    """
    row = session.get(Inspection, snapshot.inspection_id)
    if row is None or _not_older(row, snapshot):
        _write_read_model(session, row, snapshot)
        session.flush()
    if event is not None:
        _append_event(session, event)


def _utc(moment: datetime) -> datetime:
    """Stored in UTC: SQLite keeps the wall time and drops the offset."""
    return moment.astimezone(UTC)


def _not_older(row: Inspection, snapshot: InspectionSnapshot) -> bool:
    if row.seq != snapshot.seq:
        return row.seq < snapshot.seq
    stored = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
    return stored <= snapshot.updated_at


def _append_event(session: Session, event: TransitionEvent) -> None:
    exists = session.exec(
        select(Event.id).where(Event.inspection_id == event.inspection_id, Event.seq == event.seq)
    ).first()
    if exists is not None:
        return
    session.add(
        Event(
            inspection_id=event.inspection_id,
            seq=event.seq,
            trigger=event.trigger,
            from_state=event.from_state.value if event.from_state else None,
            to_state=event.to_state.value,
            actor_id=event.actor.user_id,
            actor_role=event.actor.role.value,
            actor_name=event.actor.name,
            source_ip=event.actor.source_ip,
            request_id=event.actor.request_id,
            at=_utc(event.at),
            payload=event.payload,
        )
    )


# The scope index copies these columns: the first never change, the second follow the state.
SCOPE_COLUMNS = ("decided_at", "kind", "year", "unit_id", "plan_item_id", "issuer_id", "office_id")
SCOPE_CHANGES = ("state", "overdue", "secret")


def _write_read_model(session: Session, row: Inspection | None, s: InspectionSnapshot) -> None:
    values: dict[str, Any] = {
        "kind": s.kind.value,
        "unit_id": s.unit_id,
        "unit_name": s.unit_name,
        "title": s.title,
        "state": s.state.value,
        "decision_number": s.decision.number,
        "year": local_date(s.decided_at).year,
        "cycle": s.cycle,
        "plan_item_id": s.plan_item_id,
        "parent_inspection_id": s.parent_inspection_id,
        "coordinator_id": s.coordinator_id,
        "issuer_id": s.decision.issuer_id,
        "office_id": s.office_id,
        "decided_at": _utc(s.decided_at),
        "updated_at": _utc(s.updated_at),
        "seq": s.seq,
        "next_deadline": _utc(s.next_deadline) if s.next_deadline else None,
        "unit_path": "/" + "/".join([*s.unit_path, s.unit_id]) + "/",
        "secret": is_secret(s),
        "overdue": s.overdue,
        "visited_at": _utc(s.visit.ended_at) if s.visit.ended_at else None,
    }
    document = s.model_dump(mode="json")
    if row is None:
        session.add(Inspection.model_validate({"id": s.inspection_id, **values}))
        session.flush()
        session.add(SnapshotRecord(inspection_id=s.inspection_id, snapshot=document))
        # The unit never changes: its ancestry is written once, with the first row.
        session.add_all(
            InspectionScope(
                organisation_id=org,
                inspection_id=s.inspection_id,
                **{c: values[c] for c in SCOPE_COLUMNS},
                **{c: values[c] for c in SCOPE_CHANGES},
            )
            for org in dict.fromkeys([*s.unit_path, s.unit_id])
        )
    else:
        for key, value in values.items():
            setattr(row, key, value)
        session.exec(
            update(InspectionScope)
            .where(col(InspectionScope.inspection_id) == s.inspection_id)
            .values({c: values[c] for c in SCOPE_CHANGES})
        )
        stored = session.get(SnapshotRecord, s.inspection_id)
        if stored is None:
            session.add(SnapshotRecord(inspection_id=s.inspection_id, snapshot=document))
        else:
            stored.snapshot = document
    for table in (TeamMemberRecord, FindingRecord, RemediationRecord, DisciplineRecord):
        session.exec(delete(table).where(col(table.inspection_id) == s.inspection_id))
    session.add_all(
        TeamMemberRecord(
            inspection_id=s.inspection_id,
            user_id=m.user_id,
            name=m.name,
            team_role=m.team_role.value,
            organisation_id=m.organisation_id,
        )
        for m in s.team
    )
    session.add_all(
        FindingRecord(
            inspection_id=s.inspection_id,
            no=f.no,
            criterion=f.criterion,
            description=f.description,
            severity=f.severity.value,
            status=f.status.value,
            cycle=f.cycle,
            people=list(f.people),
            discipline_recommended=list(f.discipline_recommended),
        )
        for f in s.findings
    )
    session.add_all(
        DisciplineRecord(inspection_id=s.inspection_id, finding_no=f.no, person=person)
        for f in s.findings
        for person in dict.fromkeys(f.discipline_recommended)
    )
    session.add_all(
        RemediationRecord(
            inspection_id=s.inspection_id,
            finding_no=r.finding_no,
            cycle=r.cycle,
            action=r.action,
            due_on=r.due_on,
            status=r.status.value,
            report=r.report,
            reported_by=r.reported_by,
            reported_at=_utc(r.reported_at) if r.reported_at else None,
            reported_on=local_date(r.reported_at) if r.reported_at else None,
        )
        for r in s.remediation
    )
