"""Inspections: start, list, detail, one route per command, trail, diagram."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from api import actions, exports
from api.actions import detail_of, fire
from api.deps import (
    CommanderDep,
    CurrentUser,
    IdempotencyKey,
    SessionDep,
    actor_of,
)
from api.files import CSV, XLSX, attachment, file_response
from api.schemas import (
    COMMAND_BODIES,
    EventPublic,
    EventsPublic,
    InspectionCreate,
    InspectionDetail,
    InspectionPublic,
    InspectionsPublic,
)
from api.scope import ViewerDep, load_visible
from states.bounds import EXTENSIONS_MAX, ID_MAX, Note
from states.contract import Contract
from states.diagram import mermaid
from states.triggers import COMMAND_PATHS
from states.vocabulary import InspectionKind, InspectionState, Trigger
from store.queries import InspectionFilter, InspectionSort, events_of, list_inspections

router = APIRouter(prefix="/inspections", tags=["inspections"])
# Ids are 32 hex characters today; older ones were shorter. Anything longer is not an id.
InspectionId = Annotated[str, Path(max_length=ID_MAX)]
# The text a list is searched for (title, decision number).
Q_MAX = 200


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
    return await actions.start(request, body, user, viewer, session, commander, idempotency_key)


def inspection_filter(
    state: InspectionState | None = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    kind: InspectionKind | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    overdue: bool | None = None,
    plan: Annotated[str | None, Query(max_length=64, description="started from this plan")] = None,
    q: Annotated[
        str | None, Query(max_length=Q_MAX, description="in the title or decision number")
    ] = None,
    sort: InspectionSort = InspectionSort.DECIDED,
) -> InspectionFilter:
    return InspectionFilter(
        state=state.value if state else None,
        unit=unit,
        kind=kind.value if kind else None,
        year=year,
        overdue=overdue,
        plan=plan,
        q=(q or "").strip() or None,
        sort=sort,
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


def exported(session: SessionDep, viewer: ViewerDep, f: FilterDep) -> list[InspectionPublic]:
    """The rows an export holds (the web pages' exports call it too)."""
    rows, _ = list_inspections(session, f, viewer, EXPORT_LIMIT, 0)
    return [InspectionPublic.model_validate(r) for r in rows]


ExportDep = Annotated[list[InspectionPublic], Depends(exported)]


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
            try:
                payload = body if body is not None else body_type()
            except ValidationError as empty:
                # An empty body a model-level rule refuses (a team needs members or a
                # standing team): 422 like any other body that does not hold.
                raise RequestValidationError(
                    [{**e, "loc": ("body", *e["loc"])} for e in empty.errors()]
                ) from None
            return await fire(
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
        return await fire(
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
    return await fire(
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
