"""Plans: the list (and drafting a plan), a plan with where each item stands, its coverage
bars, plan adjustments (cancel or replace an item, with the reason) and its history.

Every read and write is the JSON API's own (``api.routes.plans.detail_of``, the plan service
``api.plans``, ``store.plans``); the page reads forms, and shows a refusal next to its field.
A plan the person may not see is the same 404 page as one that does not exist.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import plans as service
from api.deps import CommanderDep, SessionDep
from api.errors import ApiError, ErrorCode, message_for, not_found
from api.plan_schemas import (
    PlanCreate,
    PlanDetail,
    PlanItemCancel,
    PlanItemPublic,
    PlanItemReplace,
    PlanItemsCreate,
    PlanPublic,
    PlanSlotsCreate,
)
from api.routes.plans import detail_of
from api.web.caller import InspectionCallerDep, PageCaller
from api.web.i18n import gettext
from api.web.render import page
from api.web.reports import coverage_bars, number, percent_text
from api.web.session import check_csrf, read_session
from states.bounds import (
    CODE_MAX,
    ID_MAX,
    LEGAL_BASIS_MAX,
    NAME_MAX,
    NOTE_MAX,
    NUMBER_MAX,
    TITLE_MAX,
)
from states.calendar import local_date
from states.checklist import GROUPS
from states.machine import DECIDE_ROLES, TRIGGER_ROLES
from states.plans import CoverageStatus, PlanChangeAction, PlanItemStatus, PlanKind
from states.scope import Viewer
from states.vocabulary import InspectionKind, InspectionState, Trigger
from store import plans as store
from store.queries import decision_numbers
from store.reports import coverage
from store.tables import Organisation, Plan

router = APIRouter(dependencies=[Depends(check_csrf)])

PlanId = Annotated[str, Path(max_length=ID_MAX)]
ItemId = Annotated[str, Path(max_length=ID_MAX)]
PERIOD_MAX = 7  # 2026-03, 2026-Q2
FOCUS_MAX = 20 * (NAME_MAX + 2)

# What a person is told about a field the API's schema refused (English message ids).
FIELD_MESSAGES: dict[str, str] = {
    "number": "Write the number as 207/KH-UBND.",
    "year": "Enter a year between 2000 and 2100.",
    "issued_on": "Enter a valid date.",
    "title": "Enter the title.",
    "topic": "The topic is too long.",
    "focus": "At most 20 focuses, one per line, each on one line.",
    "legal_basis": "The legal basis is too long.",
    "period": "Write the period as 2026-03 (a month) or 2026-Q2 (a quarter).",
    "kind": "Choose a kind from the list.",
    "content": "Choose checklist groups from the list.",
    "reason": "Give the reason.",
    "unit": "Choose one unit, or every unit of one level under an organisation.",
    "count": "Enter a number of checks from 1 to 1000.",
    "description": "The description is too long.",
}
_UNIT_FIELDS = {"unit_id", "target", "under", "levels"}
ACTION_LABELS: dict[PlanChangeAction, str] = {
    PlanChangeAction.CREATED: "Plan drafted",
    PlanChangeAction.ITEMS_ADDED: "Items added",
    PlanChangeAction.ITEM_CANCELLED: "Item cancelled",
    PlanChangeAction.ITEM_REPLACED: "Item replaced",
    PlanChangeAction.SLOTS_ADDED: "Surprise checks added",
}
# Organisation levels are free text in the tree; the usual ones have a name.
LEVEL_NAMES: dict[str, str] = {
    "province": "Provinces",
    "department": "Departments",
    "agency": "Agencies under departments",
    "commune": "Communes",
    "ward": "Wards",
    "special_zone": "Special zones",
    "school": "Schools",
    "public_service_unit": "Public service units",
    "one_stop_shop": "One-stop shops",
    "district": "Districts",
}
DONE_NOTICES: dict[str, str] = {
    "created": "The plan was drafted. Add its items below.",
    "added": "The items were added to the plan.",
    "cancelled": "The item was cancelled.",
    "replaced": "The item was replaced.",
    "slots": "The surprise checks were added to the plan.",
}


def _today() -> date:
    return local_date(datetime.now(UTC))


def field_errors(error: ValidationError, language: str) -> dict[str, str]:
    """The schema's refusal, by the form field it concerns, in the person's language."""
    found: dict[str, str] = {}
    for e in error.errors():
        names = [part for part in e.get("loc", ()) if isinstance(part, str)]
        if names == ["items"] or any(n in _UNIT_FIELDS for n in names):
            name = "unit"  # one unit or one target: the item's own check
        else:
            name = next((n for n in reversed(names) if n in FIELD_MESSAGES), "")
        found.setdefault(name, gettext(language, FIELD_MESSAGES.get(name, "Check this field.")))
    return found


def refusal_text(refused: ApiError, language: str) -> str:
    """The API's refusal as people read it, with the units it names (already in the plan,
    outside the office's authority)."""
    text = message_for(refused.error, language, refused.message, refused.vi)
    units = refused.detail.get("units") if isinstance(refused.detail, dict) else None
    if language != "en" and isinstance(units, list) and units:
        text += " (" + ", ".join(str(u) for u in units[:5]) + ")"
    return text


