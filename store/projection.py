"""Idempotent projection of committed changes into the read model and the event table.

Plain SQL statements (SQLAlchemy Core) rather than ORM objects: a command's projection is
a handful of rows, and the ORM's identity map and flush cost more than the writes.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from states.calendar import local_date
from states.models import COLLECTIONS, InspectionSnapshot, TransitionEvent
from states.paper import Paper, issues_of
from states.sides import is_secret
from store import complaints, register
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


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


INSPECTION = _table(Inspection)
SNAPSHOT = _table(SnapshotRecord)
SCOPE = _table(InspectionScope)
EVENT = _table(Event)
# The rows each collection of the snapshot is kept in.
COLLECTION_TABLES: dict[str, tuple[Table, ...]] = {
    "team": (_table(TeamMemberRecord),),
    "findings": (_table(FindingRecord), _table(DisciplineRecord)),
    "remediation": (_table(RemediationRecord),),
}
assert set(COLLECTION_TABLES) == set(COLLECTIONS)
# Both supported databases have INSERT … ON CONFLICT DO NOTHING.
_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def project(
    engine: Engine,
    snapshot: InspectionSnapshot,
    events: Sequence[TransitionEvent] = (),
    changed: Sequence[str] | None = None,
) -> None:
    """``project_in`` in a transaction of its own."""
    with session_scope(engine) as session:
        project_in(session, snapshot, events, changed)


def project_in(
    session: Session,
    snapshot: InspectionSnapshot,
    events: Sequence[TransitionEvent] = (),
    changed: Sequence[str] | None = None,
) -> None:
    """Write each of ``events`` once and bring the read model up to ``snapshot``; safe to
    repeat, and in any order with other writers of the same inspection (the workflow's
    record activity and the caller that sent the command).

    Without events (a deadline status change) only the read model moves. A snapshot never
    overwrites a newer one nor rewrites the same: ``(seq, updated_at)`` orders snapshots.
    ``changed`` names the collections whose rows must be rewritten (None: all of them).
    """
    conn = session.connection()
    if not _insert_read_model(conn, snapshot):
        _update_read_model(conn, snapshot, COLLECTIONS if changed is None else changed)
    for event in events:
        _append_event(conn, event)
        for issue in issues_of(snapshot, event):
            document = register.record(session, issue, snapshot.inspection_id)
            if document and issue.paper is Paper.DECISION and not snapshot.decision.number:
                # The number kiemtra gave the decision is the inspection's number.
                conn.execute(
                    update(INSPECTION)
                    .where(INSPECTION.c.id == snapshot.inspection_id)
                    .values(decision_number=document.symbol)
                )
    # A complaint inspection that ended answers its complaints (or hands them back).
    complaints.settle(session, snapshot)


def _utc(moment: datetime) -> datetime:
    """Stored in UTC: SQLite keeps the wall time and drops the offset."""
    return moment.astimezone(UTC)


def _append_event(conn: Connection, event: TransitionEvent) -> None:
    """Once per (inspection, seq): a retried record adds nothing (``uq_event_inspection_seq``)."""
    row = {
        "inspection_id": event.inspection_id,
        "seq": event.seq,
        "trigger": event.trigger,
        "from_state": event.from_state.value if event.from_state else None,
        "to_state": event.to_state.value,
        "actor_id": event.actor.user_id,
        "actor_role": event.actor.role.value,
        "actor_name": event.actor.name,
        "source_ip": event.actor.source_ip,
        "request_id": event.actor.request_id,
        "at": _utc(event.at),
        "payload": event.payload,
    }
    statement = _INSERTS[conn.dialect.name](EVENT).values(row)
    conn.execute(statement.on_conflict_do_nothing(index_elements=["inspection_id", "seq"]))


# The scope index copies these columns: the first never change, the second follow the state.
SCOPE_COLUMNS = ("decided_at", "kind", "year", "unit_id", "plan_item_id", "issuer_id", "office_id")
SCOPE_CHANGES = ("state", "overdue", "secret")


def _values(s: InspectionSnapshot) -> dict[str, Any]:
    return {
        "kind": s.kind.value,
        "unit_id": s.unit_id,
        "unit_name": s.unit_name,
        "title": s.title,
        "state": s.state.value,
        "decision_number": s.decision.number,
        "year": local_date(s.decided_at).year,
        "cycle": s.cycle,
        "plan_item_id": s.plan_item_id,
        "plan_slot_id": s.plan_slot_id,
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


def _insert_read_model(conn: Connection, s: InspectionSnapshot) -> bool:
    """The first projection of an inspection writes all its rows; False when its row
    exists already (another writer came first)."""
    values = _values(s)
    first = conn.execute(
        _INSERTS[conn.dialect.name](INSPECTION)
        .values(id=s.inspection_id, **values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(INSPECTION.c.id)  # rowcount is not reliable for INSERT on every driver
    )
    if first.first() is None:
        return False
    conn.execute(
        insert(SNAPSHOT).values(inspection_id=s.inspection_id, snapshot=s.model_dump(mode="json"))
    )
    # The unit never changes: its ancestry is written once, with the first row.
    conn.execute(
        insert(SCOPE),
        [
            {
                "organisation_id": org,
                "inspection_id": s.inspection_id,
                **{c: values[c] for c in SCOPE_COLUMNS},
                **{c: values[c] for c in SCOPE_CHANGES},
            }
            for org in dict.fromkeys([*s.unit_path, s.unit_id])
        ],
    )
    for name in COLLECTIONS:
        _insert_collection(conn, s, name)
    return True


def _update_read_model(conn: Connection, s: InspectionSnapshot, changed: Sequence[str]) -> None:
    """Only a later snapshot replaces the row — ``(seq, updated_at)`` orders them (a deadline
    status change moves ``updated_at`` without a new ``seq``) — decided in the UPDATE
    itself, so two writers cannot both pass a check and the older win; the rest follows
    only when it did."""
    values = _values(s)
    if not values["decision_number"]:
        del values["decision_number"]  # the register's number, once given, stays
    later = or_(
        INSPECTION.c.seq < s.seq,
        and_(INSPECTION.c.seq == s.seq, INSPECTION.c.updated_at < values["updated_at"]),
    )
    moved = conn.execute(
        update(INSPECTION)
        .where(INSPECTION.c.id == s.inspection_id, later)
        .values(values)
        .returning(INSPECTION.c.id)
    )
    if moved.first() is None:
        return
    conn.execute(
        update(SCOPE)
        .where(SCOPE.c.inspection_id == s.inspection_id)
        .values({c: values[c] for c in SCOPE_CHANGES})
    )
    stored = conn.execute(
        update(SNAPSHOT)
        .where(SNAPSHOT.c.inspection_id == s.inspection_id)
        .values(snapshot=s.model_dump(mode="json"))
    )
    if stored.rowcount == 0:  # a read model from before the snapshot had its own table
        conn.execute(
            insert(SNAPSHOT).values(
                inspection_id=s.inspection_id, snapshot=s.model_dump(mode="json")
            )
        )
    for name in changed:
        for table in COLLECTION_TABLES[name]:
            conn.execute(delete(table).where(table.c.inspection_id == s.inspection_id))
        _insert_collection(conn, s, name)


def _insert_collection(conn: Connection, s: InspectionSnapshot, name: str) -> None:
    for table, rows in _collection_rows(s, name):
        if rows:
            conn.execute(insert(table), rows)


def _collection_rows(s: InspectionSnapshot, name: str) -> list[tuple[Table, list[dict[str, Any]]]]:
    sid = s.inspection_id
    if name == "team":
        team = [
            {
                "inspection_id": sid,
                "user_id": m.user_id,
                "name": m.name,
                "team_role": m.team_role.value,
                "organisation_id": m.organisation_id,
            }
            # The table holds who acts on the team (scope reads it): its accounts.
            for m in s.team
            if m.user_id is not None
        ]
        return [(COLLECTION_TABLES["team"][0], team)]
    if name == "findings":
        findings = [
            {
                "inspection_id": sid,
                "no": f.no,
                "criterion": f.criterion,
                "description": f.description,
                "severity": f.severity.value,
                "status": f.status.value,
                "cycle": f.cycle,
                "people": list(f.people),
                "discipline_recommended": list(f.discipline_recommended),
            }
            for f in s.findings
        ]
        discipline = [
            {"inspection_id": sid, "finding_no": f.no, "person": person}
            for f in s.findings
            for person in dict.fromkeys(f.discipline_recommended)
        ]
        finding_table, discipline_table = COLLECTION_TABLES["findings"]
        return [(finding_table, findings), (discipline_table, discipline)]
    remediation = [
        {
            "inspection_id": sid,
            "finding_no": r.finding_no,
            "cycle": r.cycle,
            "action": r.action,
            "due_on": r.due_on,
            "status": r.status.value,
            "report": r.report,
            "reported_by": r.reported_by,
            "reported_at": _utc(r.reported_at) if r.reported_at else None,
            "reported_on": local_date(r.reported_at) if r.reported_at else None,
        }
        for r in s.remediation
    ]
    return [(COLLECTION_TABLES["remediation"][0], remediation)]
