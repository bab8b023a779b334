"""Read-side queries for the API: lists with filters, details, trails, the organisation tree."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import case, join, or_, text
from sqlmodel import Session, col, func, select

from states.models import InspectionSnapshot
from states.scope import AUTHORITY_LEVELS, Viewer
from states.vocabulary import InspectionState, Role
from store.scope import scoped
from store.tables import (
    Event,
    Inspection,
    Organisation,
    PlanItem,
    PlanSlot,
    SnapshotRecord,
    User,
    username_key,
)

MAX_DEPTH = 32


class InspectionSort(StrEnum):
    """The orders a list of inspections may be read in."""

    DECIDED = "decided"  # newest decision first (the default)
    DEADLINE = "deadline"  # nearest next deadline first, none last
    STATE = "state"  # by step of the procedure
    UNIT = "unit"  # by the inspected unit's name


# Steps in the procedure's order, not the alphabet's.
_STATE_ORDER = {state.value: n for n, state in enumerate(InspectionState)}


@dataclass(frozen=True)
class InspectionFilter:
    state: str | None = None
    unit: str | None = None
    kind: str | None = None
    year: int | None = None
    overdue: bool | None = None
    plan: str | None = None
    q: str | None = None  # in the title or the decision number
    sort: InspectionSort = InspectionSort.DECIDED


def list_inspections(
    session: Session, f: InspectionFilter, viewer: Viewer, limit: int = 50, offset: int = 0
) -> tuple[list[Inspection], int]:
    """One page of the inspections ``viewer`` may see matching ``f`` in ``f.sort``'s order
    (newest first by default), and the total count (secret ones are neither listed nor
    counted). Voided ones are listed only when asked for by their state."""
    s = scoped(viewer, voided=f.state == InspectionState.VOIDED)
    where = list(s.where)
    for column, value in (
        (s.state, f.state),
        (s.unit_id, f.unit),
        (s.kind, f.kind),
        (s.year, f.year),
    ):
        if value:
            where.append(column == value)
    if f.overdue is not None:
        where.append(s.overdue == f.overdue)
    if f.plan:
        slots = select(PlanSlot.id).where(PlanSlot.plan_id == f.plan)
        where.append(
            or_(
                s.plan_item_id.in_(select(PlanItem.id).where(PlanItem.plan_id == f.plan)),
                s.inspection_id.in_(
                    select(Inspection.id).where(col(Inspection.plan_slot_id).in_(slots))
                ),
            )
        )
    if f.q:
        where.append(
            or_(
                col(Inspection.title).icontains(f.q, autoescape=True),
                col(Inspection.decision_number).icontains(f.q, autoescape=True),
            )
        )
    # The scope index holds no titles, names or deadlines: join the rows only when asked.
    source: Any = s.source
    if s.source is not Inspection and (
        f.q or f.sort in (InspectionSort.DEADLINE, InspectionSort.UNIT)
    ):
        source = join(s.source, Inspection, col(Inspection.id) == s.inspection_id)
    counted = select(func.count(s.inspection_id)).select_from(source).where(*where)
    count = session.exec(counted).one()
    order: list[Any] = [s.decided_at.desc(), s.inspection_id]
    if f.sort is InspectionSort.DEADLINE:
        order.insert(0, col(Inspection.next_deadline).asc().nulls_last())
    elif f.sort is InspectionSort.STATE:
        order.insert(0, case(_STATE_ORDER, value=s.state, else_=len(_STATE_ORDER)))
    elif f.sort is InspectionSort.UNIT:
        order.insert(0, col(Inspection.unit_name))
    # The page is chosen in the scope index; only its rows are read from the read model.
    page = list(
        session.exec(
            select(s.inspection_id)
            .select_from(source)
            .where(*where)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        ).all()
    )
    found = {r.id: r for r in session.exec(select(Inspection).where(col(Inspection.id).in_(page)))}
    return [found[i] for i in page if i in found], count


def event_of(session: Session, inspection_id: str, seq: int) -> Event | None:
    return session.exec(
        select(Event).where(Event.inspection_id == inspection_id, Event.seq == seq)
    ).first()


def events_of(session: Session, inspection_id: str) -> list[Event]:
    return list(
        session.exec(
            select(Event).where(Event.inspection_id == inspection_id).order_by(col(Event.seq))
        ).all()
    )


def snapshot_of(session: Session, inspection_id: str) -> InspectionSnapshot | None:
    """The inspection's latest snapshot from the read model, if it exists (for kiemtra's
    own use: a caller's request goes through ``visible_snapshot``)."""
    row = session.get(SnapshotRecord, inspection_id)
    return InspectionSnapshot.model_validate(row.snapshot) if row is not None else None


