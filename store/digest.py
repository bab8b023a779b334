"""Read-model queries of the daily digest: what each coordinator must look at."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from states.calendar import VN_TZ
from states.vocabulary import TERMINAL_STATES
from store.tables import Inspection


@dataclass
class CoordinatorDigest:
    coordinator_id: str
    due: list[Inspection] = field(default_factory=list)
    overdue: list[Inspection] = field(default_factory=list)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), VN_TZ).astimezone(UTC)


def digests(session: Session, horizon: date) -> list[CoordinatorDigest]:
    """Per coordinator: open inspections overdue, and those due on or before ``horizon``."""
    rows = session.exec(
        select(Inspection)
        .where(col(Inspection.state).not_in([s.value for s in TERMINAL_STATES]))
        .where(
            col(Inspection.overdue)
            | (
                col(Inspection.next_deadline).is_not(None)
                & (col(Inspection.next_deadline) < _end_of(horizon))
            )
        )
        .order_by(col(Inspection.next_deadline))
    ).all()
    by_coordinator: dict[str, CoordinatorDigest] = {}
    for row in rows:
        digest = by_coordinator.setdefault(
            row.coordinator_id, CoordinatorDigest(row.coordinator_id)
        )
        (digest.overdue if row.overdue else digest.due).append(row)
    return list(by_coordinator.values())


def open_inspections(session: Session) -> list[Inspection]:
    return list(
        session.exec(
            select(Inspection).where(
                col(Inspection.state).not_in([s.value for s in TERMINAL_STATES])
            )
        ).all()
    )
