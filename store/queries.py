"""Read-side queries for the API: lists with filters, details, trails, the organisation tree."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, true
from sqlmodel import Session, col, func, select

from states.scope import AUTHORITY_LEVELS, Viewer
from states.vocabulary import Role
from store.tables import Event, Inspection, Organisation, PlanItem, TeamMemberRecord, User


@dataclass(frozen=True)
class InspectionFilter:
    state: str | None = None
    unit: str | None = None
    kind: str | None = None
    year: int | None = None
    overdue: bool | None = None
    plan: str | None = None


def _subtree(org_id: str) -> Any:
    return col(Inspection.unit_path).contains(f"/{org_id}/")


def scope_clause(viewer: Viewer) -> Any:
    """SQL for the inspections ``viewer`` may see: the same rules as ``states.scope.may_see``."""
    hidden_secret = col(Inspection.secret) & col(Inspection.unit_id).in_(viewer.chain or [""])
    if viewer.role is Role.SYSTEM:
        return true()
    if viewer.role is Role.UNIT_REP and viewer.organisation_id:
        return _subtree(viewer.organisation_id) & ~col(Inspection.secret)
    if viewer.role is Role.INSPECTOR:
        teams = select(TeamMemberRecord.inspection_id).where(
            TeamMemberRecord.user_id == viewer.user_id
        )
        return col(Inspection.id).in_(teams) & ~hidden_secret
    if viewer.role in (Role.COORDINATOR, Role.DECISION_MAKER, Role.VIEWER) and (
        viewer.authority_root
    ):
        return _subtree(viewer.authority_root) & ~hidden_secret
    return false()


def list_inspections(
    session: Session, f: InspectionFilter, viewer: Viewer, limit: int = 50, offset: int = 0
) -> tuple[list[Inspection], int]:
    """One page of the inspections ``viewer`` may see matching ``f``, newest first, and the
    total count (secret ones are neither listed nor counted)."""
    query = select(Inspection).where(scope_clause(viewer))
    if f.state:
        query = query.where(Inspection.state == f.state)
    if f.unit:
        query = query.where(Inspection.unit_id == f.unit)
    if f.kind:
        query = query.where(Inspection.kind == f.kind)
    if f.year:
        query = query.where(Inspection.year == f.year)
    if f.overdue is not None:
        query = query.where(Inspection.overdue == f.overdue)
    if f.plan:
        items = select(PlanItem.id).where(PlanItem.plan_id == f.plan)
        query = query.where(col(Inspection.plan_item_id).in_(items))
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Inspection.decided_at).desc(), col(Inspection.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), count


def events_of(session: Session, inspection_id: str) -> list[Event]:
    return list(
        session.exec(
            select(Event).where(Event.inspection_id == inspection_id).order_by(col(Event.seq))
        ).all()
    )


def ancestry(session: Session, organisation_id: str) -> list[str]:
    """Ids of the organisation's ancestors, root first (the organisation itself excluded)."""
    path: list[str] = []
    current = session.get(Organisation, organisation_id)
    seen = {organisation_id}
    while current is not None and current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        path.append(current.parent_id)
        current = session.get(Organisation, current.parent_id)
    return list(reversed(path))


def viewer_of(session: Session, user: User) -> Viewer:
    """The scoping view of an account: its organisation chain and authority."""
    org = user.organisation_id
    chain = [*ancestry(session, org), org] if org else []
    levels = {o.id: o.level for o in (session.get(Organisation, i) for i in chain) if o}
    root = next((oid for oid in reversed(chain) if levels.get(oid) in AUTHORITY_LEVELS), None)
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
    return session.exec(select(User).where(User.username == username)).first()


def users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())
