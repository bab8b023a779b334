"""A unit's remediation items across all its inspections, with their due dates."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.bounds import DAY_RANGE, Day
from api.deps import SessionDep
from api.errors import ApiError, ErrorCode
from api.scope import ViewerDep
from states.bounds import ID_MAX
from states.calendar import local_date
from states.reports import RemediationEntry
from states.vocabulary import RemediationStatus
from store.queries import ancestry
from store.remediations import RemediationFilter, remediations
from store.tables import Organisation

MAX_OFFSET = 1_000_000

router = APIRouter(prefix="/remediations", tags=["remediations"])


class RemediationsPublic(BaseModel):
    data: list[RemediationEntry]
    count: int


@router.get("", response_model=RemediationsPublic)
def list_(
    viewer: ViewerDep,
    session: SessionDep,
    status: RemediationStatus | None = None,
    due_before: Annotated[
        Day | None, Query(description=f"due strictly before this day, {DAY_RANGE}")
    ] = None,
    unit_id: Annotated[
        str | None, Query(max_length=ID_MAX, description="only this unit and its subtree")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> RemediationsPublic:
    """Remediation items of the inspections the caller may see: a unit's representative
    its own unit's (never a secret inspection's), an office its authority's; overdue
    first, then by due date."""
    within: tuple[str, ...] = ()
    if unit_id:
        unit = session.get(Organisation, unit_id)
        if unit is None:
            raise ApiError(
                ErrorCode.INVALID_COMMAND, f"unknown organisation {unit_id}", {"unit_id": unit_id}
            )
        within = (*ancestry(session, unit.id), unit.id)
    today = local_date(datetime.now(UTC))
    f = RemediationFilter(status=status, due_before=due_before, within=within)
    rows, count = remediations(session, viewer, f, today, limit, offset)
    return RemediationsPublic(
        data=rows,
        count=count,
    )
