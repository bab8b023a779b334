"""Inspections: start, list, detail, one route per command, trail, diagram."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import commands, exports
from api.deps import (
    CommanderDep,
    CurrentUser,
    IdempotencyKey,
    SessionDep,
    actor_of,
)
from api.errors import ApiError, ErrorCode
from api.files import CSV, XLSX, attachment, file_response
from api.schemas import (
    COMMAND_BODIES,
    AllowedAction,
    EventPublic,
    EventsPublic,
    InspectionCreate,
    InspectionDetail,
    InspectionPublic,
    InspectionsPublic,
    TeamCreate,
)
from api.scope import ViewerDep, get_viewer, load_visible
from states import procedure
from states.bounds import EXTENSIONS_MAX, ID_MAX, Note
from states.contract import Contract
from states.diagram import mermaid
from states.models import (
    Actor,
    Command,
    InspectionSnapshot,
    StartInspectionInput,
)
from states.policies import PolicySet
from states.rules import check_actor
from states.scope import Viewer
from states.triggers import COMMAND_PATHS, COMMAND_TYPES
from states.vocabulary import InspectionKind, InspectionState, Trigger
from store import plans
from store.queries import InspectionFilter, events_of, list_inspections
from store.tables import PlanItem, User

router = APIRouter(prefix="/inspections", tags=["inspections"])
# Ids are 32 hex characters today; older ones were shorter. Anything longer is not an id.
InspectionId = Annotated[str, Path(max_length=ID_MAX)]


def action_path(snapshot: InspectionSnapshot, trigger: Trigger) -> str:
    pending = next((e.n for e in snapshot.extensions if e.status == "pending"), 0)
    tail = COMMAND_PATHS[trigger].replace("{n}", str(pending))
    return f"/api/v1/inspections/{snapshot.inspection_id}/{tail}"


def detail_of(snapshot: InspectionSnapshot, actor: Actor) -> InspectionDetail:
    allowed = [
        AllowedAction(trigger=t, path=action_path(snapshot, t))
        for t in procedure.allowed_triggers(snapshot, actor)
    ]
    return InspectionDetail(**snapshot.model_dump(), allowed_actions=allowed)


@router.post("", status_code=201, response_model=InspectionDetail)
async def start_inspection(
    request: Request,
    body: InspectionCreate,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
    commander: CommanderDep,
    idempotency_key: IdempotencyKey = None,
) -> InspectionDetail:
    """Start an inspection from its decision; its workflow runs until closure."""
    actor = actor_of(user, request, viewer)
    inp = await run_in_threadpool(
        _start_input, session, actor, viewer, body, request.app.state.policies, idempotency_key
    )
    return detail_of(await commander.start(session, inp), actor)


def _start_input(
    session: Session,
    actor: Actor,
    viewer: Viewer,
    body: InspectionCreate,
    policies: PolicySet,
    key: str | None,
) -> StartInspectionInput:
    """The checks against the records, off the event loop (a locked database must not stall
    every other request); the connection is back in the pool before Temporal is called."""
    item = session.get(PlanItem, body.plan_item_id) if body.plan_item_id else None
    if item is not None and not plans.item_visible(item, viewer):
        raise ApiError(ErrorCode.INVALID_COMMAND, f"unknown plan item {item.id}", {"id": item.id})
    inp = commands.start_input(session, actor, viewer, body, policies, key)
    commands.release(session)
    return inp


def inspection_filter(
    state: InspectionState | None = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    kind: InspectionKind | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    overdue: bool | None = None,
    plan: Annotated[str | None, Query(max_length=64, description="started from this plan")] = None,
) -> InspectionFilter:
    return InspectionFilter(
        state=state.value if state else None,
        unit=unit,
        kind=kind.value if kind else None,
        year=year,
        overdue=overdue,
        plan=plan,
    )


FilterDep = Annotated[InspectionFilter, Depends(inspection_filter)]


@router.get("", response_model=InspectionsPublic)
def list_(
    viewer: ViewerDep,
    session: SessionDep,
    f: FilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> InspectionsPublic:
    """Inspections from the read model, filtered."""
    rows, count = list_inspections(session, f, viewer, limit, offset)
    return InspectionsPublic(data=[InspectionPublic.model_validate(r) for r in rows], count=count)


# The whole filtered list, not a page; a bound keeps one request from exporting the country.
EXPORT_LIMIT = 100_000


def _exported(session: SessionDep, viewer: ViewerDep, f: FilterDep) -> list[InspectionPublic]:
    rows, _ = list_inspections(session, f, viewer, EXPORT_LIMIT, 0)
    return [InspectionPublic.model_validate(r) for r in rows]


ExportDep = Annotated[list[InspectionPublic], Depends(_exported)]


@router.get(".csv", response_class=Response, responses=file_response(CSV))
def export_csv(rows: ExportDep) -> Response:
    """The filtered list as CSV (same filters as the list)."""
    return attachment(exports.inspections_csv(rows), CSV, "cuoc-kiem-tra.csv")


@router.get(".xlsx", response_class=Response, responses=file_response(XLSX))
def export_xlsx(rows: ExportDep) -> Response:
    """The filtered list as an Excel workbook (same filters as the list)."""
    return attachment(exports.inspections_xlsx(rows), XLSX, "cuoc-kiem-tra.xlsx")


@router.get("/{inspection_id}", response_model=InspectionDetail)
def detail(
    inspection_id: InspectionId,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
) -> InspectionDetail:
    """The inspection's snapshot and the actions the caller may take now."""
    snapshot = load_visible(session, viewer, inspection_id)
    return detail_of(snapshot, actor_of(user, request, viewer))