def visible_plan(db: Session, viewer: Viewer, plan_id: str) -> Plan:
    plan = store.visible_plan(db, viewer, plan_id)
    if plan is None:
        raise not_found("plan", plan_id)
    return plan


def unit_choices(db: Session, viewer: Viewer) -> list[tuple[Organisation, int]]:
    """The organisations under the office's authority in tree order, with their depth."""
    if not viewer.authority_root:
        return []
    found = store.subtree(db, viewer.authority_root, None, _today())
    children: dict[str | None, list[Organisation]] = {}
    for org in found:
        children.setdefault(org.parent_id, []).append(org)
    ordered: list[tuple[Organisation, int]] = []

    def walk(parent: str, depth: int) -> None:
        for org in children.get(parent, []):
            ordered.append((org, depth))
            walk(org.id, depth + 1)

    walk(viewer.authority_root, 0)
    return ordered


def _form_values(form: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(form or {})


@router.get("/plans")
def plans(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    year: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    """The plans the person may read (the API's list), newest year first."""
    language = read_session(request).language
    errors: dict[str, str] = {}
    chosen: int | None = None
    if year.strip():
        try:
            chosen = int(year)
            if not 2000 <= chosen <= 2100:
                raise ValueError(year)
        except ValueError:
            errors["year"] = gettext(language, FIELD_MESSAGES["year"])
            chosen = None
    return _plans_page(request, caller, db, year_filter=year, chosen=chosen, errors=errors)


def _plans_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    *,
    year_filter: str = "",
    chosen: int | None = None,
    errors: dict[str, str] | None = None,
    draft: Mapping[str, Any] | None = None,
    refusal: str = "",
    status: int | None = None,
) -> HTMLResponse:
    rows = store.visible_plans(db, caller.viewer, chosen)
    units = store.plan_counts(db, [p.id for p in rows], caller.viewer)
    data = [
        PlanPublic.model_validate(p).model_copy(update={"units": units.get(p.id, 0)}) for p in rows
    ]
    errors = errors or {}
    return page(
        request,
        "plans.html",
        {
            "plans": data,
            "year_filter": year_filter,
            "year_error": errors.get("year", ""),
            "errors": errors,
            "draft": _form_values(draft),
            "refusal": refusal,
            "may_draft": caller.role in DECIDE_ROLES,
            "plan_kinds": list(PlanKind),
            "this_year": _today().year,
        },
        status=status or (422 if errors else 200),
    )


@router.post("/plans")
def draft_plan(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    number: Annotated[str, Form(max_length=NUMBER_MAX)] = "",
    year: Annotated[str, Form(max_length=4)] = "",
    kind: Annotated[str, Form(max_length=20)] = PlanKind.PLANNED.value,
    issued_on: Annotated[str, Form(max_length=10)] = "",
    title: Annotated[str, Form(max_length=TITLE_MAX)] = "",
    topic: Annotated[str, Form(max_length=500)] = "",
    focus: Annotated[str, Form(max_length=FOCUS_MAX)] = "",
    legal_basis: Annotated[str, Form(max_length=LEGAL_BASIS_MAX)] = "",
) -> Response:
    """Draft a plan (the API's ``POST /plans``); its items are added on the plan's page."""
    language = read_session(request).language
    draft = {
        "number": number.strip(),
        "year": year.strip(),
        "kind": kind,
        "issued_on": issued_on.strip(),
        "title": title.strip(),
        "topic": topic.strip(),
        "focus": [line.strip() for line in focus.splitlines() if line.strip()],
        "legal_basis": legal_basis.strip(),
    }
    shown = draft | {"focus": focus}
    try:
        body = PlanCreate.model_validate(draft)
        plan = service.create_plan(db, caller.viewer, caller.actor, body)
    except ValidationError as invalid:
        errors = field_errors(invalid, language)
        return _plans_page(request, caller, db, errors=errors, draft=shown, status=422)
    except ApiError as refused:
        return _plans_page(
            request,
            caller,
            db,
            draft=shown,
            refusal=refusal_text(refused, language),
            status=refused.status,
        )
    return RedirectResponse(f"/plans/{plan.id}?done=created", status_code=303)


def _plan_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    plan: Plan,
    *,
    status: int = 200,
    form: str = "",
    errors: dict[str, str] | None = None,
    refusal: str = "",
    values: Mapping[str, Any] | None = None,
    done: str = "",
) -> HTMLResponse:
    """The plan as the API's ``GET /plans/{id}`` answers it, with its coverage by level.

    ``form`` names the form a refusal belongs to (``add``, or ``cancel:<item id>``)."""
    language = read_session(request).language
    detail = detail_of(db, caller.viewer, plan)
    by_level = coverage(db, caller.viewer, plan, _today()).by_level
    may_add = caller.role in DECIDE_ROLES
    choices = unit_choices(db, caller.viewer) if may_add else []
    return page(
        request,
        "plan.html",
        {
            "plan": detail,
            "names": {i.id: f"#{i.seq} {i.unit_name}" for i in detail.items},
            # The inspections filling a slot (only those the caller sees) by their decision.
            "decisions": decision_numbers(db, [i for s in detail.slots for i in s.inspection_ids]),
            "seqs": {i.id: i.seq for i in detail.items},
            "levels": [
                (level.label_en if language == "en" else level.label_vi, level)
                for level in by_level
            ],
            "bars": coverage_bars,
            "number": lambda n: number(n, language),
            "pct": lambda v: percent_text(v, language),
            "may_add": may_add,
            "may_adjust": caller.role in TRIGGER_ROLES[Trigger.CANCEL],
            "may_start": may_add,
            "units": choices,
            "unit_levels": sorted({org.level for org, _ in choices}),
            "slot_levels": sorted(LEVEL_NAMES),
            "level_names": {k: gettext(language, v) for k, v in LEVEL_NAMES.items()},
            "groups": GROUPS,
            "form": form,
            "errors": errors or {},
            "refusal": refusal,
            "values": _form_values(values),
            "done": gettext(language, DONE_NOTICES[done]) if done in DONE_NOTICES else "",
            "action_labels": {k.value: gettext(language, v) for k, v in ACTION_LABELS.items()},
            "InspectionKind": InspectionKind,
            "InspectionState": InspectionState,
            "CoverageStatus": CoverageStatus,
            "PlanItemStatus": PlanItemStatus,
        },
        status=status,
    )


