"""Discipline records (``discipline_case``): who sees them, what is due, what is missing."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session, col, func, select

from states.discipline import DisciplineStatus
from states.scope import Viewer
from states.vocabulary import NoticeKind
from store.outbox import Channel
from store.tables import DisciplineCase, Notification


def of_inspection(session: Session, inspection_id: str) -> list[DisciplineCase]:
    return list(
        session.exec(
            select(DisciplineCase)
            .where(DisciplineCase.inspection_id == inspection_id)
            .order_by(col(DisciplineCase.finding_no), col(DisciplineCase.created_at))
        ).all()
    )


def findings_without_case(session: Session, inspection_id: str, nos: Iterable[int]) -> list[int]:
    """The findings among ``nos`` that have no discipline record yet."""
    wanted = sorted(set(nos))
    if not wanted:
        return []
    have = set(
        session.exec(
            select(DisciplineCase.finding_no)
            .where(DisciplineCase.inspection_id == inspection_id)
            .where(col(DisciplineCase.finding_no).in_(wanted))
        ).all()
    )
    return [n for n in wanted if n not in have]


def handled_by(viewer: Viewer) -> ColumnElement[bool]:
    """The records ``viewer``'s office handles: as the managing authority (its organisation,
    or the People's Committee whose authority it advises), or as the issuing organisation
    or coordinating office of the inspection that recommended them."""
    org = viewer.organisation_id
    if org is None:
        return false()
    authorities = {o for o in (org, viewer.authority_root) if o}
    return or_(
        col(DisciplineCase.authority_id).in_(sorted(authorities)),
        col(DisciplineCase.issuer_id) == org,
        col(DisciplineCase.office_id) == org,
    )


def listing(
    session: Session,
    viewer: Viewer,
    status: DisciplineStatus | None,
    overdue: bool | None,
    today: date,
    limit: int,
    offset: int,
) -> tuple[list[DisciplineCase], int]:
    query = select(DisciplineCase).where(handled_by(viewer))
    if status is not None:
        query = query.where(DisciplineCase.status == status.value)
    if overdue is not None:
        late = (col(DisciplineCase.status) == DisciplineStatus.PROPOSED.value) & (
            col(DisciplineCase.due_on) < today
        )
        query = query.where(late if overdue else ~late)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(DisciplineCase.due_on), col(DisciplineCase.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(count)


def visible(session: Session, viewer: Viewer, case_id: str) -> DisciplineCase | None:
    return session.exec(
        select(DisciplineCase).where(DisciplineCase.id == case_id).where(handled_by(viewer))
    ).first()


def due_by(session: Session, horizon: date) -> list[DisciplineCase]:
    """Records still awaiting the managing authority whose time limit ends by ``horizon``
    (overdue ones included), by due date."""
    return list(
        session.exec(
            select(DisciplineCase)
            .where(DisciplineCase.status == DisciplineStatus.PROPOSED.value)
            .where(col(DisciplineCase.due_on) <= horizon)
            .order_by(col(DisciplineCase.due_on), col(DisciplineCase.id))
        ).all()
    )


def by_inspections(session: Session, ids: Iterable[str]) -> list[DisciplineCase]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        session.exec(
            select(DisciplineCase)
            .where(col(DisciplineCase.inspection_id).in_(wanted))
            .order_by(col(DisciplineCase.inspection_id), col(DisciplineCase.finding_no))
        ).all()
    )


def reminders_of(session: Session, cases: Iterable[DisciplineCase]) -> dict[str, int]:
    """How many days each record's managing authority was reminded (daily digest rows,
    keyed ``discipline:<id>:<day>``), in one query over the records' inspections."""
    wanted = {c.id for c in cases}
    inspections = sorted({c.inspection_id for c in cases})
    if not wanted:
        return {}
    rows = session.exec(
        select(Notification.deadline)
        .where(col(Notification.inspection_id).in_(inspections))
        .where(Notification.kind == NoticeKind.DISCIPLINE_DUE.value)
        .where(Notification.channel == Channel.IN_APP.value)
        .distinct()
    ).all()
    days: dict[str, int] = {}
    for deadline in rows:
        parts = deadline.split(":")
        case_id = parts[1] if len(parts) == 3 else ""
        if case_id in wanted:
            days[case_id] = days.get(case_id, 0) + 1
    return days
