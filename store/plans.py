"""Annual plans in SQL: items resolved from the organisation tree, adjustments, history.

Checks that need the caller (authority, roles) are the API's; this module keeps the records
consistent: an item is written with the unit as the tree knew it that day, and every change
is one transaction with its history row.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, false, func, true
from sqlmodel import Session, col, select

from states.models import Actor
from states.plans import Period, PlanChangeAction, PlanItemStatus, SlotFill
from states.scope import Viewer, may_see_plan_item, may_see_plan_slots
from states.vocabulary import InspectionState, Role
from store.queries import ancestry
from store.tables import Inspection, Organisation, Plan, PlanChange, PlanItem, PlanSlot


@dataclass(frozen=True)
class ItemSpec:
    """One item to write: an organisation already checked by the caller."""

    unit: Organisation
    period: Period
    kind: str
    content: list[str]


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def path_of(session: Session, org_id: str) -> str:
    """``/root/…/org/``: subtree filters match it with LIKE '%/ancestor/%'."""
    return "/" + "/".join([*ancestry(session, org_id), org_id]) + "/"


def chain_of(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def valid_on(org: Organisation, day: date) -> bool:
    return (org.valid_from is None or org.valid_from <= day) and (
        org.valid_to is None or org.valid_to >= day
    )


def subtree(
    session: Session, root_id: str, levels: Iterable[str] | None, on: date
) -> list[Organisation]:
    """Organisations under ``root_id`` (not itself) of the given levels (None: every level)
    that exist ``on``, in tree order: "all schools under ward X", "every commune of the
    province"."""
    wanted = None if levels is None else set(levels)
    found: list[Organisation] = []
    frontier = [root_id]
    seen = {root_id}
    while frontier:
        children = session.exec(
            select(Organisation)
            .where(col(Organisation.parent_id).in_(frontier))
            .order_by(col(Organisation.code), col(Organisation.id))
        ).all()
        frontier = [c.id for c in children if c.id not in seen]
        seen.update(frontier)
        found.extend(
            c for c in children if (wanted is None or c.level in wanted) and valid_on(c, on)
        )
    return found


def _change(
    session: Session,
    plan_id: str,
    action: PlanChangeAction,
    actor: Actor,
    at: datetime,
    item_ids: Sequence[str] = (),
    reason: str = "",
) -> None:
    session.add(
        PlanChange(
            plan_id=plan_id,
            action=action.value,
            item_ids=list(item_ids),
            reason=reason,
            actor_id=actor.user_id,
            actor_name=actor.name,
            at=at,
        )
    )


def _items(
    session: Session, plan: Plan, specs: Sequence[ItemSpec], at: datetime, replaces: str | None
) -> list[PlanItem]:
    last = session.exec(select(func.max(PlanItem.seq)).where(PlanItem.plan_id == plan.id)).one()
    rows = [
        PlanItem(
            id=new_id(),
            plan_id=plan.id,
            seq=(last or 0) + n,
            kind=spec.kind,
            unit_id=spec.unit.id,
            unit_name=spec.unit.name,
            unit_level=spec.unit.level,
            unit_path=path_of(session, spec.unit.id),
            period=spec.period.label,
            period_start=spec.period.start,
            period_end=spec.period.end,
            content=spec.content,
            replaces_id=replaces,
            created_at=at,
        )
        for n, spec in enumerate(specs, start=1)
    ]
    session.add_all(rows)
    return rows


@dataclass(frozen=True)
class SlotSpec:
    """Surprise checks to schedule without naming the units (checked by the caller)."""

    kind: str
    period: Period
    count: int
    description: str
    level: str


def _slots(session: Session, plan: Plan, specs: Sequence[SlotSpec], at: datetime) -> list[PlanSlot]:
    last = session.exec(select(func.max(PlanSlot.seq)).where(PlanSlot.plan_id == plan.id)).one()
    rows = [
        PlanSlot(
            id=new_id(),
            plan_id=plan.id,
            seq=(last or 0) + n,
            kind=spec.kind,
            period=spec.period.label,
            period_start=spec.period.start,
            period_end=spec.period.end,
            count=spec.count,
            description=spec.description,
            level=spec.level,
            created_at=at,
        )
        for n, spec in enumerate(specs, start=1)
    ]
    session.add_all(rows)
    return rows


def add_slots(
    session: Session, plan: Plan, specs: Sequence[SlotSpec], actor: Actor, at: datetime
) -> list[PlanSlot]:
    slots = _slots(session, plan, specs, at)
    _change(session, plan.id, PlanChangeAction.SLOTS_ADDED, actor, at)
    session.commit()
    return slots


