"""The checklist catalogue: read by everyone signed in, a new version by an administrator.

Each version is a full list; a code keeps its group and stays listed (retired) forever, so an
inspection labels its criteria from the version it started with (``checklist_version``)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import CurrentUser, SessionDep, require_role
from api.errors import ApiError, ErrorCode, not_found
from states.bounds import Note
from states.checklist import CATALOGUE_MAX, Catalogue, CatalogueEntry
from states.contract import Contract
from states.vocabulary import Role
from store import checklist as checklists

router = APIRouter(prefix="/checklist", tags=["checklist"])
VERSION_MAX = 1_000_000


class CatalogueUpdate(Contract):
    criteria: list[CatalogueEntry] = Field(min_length=1, max_length=CATALOGUE_MAX)
    note: Note = ""


class CataloguePublic(BaseModel):
    version: int
    criteria: list[CatalogueEntry]


def _public(c: Catalogue) -> CataloguePublic:
    return CataloguePublic(version=c.version, criteria=c.criteria)


@router.get("", response_model=CataloguePublic)
def current(user: CurrentUser, session: SessionDep) -> CataloguePublic:
    """The version new inspections take their checklist from."""
    return _public(checklists.current(session))


@router.get("/versions/{n}", response_model=CataloguePublic)
def version(
    n: Annotated[int, Path(ge=0, le=VERSION_MAX)], user: CurrentUser, session: SessionDep
) -> CataloguePublic:
    """One version (0 and 1: the built-in catalogue)."""
    found = checklists.version(session, n)
    if found is None:
        raise not_found("checklist version", str(n))
    return _public(found)


def publish(session: SessionDep, user_id: str, body: CatalogueUpdate) -> Catalogue:
    try:
        return checklists.publish(session, body.criteria, user_id, body.note, datetime.now(UTC))
    except checklists.VersionTaken as e:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"version {e} was published meanwhile; reload and try again",
            {"version": int(str(e))},
        ) from None


@router.put("", response_model=CataloguePublic)
async def replace(body: CatalogueUpdate, user: CurrentUser, session: SessionDep) -> CataloguePublic:
    """Publish the next version: the full list (administrators)."""
    require_role(user, Role.ADMIN)
    return _public(await run_in_threadpool(publish, session, user.id, body))
