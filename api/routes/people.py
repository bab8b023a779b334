"""The directory of people within the caller's authority: whom a coordinator may put on a
team, searchable by name and office."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, SessionDep, require_role
from api.team_schemas import PEOPLE_PAGE_MAX, PeoplePublic, PersonPublic
from states.bounds import ID_MAX, NAME_MAX
from states.vocabulary import Role
from store.directory import DIRECTORY_ROLES, people_within
from store.queries import viewer_of

router = APIRouter(prefix="/people", tags=["people"])

# Who looks people up: those who put teams together and decide them, and administrators.
DIRECTORY_READERS = (Role.COORDINATOR, Role.DECISION_MAKER, Role.ADMIN)


@router.get("", response_model=PeoplePublic)
def list_people(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[str, Query(max_length=NAME_MAX, description="name, username or office")] = "",
    role: Annotated[Role | None, Query(description="one role only")] = None,
    organisation_id: Annotated[
        str | None, Query(max_length=ID_MAX, description="an office and its sub-offices")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=PEOPLE_PAGE_MAX)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> PeoplePublic:
    """Active accounts (inspectors and staff) whose office lies within the caller's
    authority, by office then name; search ignores case and diacritics."""
    require_role(user, *DIRECTORY_READERS)
    viewer = viewer_of(session, user)
    if role is not None and role.value not in DIRECTORY_ROLES:
        return PeoplePublic(data=[], count=0)
    people, count = people_within(
        session,
        viewer.authority_root,
        q,
        role.value if role else None,
        organisation_id,
        limit,
        offset,
    )
    data = [
        PersonPublic(
            id=p.user_id,
            username=p.username,
            name=p.name,
            role=Role(p.role),
            organisation_id=p.organisation_id,
            organisation_name=p.organisation_name,
        )
        for p in people
    ]
    return PeoplePublic(data=data, count=count)
