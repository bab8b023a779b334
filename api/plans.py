"""The plan service: check a plan request against the records and the caller, then write.

Like ``api.commands`` for inspections, every refusal is an ``ApiError`` raised here, before
anything is written.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.commands import Commander, release
from api.errors import ApiError, ErrorCode, not_found
from api.plan_schemas import (
    PlanChangePublic,
    PlanCreate,
    PlanItemCreate,
    PlanItemReplace,
    PlanSlotCreate,
)
from states.checklist import unknown_content
from states.machine import DECIDE_ROLES, TRIGGER_ROLES
from states.models import Actor, CancelInput
from states.plans import (
    ITEM_KINDS,
    SLOT_KINDS,
    PlanItemStatus,
    PlanKind,
    parse_period,
    parse_slot_period,
)
from states.scope import Viewer, within_authority
from states.sides import may_plan
from states.vocabulary import Role, Trigger
from store import checklist as checklists
from store import plans as store
from store import register
from store.queries import ancestry
from store.register import Entry, NumberTaken, RegisterError
from store.tables import Document, Organisation, Plan, PlanChange, PlanItem, PlanSlot


def _require(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if actor.role not in roles:
        raise ApiError(ErrorCode.NOT_ALLOWED, f"role '{actor.role}' may not {what}", None)


def _org(session: Session, org_id: str) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise ApiError(ErrorCode.INVALID_COMMAND, f"unknown organisation {org_id}", {"id": org_id})
    return org


def _chain(session: Session, org: Organisation) -> list[str]:
    return [*ancestry(session, org.id), org.id]


def item_specs(
    session: Session,
    viewer: Viewer,
    plan_kind: PlanKind,
    year: int,
    bodies: list[PlanItemCreate],
    taken: set[str],
    today: date,
) -> list[store.ItemSpec]:
    """Resolve targets to explicit units and check every item; ``taken`` are the units the
    plan already holds. Refuses the whole request on the first problem."""
    specs: list[store.ItemSpec] = []
    for n, body in enumerate(bodies, start=1):
        period = parse_period(body.period)
        if period.start.year != year:
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"item {n}: period {body.period} is outside the plan's year {year}",
                {"item": n},
            )
        unknown = unknown_content(body.content, checklists.current(session))
        if unknown:
            raise ApiError(
                ErrorCode.INVALID_COMMAND, f"item {n}: unknown checklist {unknown}", {"item": n}
            )
        kind = ITEM_KINDS[body.kind or plan_kind]
        if body.target is not None:
            _org(session, body.target.under)
            units = store.subtree(session, body.target.under, body.target.levels, today)
            if not units:
                raise ApiError(
                    ErrorCode.INVALID_COMMAND,
                    f"item {n}: no organisation of levels {body.target.levels} "
                    f"under {body.target.under}",
                    {"item": n},
                )
        else:
            units = [_org(session, body.unit_id or "")]
        outside = [u.name for u in units if not may_plan(viewer, _chain(session, u))]
        if outside:
            raise ApiError(
                ErrorCode.NOT_ALLOWED,
                f"outside the authority of your organisation: {', '.join(outside[:5])}",
                {"units": outside},
            )
        specs.extend(store.ItemSpec(u, period, kind.value, list(body.content)) for u in units)
    twice = Counter(s.unit.id for s in specs)
    duplicates = sorted({s.unit.name for s in specs if s.unit.id in taken or twice[s.unit.id] > 1})
    if duplicates:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"already in the plan: {', '.join(duplicates[:5])}",
            {"units": duplicates},
        )
    return specs


def slot_specs(year: int, bodies: list[PlanSlotCreate]) -> list[store.SlotSpec]:
    """Check every slot: a kind that plans by slots, a period in the plan's year."""
    specs = []
    for n, body in enumerate(bodies, start=1):
        if body.kind not in SLOT_KINDS:
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"slot {n}: only surprise checks are planned without naming the units",
                {"slot": n},
                vi=f"Dòng {n}: chỉ kiểm tra đột xuất mới lập kế hoạch không nêu tên đơn vị.",
            )
        period = parse_slot_period(body.period)
        if period.start.year != year:
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"slot {n}: period {body.period} is outside the plan's year {year}",
                {"slot": n},
            )
        specs.append(
            store.SlotSpec(body.kind.value, period, body.count, body.description, body.level or "")
        )
    return specs


def add_slots(
    session: Session, actor: Actor, plan: Plan, bodies: list[PlanSlotCreate]
) -> list[PlanSlot]:
    _require(actor, DECIDE_ROLES, "add to a plan")
    specs = slot_specs(plan.year, bodies)
    return store.add_slots(session, plan, specs, actor, datetime.now(UTC))


def visible_history(changes: Sequence[PlanChange], visible: set[str]) -> list[PlanChangePublic]:
    """The plan's history as a viewer who sees the items ``visible`` may read it: an entry
    names only those items, and an entry about none of them is left out (its reason and its
    actor concern other units' items)."""
    shown: list[PlanChangePublic] = []
    for change in changes:
        items = [i for i in change.item_ids if i in visible]
        if change.item_ids and not items:
            continue
        public = PlanChangePublic.model_validate(change)
        shown.append(public.model_copy(update={"item_ids": items}))
    return shown