def visible_slot(session: Session, viewer: Viewer, slot_id: str) -> tuple[PlanSlot, Plan] | None:
    """The slot and its plan if the viewer reads the plan and its slots (else None, as for
    an unknown slot)."""
    slot = session.get(PlanSlot, slot_id) if slot_id else None
    if slot is None or not may_see_plan_slots(viewer):
        return None
    plan = visible_plan(session, viewer, slot.plan_id)
    return (slot, plan) if plan is not None else None


def slots_of(session: Session, plan_id: str) -> list[PlanSlot]:
    query = select(PlanSlot).where(PlanSlot.plan_id == plan_id).order_by(col(PlanSlot.seq))
    return list(session.exec(query).all())


def slot_fills(session: Session, slot_ids: Sequence[str]) -> dict[str, list[SlotFill]]:
    """The inspections filling each slot (a voided one never did), oldest first."""
    fills: dict[str, list[SlotFill]] = {s: [] for s in slot_ids}
    if not slot_ids:
        return fills
    rows = session.exec(
        select(Inspection.plan_slot_id, Inspection.state, Inspection.visited_at)
        .where(
            col(Inspection.plan_slot_id).in_(slot_ids),
            Inspection.state != InspectionState.VOIDED,
        )
        .order_by(col(Inspection.decided_at))
    ).all()
    for slot_id, state, visited_at in rows:
        fills[str(slot_id)].append(SlotFill(InspectionState(state), visited_at is not None))
    return fills


def create_plan(
    session: Session,
    fields: dict[str, Any],
    specs: Sequence[ItemSpec],
    actor: Actor,
    at: datetime,
    slots: Sequence[SlotSpec] = (),
) -> Plan:
    """The plan, its items and the 'created' history row, in one transaction."""
    issuer = session.get(Organisation, fields["issuer_id"])
    assert issuer is not None  # checked by the caller
    defaults: dict[str, Any] = {
        "id": new_id(),
        "issuer_name": issuer.name,
        "issuer_path": path_of(session, issuer.id),
        "created_by": actor.user_id,
        "created_at": at,
    }
    plan = Plan(**(defaults | fields))
    session.add(plan)
    session.flush()
    items = _items(session, plan, specs, at, None)
    _slots(session, plan, slots, at)
    _change(session, plan.id, PlanChangeAction.CREATED, actor, at, [i.id for i in items])
    session.commit()
    session.refresh(plan)
    return plan


def add_items(
    session: Session, plan: Plan, specs: Sequence[ItemSpec], actor: Actor, at: datetime
) -> list[PlanItem]:
    items = _items(session, plan, specs, at, None)
    _change(session, plan.id, PlanChangeAction.ITEMS_ADDED, actor, at, [i.id for i in items])
    session.commit()
    return items


def cancel_item(session: Session, item: PlanItem, reason: str, actor: Actor, at: datetime) -> None:
    item.status = PlanItemStatus.CANCELLED.value
    item.reason = reason
    session.add(item)
    _change(session, item.plan_id, PlanChangeAction.ITEM_CANCELLED, actor, at, [item.id], reason)
    session.commit()


def replace_item(
    session: Session,
    plan: Plan,
    item: PlanItem,
    spec: ItemSpec,
    reason: str,
    actor: Actor,
    at: datetime,
) -> PlanItem:
    (new,) = _items(session, plan, [spec], at, item.id)
    item.status = PlanItemStatus.REPLACED.value
    item.reason = reason
    item.replaced_by_id = new.id
    session.add(item)
    _change(session, plan.id, PlanChangeAction.ITEM_REPLACED, actor, at, [item.id, new.id], reason)
    session.commit()
    return new


# Reads.


def _under(column: Any, org_id: str) -> Any:
    # Escaped: an organisation id is data, and a "%" or "_" in it must not match other
    # organisations' paths as a wildcard.
    return col(column).contains(f"/{org_id}/", autoescape=True)


def item_scope(viewer: Viewer) -> ColumnElement[bool]:
    """SQL twin of ``states.scope.may_see_plan_item``."""
    if viewer.role is Role.SYSTEM:
        return true()
    if viewer.role is Role.UNIT_REP and viewer.organisation_id:
        return _under(PlanItem.unit_path, viewer.organisation_id)  # type: ignore[no-any-return]
    if viewer.role is not Role.ADMIN and viewer.authority_root:
        return _under(PlanItem.unit_path, viewer.authority_root)  # type: ignore[no-any-return]
    return false()