@router.get("/{inspection_id}/events", response_model=EventsPublic)
def events(inspection_id: InspectionId, viewer: ViewerDep, session: SessionDep) -> EventsPublic:
    """The audit trail: every accepted command, in order."""
    load_visible(session, viewer, inspection_id)
    rows = events_of(session, inspection_id)
    return EventsPublic(data=[EventPublic.model_validate(e) for e in rows], count=len(rows))


class DiagramPublic(BaseModel):
    state: InspectionState
    mermaid: str


@router.get("/{inspection_id}/diagram", response_model=DiagramPublic)
def diagram(inspection_id: InspectionId, viewer: ViewerDep, session: SessionDep) -> DiagramPublic:
    """The lifecycle as mermaid source with the inspection's current state marked."""
    snapshot = load_visible(session, viewer, inspection_id)
    return DiagramPublic(state=snapshot.state, mermaid=mermaid(snapshot.state))


async def _fire(
    trigger: Trigger,
    inspection_id: InspectionId,
    payload: BaseModel,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    commander: CommanderDep,
    idempotency_key: str | None,
) -> InspectionDetail:
    before, command = await run_in_threadpool(
        _command_for, trigger, inspection_id, payload, request, user, session
    )
    snapshot = await commander.fire(
        session, inspection_id, trigger, command, idempotency_key, before
    )
    return detail_of(snapshot, command.actor)


def _command_for(
    trigger: Trigger,
    inspection_id: InspectionId,
    payload: BaseModel,
    request: Request,
    user: User,
    session: Session,
) -> tuple[InspectionSnapshot, Command]:
    """The command, checked against the records off the event loop (see ``_start_input``).

    Who may fire it is checked here already, against the read model (the workflow's
    validator checks again): a refusal costs no call to Temporal, and a caller who may not
    form the team learns nothing about which accounts exist."""
    viewer = get_viewer(user, session)
    actor = actor_of(user, request, viewer)
    before = load_visible(session, viewer, inspection_id)
    check_actor(before, trigger, actor)
    command: Command
    if isinstance(payload, TeamCreate):
        command = commands.team_input(session, actor, payload)
    else:
        command = COMMAND_TYPES[trigger].model_validate({**payload.model_dump(), "actor": actor})
    commands.release(session)
    return before, command


def _command_endpoint(trigger: Trigger) -> Any:
    """The route of one trigger; its body is optional when every field has a default."""
    body_type: Any = COMMAND_BODIES[trigger]

    if all(not f.is_required() for f in body_type.model_fields.values()):

        async def optional_body(
            inspection_id: InspectionId,
            request: Request,
            user: CurrentUser,
            session: SessionDep,
            commander: CommanderDep,
            body: Annotated[body_type | None, Body()] = None,
            idempotency_key: IdempotencyKey = None,
        ) -> InspectionDetail:
            payload = body if body is not None else body_type()
            return await _fire(
                trigger, inspection_id, payload, request, user, session, commander, idempotency_key
            )

        return optional_body

    async def required_body(
        inspection_id: InspectionId,
        body: Annotated[body_type, Body()],
        request: Request,
        user: CurrentUser,
        session: SessionDep,
        commander: CommanderDep,
        idempotency_key: IdempotencyKey = None,
    ) -> InspectionDetail:
        return await _fire(
            trigger, inspection_id, body, request, user, session, commander, idempotency_key
        )

    return required_body


class DecideExtensionBody(Contract):
    grant: bool
    note: Note = ""


@router.post("/{inspection_id}/extensions/{n}/decide", response_model=InspectionDetail)
async def decide_extension(
    inspection_id: InspectionId,
    n: Annotated[int, Path(ge=1, le=EXTENSIONS_MAX)],
    body: DecideExtensionBody,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    commander: CommanderDep,
    idempotency_key: IdempotencyKey = None,
) -> InspectionDetail:
    """The coordinator grants or refuses extension request ``n``."""
    payload = COMMAND_BODIES[Trigger.DECIDE_EXTENSION](n=n, **body.model_dump())
    return await _fire(
        Trigger.DECIDE_EXTENSION,
        inspection_id,
        payload,
        request,
        user,
        session,
        commander,
        idempotency_key,
    )


for _trigger in COMMAND_PATHS:
    if _trigger is Trigger.DECIDE_EXTENSION:
        continue  # its request number is part of the path (above)
    router.add_api_route(
        f"/{{inspection_id}}/{COMMAND_PATHS[_trigger]}",
        _command_endpoint(_trigger),
        methods=["POST"],
        response_model=InspectionDetail,
        name=_trigger.value,
        summary=_trigger.value.replace("_", " "),
    )
