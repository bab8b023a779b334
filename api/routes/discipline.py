"""Discipline records: recommended by the issuing side, decided by the managing authority."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from api import discipline
from api.deps import CurrentUser, SessionDep
from api.discipline import (
    DisciplineCreate,
    DisciplineDecision,
    DisciplineListPublic,
    DisciplinePublic,
)
from api.paper import today
from api.scope import ViewerDep, load_visible
from states.bounds import ID_MAX
from states.discipline import DisciplineStatus
from store import discipline as records

router = APIRouter(tags=["discipline"])
RecordId = Annotated[str, Path(max_length=ID_MAX)]
InspectionId = Annotated[str, Path(max_length=ID_MAX)]
MAX_OFFSET = 1_000_000


@router.post(
    "/inspections/{inspection_id}/discipline", status_code=201, response_model=DisciplinePublic
)
def recommend(
    inspection_id: InspectionId, body: DisciplineCreate, viewer: ViewerDep, session: SessionDep
) -> DisciplinePublic:
    """Record one person the conclusion recommends for discipline (issuing side leadership,
    after the conclusion); the managing authority has 90 days (150 when complex)."""
    snapshot = load_visible(session, viewer, inspection_id)
    row = discipline.create(session, snapshot, viewer, body)
    return discipline.public(row, session)


@router.get("/inspections/{inspection_id}/discipline", response_model=DisciplineListPublic)
def of_inspection(
    inspection_id: InspectionId, viewer: ViewerDep, session: SessionDep
) -> DisciplineListPublic:
    """The inspection's discipline records (its issuing side: organisation, office, team)."""
    snapshot = load_visible(session, viewer, inspection_id)
    discipline.require_issuing_side(snapshot, viewer)
    rows = records.of_inspection(session, inspection_id)
    return DisciplineListPublic(data=discipline.listed(rows, session), count=len(rows))


@router.post("/discipline/{record_id}/decision", response_model=DisciplinePublic)
async def decide(
    record_id: RecordId, body: DisciplineDecision, viewer: ViewerDep, session: SessionDep
) -> DisciplinePublic:
    """The managing authority's answer: decided (form, decision number, date) or not pursued
    (reason); the issuing side may record it from the authority's paper."""
    row = await run_in_threadpool(discipline.decide, session, viewer, record_id, body)
    return discipline.public(row, session)


@router.get("/discipline", response_model=DisciplineListPublic)
def list_(
    viewer: ViewerDep,
    session: SessionDep,
    user: CurrentUser,
    status: DisciplineStatus | None = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> DisciplineListPublic:
    """What the caller's office must decide as managing authority, and what its
    inspections recommended (coordinators and decision-makers)."""
    discipline.require_office(viewer)
    on = today()
    rows, count = records.listing(session, viewer, status, overdue, on, limit, offset)
    return DisciplineListPublic(data=discipline.listed(rows, session, on), count=count)
