"""Annual plans: draft, add items, adjust (cancel or replace an item), read with coverage."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from api import plans as service
from api.deps import (
    CommanderDep,
    CurrentUser,
    IdempotencyKey,
    SessionDep,
    actor_of,
)
from api.errors import not_found
from api.plan_schemas import (
    PlanCreate,
    PlanDetail,
    PlanItemCancel,
    PlanItemPublic,
    PlanItemReplace,
    PlanItemsCreate,
    PlanPublic,
    PlanSlotPublic,
    PlanSlotsCreate,
    PlansPublic,
)
from api.scope import ViewerDep
from states.calendar import local_date
from states.plans import slot_figures
from states.scope import Viewer, may_see_plan_slots
from store import plans as store
from store.queries import slot_inspections
from store.reports import coverage
from store.tables import Plan

router = APIRouter(prefix="/plans", tags=["plans"])


def _visible(session: SessionDep, viewer: Viewer, plan_id: str) -> Plan:
    plan = store.visible_plan(session, viewer, plan_id)
    if plan is None:
        raise not_found("plan", plan_id)
    return plan


def detail_of(session: SessionDep, viewer: Viewer, plan: Plan) -> PlanDetail:
    """The plan as the viewer sees it: items with where each stands, coverage, history."""
    report = coverage(session, viewer, plan, local_date(datetime.now(UTC)))
    covered = {row.item_id: row for row in report.items}
    visible = store.items_of(session, plan.id, viewer)
    ids = {item.id for item in visible}
    items = []
    for item in visible:
        row = covered.get(item.id)
        items.append(
            PlanItemPublic.model_validate(item).model_copy(
                update={
                    "coverage": row.status if row else None,
                    "inspection_id": row.inspection_id if row else None,
                    "inspection_state": row.inspection_state if row else None,
                    # An item another unit's item replaced (or that replaced it) names it
                    # only for a caller who may see that one too.
                    "replaces_id": item.replaces_id if item.replaces_id in ids else None,
                    "replaced_by_id": item.replaced_by_id if item.replaced_by_id in ids else None,
                }
            )
        )
    return PlanDetail(
        **PlanPublic.model_validate(plan).model_dump(exclude={"units"}),
        units=report.overall.planned - report.slot_checks,
        items=items,
        slots=slots_of(session, viewer, plan),
        coverage=report.overall,
        history=service.visible_history(store.history_of(session, plan.id), ids),
    )


def slots_of(session: SessionDep, viewer: Viewer, plan: Plan) -> list[PlanSlotPublic]:
    """The plan's slots for the issuing side (a unit's representative reads only its own
    items), each with the inspections filling it that the caller may see."""
    if not may_see_plan_slots(viewer):
        return []
    slots = store.slots_of(session, plan.id)
    fills = store.slot_fills(session, [s.id for s in slots])
    visible = slot_inspections(session, viewer, [s.id for s in slots])
    found = []
    for slot in slots:
        figures = slot_figures(slot.count, fills[slot.id])
        found.append(
            PlanSlotPublic.model_validate(slot).model_copy(
                update={
                    "filled": figures.filled,
                    "inspected": figures.inspected,
                    "open": figures.open,
                    "inspection_ids": visible.get(slot.id, []),
                }
            )
        )
    return found


@router.get("", response_model=PlansPublic)
def list_(
    viewer: ViewerDep,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> PlansPublic:
    """The plans the caller may read, newest year first."""
    rows = store.visible_plans(session, viewer, year)
    units = store.plan_counts(session, [p.id for p in rows], viewer)
    data = [
        PlanPublic.model_validate(p).model_copy(update={"units": units.get(p.id, 0)}) for p in rows
    ]
    return PlansPublic(data=data, count=len(data))


@router.post("", status_code=201, response_model=PlanDetail)
def create(
    body: PlanCreate, request: Request, user: CurrentUser, viewer: ViewerDep, session: SessionDep
) -> PlanDetail:
    """Draft a plan with its items; targets are resolved to explicit units now."""
    plan = service.create_plan(session, viewer, actor_of(user, request, viewer), body)
    return detail_of(session, viewer, plan)


@router.get("/{plan_id}", response_model=PlanDetail)
def detail(plan_id: str, viewer: ViewerDep, session: SessionDep) -> PlanDetail:
    return detail_of(session, viewer, _visible(session, viewer, plan_id))


@router.post("/{plan_id}/items", status_code=201, response_model=PlanDetail)
def add_items(
    plan_id: str,
    body: PlanItemsCreate,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
) -> PlanDetail:
    plan = _visible(session, viewer, plan_id)
    service.add_items(session, viewer, actor_of(user, request, viewer), plan, body.items)
    return detail_of(session, viewer, plan)


@router.post("/{plan_id}/slots", status_code=201, response_model=PlanDetail)
def add_slots(
    plan_id: str,
    body: PlanSlotsCreate,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
) -> PlanDetail:
    """Surprise checks the plan schedules without naming the units."""
    plan = _visible(session, viewer, plan_id)
    service.add_slots(session, actor_of(user, request, viewer), plan, body.slots)
    return detail_of(session, viewer, plan)


@router.post("/{plan_id}/items/{item_id}/cancel", response_model=PlanDetail)
async def cancel_item(
    plan_id: str,
    item_id: str,
    body: PlanItemCancel,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
    commander: CommanderDep,
    idempotency_key: IdempotencyKey = None,
) -> PlanDetail:
    """Plan adjustment: the item is cancelled with its reason; an inspection already started
    from it is terminated (đình chỉ) first."""
    plan = await run_in_threadpool(_visible, session, viewer, plan_id)
    actor = actor_of(user, request, viewer)
    await service.cancel_item(
        commander, session, viewer, actor, plan, item_id, body.reason, idempotency_key
    )
    return await run_in_threadpool(detail_of, session, viewer, plan)


@router.post("/{plan_id}/items/{item_id}/replace", status_code=201, response_model=PlanDetail)
async def replace_item(
    plan_id: str,
    item_id: str,
    body: PlanItemReplace,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
    commander: CommanderDep,
    idempotency_key: IdempotencyKey = None,
) -> PlanDetail:
    """Plan adjustment: another unit or period instead of the item."""
    plan = await run_in_threadpool(_visible, session, viewer, plan_id)
    actor = actor_of(user, request, viewer)
    await service.replace_item(
        commander, session, viewer, actor, plan, item_id, body, idempotency_key
    )
    return await run_in_threadpool(detail_of, session, viewer, plan)
