"""Standing teams (tổ kiểm tra thường trực): established by a decision, kept by coordinators
within their authority, read by decision-makers; inspection teams are formed from them."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from api import teams
from api.deps import SessionDep
from api.errors import audit
from api.scope import ViewerDep
from api.team_schemas import StandingTeamCreate, StandingTeamPublic, StandingTeamsPublic
from states.bounds import ID_MAX
from store import standing_teams as store

router = APIRouter(prefix="/standing-teams", tags=["standing teams"])

TeamId = Annotated[str, Path(max_length=ID_MAX)]
LIST_MAX = 200


@router.get("", response_model=StandingTeamsPublic)
def list_(
    viewer: ViewerDep,
    session: SessionDep,
    active_on: Annotated[
        date | None, Query(description="only the teams in force on this day")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=LIST_MAX)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> StandingTeamsPublic:
    """The standing teams within the caller's authority, newest decision first."""
    teams.may_read(viewer)
    rows = store.listed(session, viewer, active_on)
    data = [teams.public(session, t) for t in rows[offset : offset + limit]]
    return StandingTeamsPublic(data=data, count=len(rows))


@router.post("", status_code=201, response_model=StandingTeamPublic)
async def create(
    body: StandingTeamCreate, request: Request, viewer: ViewerDep, session: SessionDep
) -> StandingTeamPublic:
    """Record a standing team from its decision: members by inspector account, or named
    with their position and office when they hold no account."""
    team = await run_in_threadpool(teams.create, session, viewer, body)
    await run_in_threadpool(
        audit, request, 201, "standing_team_created", f"standing_team {team.id}"
    )
    return await run_in_threadpool(teams.public, session, team)


@router.get("/{team_id}", response_model=StandingTeamPublic)
def detail(team_id: TeamId, viewer: ViewerDep, session: SessionDep) -> StandingTeamPublic:
    teams.may_read(viewer)
    return teams.public(session, teams.found(session, viewer, team_id))


@router.put("/{team_id}", response_model=StandingTeamPublic)
async def replace(
    team_id: TeamId,
    body: StandingTeamCreate,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
) -> StandingTeamPublic:
    """Change a standing team (a later decision): its facts and all its members."""
    team = await run_in_threadpool(teams.update, session, viewer, team_id, body)
    await run_in_threadpool(
        audit, request, 200, "standing_team_changed", f"standing_team {team.id}"
    )
    return await run_in_threadpool(teams.public, session, team)