def visible_snapshot(
    session: Session, viewer: Viewer, inspection_id: str
) -> InspectionSnapshot | None:
    """The snapshot if the inspection exists for ``viewer``, else None — one query, the
    list's own scope, so an unknown id and a hidden one take the same path and time (a
    voided one stays readable where it was: its record shows why it was voided)."""
    s = scoped(viewer, voided=True)
    visible = select(s.inspection_id).where(*s.where, s.inspection_id == inspection_id)
    document = session.exec(
        select(SnapshotRecord.snapshot).where(
            SnapshotRecord.inspection_id == inspection_id,
            col(SnapshotRecord.inspection_id).in_(visible),
        )
    ).first()
    return InspectionSnapshot.model_validate(document) if document is not None else None


# Plain SQL, the same on SQLite and PostgreSQL: built with the expression language, the CTE
# cost more to compile on every request than the query itself. The depth bound keeps a
# parent loop in bad data from recursing forever.
LINEAGE = text(
    """
    WITH RECURSIVE up(id, level, parent_id, depth) AS (
        SELECT id, level, parent_id, 0 FROM organisation WHERE id = :org
        UNION ALL
        SELECT o.id, o.level, o.parent_id, up.depth + 1
        FROM organisation o JOIN up ON o.id = up.parent_id
        WHERE up.depth < :max_depth
    )
    SELECT id, level FROM up ORDER BY depth
    """
)


def lineage(session: Session, organisation_id: str) -> list[tuple[str, str]]:
    """(id, level) of the organisation and its ancestors, itself first, in one query."""
    rows = session.connection().execute(LINEAGE, {"org": organisation_id, "max_depth": MAX_DEPTH})
    seen: dict[str, str] = {}
    for oid, level in rows:
        if oid in seen:
            break
        seen[oid] = level
    return list(seen.items())


def ancestry(session: Session, organisation_id: str) -> list[str]:
    """Ids of the organisation's ancestors, root first (the organisation itself excluded)."""
    return [oid for oid, _ in reversed(lineage(session, organisation_id)[1:])]


def viewer_of(session: Session, user: User) -> Viewer:
    """The scoping view of an account: its organisation chain and authority."""
    org = user.organisation_id
    line = lineage(session, org) if org else []
    chain = [oid for oid, _ in reversed(line)] or ([org] if org else [])
    root = next((oid for oid, level in line if level in AUTHORITY_LEVELS), None)
    return Viewer(
        user_id=user.id,
        role=Role(user.role),
        organisation_id=org,
        chain=chain,
        authority_root=root,
    )


def organisations(session: Session, parent_id: str | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(col(Organisation.code), col(Organisation.name))
    if parent_id:
        query = query.where(Organisation.parent_id == parent_id)
    return list(session.exec(query).all())


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.code == code)).first()


def user_by_username(session: Session, username: str) -> User | None:
    """The account named ``username``, compared as its key: "Lan" finds "lan"."""
    return session.exec(select(User).where(User.username_key == username_key(username))).first()


def users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def names_of(session: Session, user_ids: set[str]) -> dict[str, str]:
    """People's names (or usernames) by account id."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(User.id, User.full_name, User.username).where(col(User.id).in_(user_ids))
    )
    return {uid: name or username for uid, name, username in rows.all()}


def slot_inspections(session: Session, viewer: Viewer, slot_ids: list[str]) -> dict[str, list[str]]:
    """The inspections filling each plan slot that ``viewer`` may see (a surprise one only
    for its issuing side until the team has been on site: the slot keeps its unit secret)."""
    if not slot_ids:
        return {}
    s = scoped(viewer)
    rows = session.exec(
        select(Inspection.plan_slot_id, Inspection.id)
        .where(
            col(Inspection.plan_slot_id).in_(slot_ids),
            col(Inspection.id).in_(select(s.inspection_id).where(*s.where)),
        )
        .order_by(col(Inspection.decided_at))
    ).all()
    found: dict[str, list[str]] = {}
    for slot_id, inspection_id in rows:
        found.setdefault(str(slot_id), []).append(inspection_id)
    return found


def decision_numbers(session: Session, inspection_ids: list[str]) -> dict[str, str]:
    """The decision numbers of inspections the caller already may see, by id."""
    if not inspection_ids:
        return {}
    rows = session.exec(
        select(Inspection.id, Inspection.decision_number).where(
            col(Inspection.id).in_(inspection_ids)
        )
    ).all()
    return {iid: number for iid, number in rows if number}