def create_plan(session: Session, viewer: Viewer, actor: Actor, body: PlanCreate) -> Plan:
    _require(actor, DECIDE_ROLES, "draft a plan")
    issuer = _org(session, body.issuer_id or viewer.authority_root or "")
    if not within_authority(viewer, _chain(session, issuer)):
        raise ApiError(
            ErrorCode.NOT_ALLOWED, f"{issuer.name} is outside your authority", {"id": issuer.id}
        )
    if store.plan_by_number(session, issuer.id, body.year, body.number) is not None:
        raise ApiError(
            ErrorCode.CONFLICT, f"plan {body.number} of {body.year} exists", {"number": body.number}
        )
    now = datetime.now(UTC)
    specs = item_specs(session, viewer, body.kind, body.year, body.items, set(), now.date())
    slots = slot_specs(body.year, body.slots)
    plan_id = store.new_id()
    # The plan's number is the register's (KH of its issuer, by the year it is signed): the
    # next one, or the one typed for a plan already issued on paper.
    document = registered(
        session,
        Entry(
            key=f"plan:{plan_id}",
            issuer_id=issuer.id,
            type="KH",
            year=body.issued_on.year,
            subject=body.title,
            signed_on=body.issued_on,
            plan_id=plan_id,
            created_by=actor.user_id,
        ),
        body.number,
    )
    fields = body.model_dump(exclude={"items", "slots", "issuer_id"}) | {
        "id": plan_id,
        "issuer_id": issuer.id,
        "number": document.symbol,
    }
    return store.create_plan(session, fields, specs, actor, now, slots)


def registered(session: Session, entry: Entry, typed: str) -> Document:
    """The document in the register (not yet committed: with what it belongs to), or the
    refusal people read: a number taken is 409, a number of the wrong form 422."""
    try:
        return register.issue(session, entry, typed, commit=False)
    except NumberTaken as e:
        raise ApiError(ErrorCode.CONFLICT, str(e), {"number": typed}, vi=e.vi) from None
    except RegisterError as e:
        raise ApiError(ErrorCode.INVALID_PAYLOAD, str(e), {e.field: typed}, vi=e.vi) from None


def add_items(
    session: Session, viewer: Viewer, actor: Actor, plan: Plan, bodies: list[PlanItemCreate]
) -> list[PlanItem]:
    _require(actor, DECIDE_ROLES, "add to a plan")
    now = datetime.now(UTC)
    taken = store.active_units(session, plan.id)
    specs = item_specs(session, viewer, PlanKind(plan.kind), plan.year, bodies, taken, now.date())
    return store.add_items(session, plan, specs, actor, now)


def active_item(session: Session, plan: Plan, item_id: str, viewer: Viewer) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan.id or not store.item_visible(item, viewer):
        raise not_found("plan item", item_id)
    if item.status != PlanItemStatus.ACTIVE:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"the item was already {item.status} by plan adjustment",
            {"status": item.status},
        )
    return item


def _adjustable(
    session: Session, plan: Plan, item_id: str, viewer: Viewer
) -> tuple[PlanItem, str | None]:
    """The active item and the inspection started from it, if one still runs."""
    item = active_item(session, plan, item_id, viewer)
    live = store.live_inspection(session, item.id)
    release(session)
    return item, live.id if live else None


async def _terminate(
    commander: Commander,
    session: Session,
    actor: Actor,
    item_id: str,
    live_id: str | None,
    reason: str,
    key: str | None,
) -> None:
    """A plan adjustment terminates (đình chỉ) the inspection already started from the item;
    past its conclusion the workflow refuses (409) and the plan stays as it was."""
    if live_id is None:
        return
    command = CancelInput(actor=actor, reason=f"Điều chỉnh kế hoạch: {reason}")
    await commander.fire(
        session,
        live_id,
        Trigger.CANCEL,
        command,
        f"plan-adjustment:{item_id}:{key}" if key else None,
    )


# The database work runs in threads: a slow or locked database must not stall the event loop.


async def cancel_item(
    commander: Commander,
    session: Session,
    viewer: Viewer,
    actor: Actor,
    plan: Plan,
    item_id: str,
    reason: str,
    key: str | None,
) -> PlanItem:
    _require(actor, TRIGGER_ROLES[Trigger.CANCEL], "adjust a plan")
    item, live_id = await run_in_threadpool(_adjustable, session, plan, item_id, viewer)
    await _terminate(commander, session, actor, item.id, live_id, reason, key)
    await run_in_threadpool(store.cancel_item, session, item, reason, actor, datetime.now(UTC))
    return item


def _replacement(
    session: Session, viewer: Viewer, plan: Plan, item: PlanItem, body: PlanItemReplace
) -> store.ItemSpec:
    content = item.content if body.content is None else body.content
    taken = store.active_units(session, plan.id) - {item.unit_id}
    (spec,) = item_specs(
        session,
        viewer,
        PlanKind(item.kind),
        plan.year,
        [PlanItemCreate(unit_id=body.unit_id, period=body.period, content=content)],
        taken,
        datetime.now(UTC).date(),
    )
    release(session)
    return spec


async def replace_item(
    commander: Commander,
    session: Session,
    viewer: Viewer,
    actor: Actor,
    plan: Plan,
    item_id: str,
    body: PlanItemReplace,
    key: str | None,
) -> PlanItem:
    _require(actor, TRIGGER_ROLES[Trigger.CANCEL], "adjust a plan")
    item, live_id = await run_in_threadpool(_adjustable, session, plan, item_id, viewer)
    spec = await run_in_threadpool(_replacement, session, viewer, plan, item, body)
    await _terminate(commander, session, actor, item.id, live_id, body.reason, key)
    return await run_in_threadpool(
        store.replace_item, session, plan, item, spec, body.reason, actor, datetime.now(UTC)
    )
