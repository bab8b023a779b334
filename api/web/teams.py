"""People and standing teams: the directory of people within the caller's authority (with a
search that ignores case and diacritics), and the standing teams (tổ kiểm tra thường trực)
coordinators keep — listed, recorded from their decision, changed by a later one.

Every read and write is the JSON API's own (``store.directory``, ``api.teams``); a team the
person may not see is the same 404 page as one that does not exist."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import teams
from api.deps import SessionDep, require_role
from api.errors import ApiError, audit, message_for
from api.routes.people import DIRECTORY_READERS
from api.team_schemas import PEOPLE_PAGE_MAX, StandingTeamCreate
from api.web import forms
from api.web.caller import InspectionCallerDep, PageCaller, PageCallerDep
from api.web.render import page
from api.web.session import check_csrf, read_session
from states.bounds import ID_MAX, NAME_MAX, TEAM_MAX
from states.vocabulary import Role, TeamRole
from store import standing_teams as store
from store.directory import DIRECTORY_ROLES, inspectors_within, people_within

router = APIRouter(dependencies=[Depends(check_csrf)])

TeamId = Annotated[str, Path(max_length=ID_MAX)]
PAGE = 50
SPARE_ROWS = 3


@router.get("/people")
def people_page(
    request: Request,
    caller: PageCallerDep,
    db: SessionDep,
    q: Annotated[str, Query(max_length=NAME_MAX)] = "",
    role: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    """The directory: active accounts within the caller's authority, by office and name."""
    require_role(caller.user, *DIRECTORY_READERS)
    chosen = role if role in DIRECTORY_ROLES else None
    rows, count = people_within(
        db, caller.viewer.authority_root, q, chosen, None, min(PAGE, PEOPLE_PAGE_MAX), offset
    )
    return page(
        request,
        "people.html",
        {
            "rows": rows,
            "count": count,
            "q": q,
            "role": chosen or "",
            "roles": [Role(r) for r in DIRECTORY_ROLES],
            "Role": Role,
            "offset": offset,
            "page_size": PAGE,
            "may_keep_teams": caller.role is Role.COORDINATOR,
        },
        block="results",
    )


@router.get("/standing-teams")
def standing_teams_page(request: Request, caller: InspectionCallerDep, db: SessionDep) -> Response:
    teams.may_read(caller.viewer)
    today = teams.today()
    listed = store.listed(db, caller.viewer)
    return page(
        request,
        "standing_teams.html",
        {
            "rows": [
                (t, store.active_on(t, today), len(store.members_of(db, t.id))) for t in listed
            ],
            "may_keep": caller.role is Role.COORDINATOR,
        },
    )


def _form_context(
    db: Session, caller: PageCaller, values: dict[str, Any], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "v": values,
        "rows": rows,
        "row_count": min(TEAM_MAX, len(rows) + SPARE_ROWS),
        "candidates": inspectors_within(db, caller.viewer.authority_root),
        "TeamRole": TeamRole,
        "may_keep": caller.role is Role.COORDINATOR,
        "refusal": None,
    }


@router.get("/standing-teams/new")
def new_standing_team(request: Request, caller: InspectionCallerDep, db: SessionDep) -> Response:
    teams.may_keep(caller.viewer)
    context = _form_context(db, caller, {}, [])
    return page(request, "standing_team.html", {**context, "team": None, "problems": {}})


@router.get("/standing-teams/{team_id}")
def standing_team_page(
    request: Request, team_id: TeamId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    teams.may_read(caller.viewer)
    team = teams.found(db, caller.viewer, team_id)
    public = teams.public(db, team)
    values = public.model_dump(mode="json", exclude={"members"})
    rows = [m.model_dump(mode="json") for m in public.members]
    context = _form_context(db, caller, values, rows)
    return page(request, "standing_team.html", {**context, "team": public, "problems": {}})


async def _save(request: Request, caller: PageCaller, db: Session, team_id: str | None) -> Response:
    form = await request.form()
    data = forms.nest([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    rows = forms.team_rows(data)
    values = {k: v for k, v in data.items() if k != "members"}
    existing = teams.public(db, teams.found(db, caller.viewer, team_id)) if team_id else None
    problems: dict[str, forms.Problem] = {}
    refusal = None
    try:
        body = StandingTeamCreate.model_validate(
            {**forms.clean(StandingTeamCreate, values), "members": rows}
        )
        if team_id is None:
            saved = await run_in_threadpool(teams.create, db, caller.viewer, body)
            await run_in_threadpool(
                audit, request, 201, "standing_team_created", f"standing_team {saved.id}"
            )
        else:
            saved = await run_in_threadpool(teams.update, db, caller.viewer, team_id, body)
            await run_in_threadpool(
                audit, request, 200, "standing_team_changed", f"standing_team {saved.id}"
            )
        return RedirectResponse(f"/standing-teams/{saved.id}", status_code=303)
    except ValidationError as e:
        problems = forms.problems(e)
        status = 422
    except ApiError as e:
        if e.status in (403, 404):
            raise
        refusal = message_for(e.error, read_session(request).language, e.message, e.vi)
        status = e.status
    context = _form_context(db, caller, values, rows)
    return page(
        request,
        "standing_team.html",
        {**context, "team": existing, "problems": problems, "refusal": refusal},
        status=status,
    )


@router.post("/standing-teams")
async def create_standing_team(
    request: Request, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    teams.may_keep(caller.viewer)
    return await _save(request, caller, db, None)


@router.post("/standing-teams/{team_id}")
async def change_standing_team(
    request: Request, team_id: TeamId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    teams.may_keep(caller.viewer)
    return await _save(request, caller, db, team_id)