def plan_scope(viewer: Viewer) -> ColumnElement[bool]:
    """A plan issued within the viewer's authority; for a unit representative, a plan
    with an item in its own organisation (it sees only those items)."""
    if viewer.role is Role.SYSTEM:
        return true()
    if viewer.role is Role.UNIT_REP:
        with_items = select(PlanItem.plan_id).where(item_scope(viewer))
        return col(Plan.id).in_(with_items)
    if viewer.role is not Role.ADMIN and viewer.authority_root:
        return _under(Plan.issuer_path, viewer.authority_root)  # type: ignore[no-any-return]
    return false()


def item_visible(item: PlanItem, viewer: Viewer) -> bool:
    return may_see_plan_item(viewer, chain_of(item.unit_path))


def plan_by_number(session: Session, issuer_id: str, year: int, number: str) -> Plan | None:
    return session.exec(
        select(Plan).where(Plan.issuer_id == issuer_id, Plan.year == year, Plan.number == number)
    ).first()


def visible_plans(session: Session, viewer: Viewer, year: int | None) -> list[Plan]:
    query = select(Plan).where(plan_scope(viewer))
    if year:
        query = query.where(Plan.year == year)
    return list(session.exec(query.order_by(col(Plan.year).desc(), col(Plan.issued_on))).all())


def visible_plan(session: Session, viewer: Viewer, plan_id: str) -> Plan | None:
    return session.exec(select(Plan).where(Plan.id == plan_id, plan_scope(viewer))).first()


def items_of(session: Session, plan_id: str, viewer: Viewer) -> list[PlanItem]:
    query = select(PlanItem).where(PlanItem.plan_id == plan_id, item_scope(viewer))
    return list(session.exec(query.order_by(col(PlanItem.seq))).all())


def history_of(session: Session, plan_id: str) -> list[PlanChange]:
    query = select(PlanChange).where(PlanChange.plan_id == plan_id).order_by(col(PlanChange.id))
    return list(session.exec(query).all())


# An item's inspections that ended without it: the item may be started again.
ENDED_UNINSPECTED = (InspectionState.CANCELLED.value, InspectionState.VOIDED.value)


class ItemInspection(NamedTuple):
    id: str
    plan_item_id: str
    state: str
    visited_at: datetime | None


def inspections_of_items(
    session: Session, item_ids: Sequence[str]
) -> dict[str, list[ItemInspection]]:
    """The inspections started from each item, oldest decision first (list columns only);
    a voided one was never really started."""
    by_item: dict[str, list[ItemInspection]] = {i: [] for i in item_ids}
    if not item_ids:
        return by_item
    rows = session.exec(
        select(Inspection.id, Inspection.plan_item_id, Inspection.state, Inspection.visited_at)
        .where(
            col(Inspection.plan_item_id).in_(item_ids),
            Inspection.state != InspectionState.VOIDED,
        )
        .order_by(col(Inspection.decided_at))
    ).all()
    for row in rows:
        found = ItemInspection(*row)
        by_item[found.plan_item_id].append(found)
    return by_item


def live_inspection(session: Session, item_id: str) -> Inspection | None:
    """The item's inspection that is not terminated or voided, if any (an item runs one at
    a time)."""
    return session.exec(
        select(Inspection).where(
            Inspection.plan_item_id == item_id, col(Inspection.state).not_in(ENDED_UNINSPECTED)
        )
    ).first()


def terminated_count(session: Session, item_id: str) -> int:
    """How many of the item's inspections were terminated or voided: the next one is
    attempt n + 1."""
    return session.exec(
        select(func.count()).where(
            Inspection.plan_item_id == item_id, col(Inspection.state).in_(ENDED_UNINSPECTED)
        )
    ).one()


def active_units(session: Session, plan_id: str) -> set[str]:
    rows = session.exec(
        select(PlanItem.unit_id).where(
            PlanItem.plan_id == plan_id, PlanItem.status == PlanItemStatus.ACTIVE
        )
    ).all()
    return set(rows)


def plan_counts(session: Session, plan_ids: Sequence[str], viewer: Viewer) -> dict[str, int]:
    """Planned units per plan (replaced items excluded), as the viewer sees them."""
    if not plan_ids:
        return {}
    rows = session.exec(
        select(PlanItem.plan_id, func.count())
        .where(
            col(PlanItem.plan_id).in_(plan_ids),
            PlanItem.status != PlanItemStatus.REPLACED,
            item_scope(viewer),
        )
        .group_by(col(PlanItem.plan_id))
    ).all()
    return dict(rows)