@router.get("/plans/{plan_id}")
def plan_page(
    request: Request,
    plan_id: PlanId,
    caller: InspectionCallerDep,
    db: SessionDep,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _plan_page(request, caller, db, visible_plan(db, caller.viewer, plan_id), done=done)


@router.post("/plans/{plan_id}/items")
def add_items(
    request: Request,
    plan_id: PlanId,
    caller: InspectionCallerDep,
    db: SessionDep,
    unit_id: Annotated[str, Form(max_length=ID_MAX)] = "",
    under: Annotated[str, Form(max_length=ID_MAX)] = "",
    level: Annotated[str, Form(max_length=ID_MAX)] = "",
    period: Annotated[str, Form(max_length=PERIOD_MAX + 10)] = "",
    content: Annotated[list[str] | None, Form(max_length=len(GROUPS))] = None,
) -> Response:
    """Add one unit, or every unit of a level under an organisation (the API's
    ``POST /plans/{id}/items``)."""
    plan = visible_plan(db, caller.viewer, plan_id)
    codes = [c[:CODE_MAX] for c in content or []]
    values: dict[str, Any] = {"unit_id": unit_id, "under": under, "level": level}
    values |= {"period": period.strip(), "content": codes}
    item: dict[str, Any] = {"period": period.strip(), "content": codes}
    if unit_id:
        item["unit_id"] = unit_id
    if under or level:
        item["target"] = {"under": under, "levels": [level] if level else []}

    def add() -> None:
        body = PlanItemsCreate.model_validate({"items": [item]})
        service.add_items(db, caller.viewer, caller.actor, plan, body.items)

    return _plan_form(request, caller, db, plan, "add", values, add, "added#items")


@router.post("/plans/{plan_id}/slots")
def add_slots(
    request: Request,
    plan_id: PlanId,
    caller: InspectionCallerDep,
    db: SessionDep,
    period: Annotated[str, Form(max_length=PERIOD_MAX + 10)] = "",
    count: Annotated[str, Form(max_length=10)] = "",
    level: Annotated[str, Form(max_length=ID_MAX)] = "",
    description: Annotated[str, Form(max_length=NAME_MAX)] = "",
) -> Response:
    """Surprise checks scheduled without naming the units (the API's
    ``POST /plans/{id}/slots``)."""
    plan = visible_plan(db, caller.viewer, plan_id)
    values = {"period": period.strip(), "count": count.strip(), "level": level}
    values["description"] = description.strip()
    slot: dict[str, Any] = {"period": values["period"], "count": values["count"] or None}
    slot |= {"level": level or None, "description": values["description"]}

    def add() -> None:
        body = PlanSlotsCreate.model_validate({"slots": [slot]})
        service.add_slots(db, caller.actor, plan, body.slots)

    return _plan_form(request, caller, db, plan, "slots", values, add, "slots#slots")


def _plan_form(
    request: Request,
    caller: PageCaller,
    db: Session,
    plan: Plan,
    form: str,
    values: dict[str, Any],
    act: Callable[[], None],
    done: str,
) -> Response:
    """Run one of the plan page's forms: back to the plan page saying what was done, or the
    page again with the refusal next to ``form`` (the schema's, or the API's)."""
    language = read_session(request).language
    try:
        act()
    except ValidationError as invalid:
        errors = field_errors(invalid, language)
        return _plan_page(
            request, caller, db, plan, status=422, form=form, errors=errors, values=values
        )
    except ApiError as refused:
        if refused.error is ErrorCode.NOT_FOUND:
            raise
        return _plan_page(
            request,
            caller,
            db,
            plan,
            status=refused.status,
            form=form,
            refusal=refusal_text(refused, language),
            values=values,
        )
    return RedirectResponse(f"/plans/{plan.id}?done={done}", status_code=303)


@router.post("/plans/{plan_id}/items/{item_id}/cancel")
async def cancel_item(
    request: Request,
    plan_id: PlanId,
    item_id: ItemId,
    caller: InspectionCallerDep,
    db: SessionDep,
    commander: CommanderDep,
    reason: Annotated[str, Form(max_length=NOTE_MAX)] = "",
) -> Response:
    """Plan adjustment: the item is cancelled with its reason (the API's
    ``POST /plans/{id}/items/{item}/cancel``, which first terminates a running inspection)."""
    language = read_session(request).language
    plan = await run_in_threadpool(visible_plan, db, caller.viewer, plan_id)
    form = f"cancel:{item_id}"
    try:
        body = PlanItemCancel(reason=reason.strip())
        await service.cancel_item(
            commander, db, caller.viewer, caller.actor, plan, item_id, body.reason, None
        )
    except ValidationError as invalid:
        errors = field_errors(invalid, language)
        return await run_in_threadpool(
            _plan_page, request, caller, db, plan, status=422, form=form, errors=errors
        )
    except ApiError as refused:
        if refused.error is ErrorCode.NOT_FOUND:
            raise
        text = refusal_text(refused, language)
        return await run_in_threadpool(
            _plan_page,
            request,
            caller,
            db,
            plan,
            status=refused.status,
            form=form,
            refusal=text,
            values={"reason": reason},
        )
    return RedirectResponse(f"/plans/{plan.id}?done=cancelled#item-{item_id}", status_code=303)


def _item(detail: PlanDetail, item_id: str) -> PlanItemPublic:
    found = next((i for i in detail.items if i.id == item_id), None)
    if found is None:
        raise not_found("plan item", item_id)
    return found


def _replace_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    plan: Plan,
    item_id: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    refusal: str = "",
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    detail = detail_of(db, caller.viewer, plan)
    item = _item(detail, item_id)
    return page(
        request,
        "plan_replace.html",
        {
            "plan": detail,
            "item": item,
            "units": unit_choices(db, caller.viewer),
            "errors": errors or {},
            "refusal": refusal,
            "values": dict(values or {"unit_id": item.unit_id, "period": item.period}),
            "active": item.status == PlanItemStatus.ACTIVE,
            "may_adjust": caller.role in TRIGGER_ROLES[Trigger.CANCEL],
            "InspectionKind": InspectionKind,
        },
        status=status,
    )


@router.get("/plans/{plan_id}/items/{item_id}/replace")
def replace_form(
    request: Request, plan_id: PlanId, item_id: ItemId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    plan = visible_plan(db, caller.viewer, plan_id)
    return _replace_page(request, caller, db, plan, item_id)


@router.post("/plans/{plan_id}/items/{item_id}/replace")
async def replace_item(
    request: Request,
    plan_id: PlanId,
    item_id: ItemId,
    caller: InspectionCallerDep,
    db: SessionDep,
    commander: CommanderDep,
    unit_id: Annotated[str, Form(max_length=ID_MAX)] = "",
    period: Annotated[str, Form(max_length=PERIOD_MAX + 10)] = "",
    reason: Annotated[str, Form(max_length=NOTE_MAX)] = "",
) -> Response:
    """Plan adjustment: another unit or period instead of the item (the API's
    ``POST /plans/{id}/items/{item}/replace``)."""
    language = read_session(request).language
    plan = await run_in_threadpool(visible_plan, db, caller.viewer, plan_id)
    values = {"unit_id": unit_id, "period": period.strip(), "reason": reason}
    try:
        body = PlanItemReplace.model_validate(
            {"unit_id": unit_id, "period": period.strip(), "reason": reason.strip()}
        )
        await service.replace_item(
            commander, db, caller.viewer, caller.actor, plan, item_id, body, None
        )
    except ValidationError as invalid:
        errors = field_errors(invalid, language)
        if "unit" in errors:
            errors["unit_id"] = errors.pop("unit")
        return await run_in_threadpool(
            _replace_page,
            request,
            caller,
            db,
            plan,
            item_id,
            status=422,
            errors=errors,
            values=values,
        )
    except ApiError as refused:
        if refused.error is ErrorCode.NOT_FOUND:
            raise
        return await run_in_threadpool(
            _replace_page,
            request,
            caller,
            db,
            plan,
            item_id,
            status=refused.status,
            refusal=refusal_text(refused, language),
            values=values,
        )
    return RedirectResponse(f"/plans/{plan.id}?done=replaced#items", status_code=303)
