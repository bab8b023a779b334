"""The organisation tree (read by every user, edited by admins)."""

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import org_import
from api.deps import CurrentUser, SessionDep, require_role
from api.errors import ApiError, ErrorCode
from api.schemas import OrganisationCreate, OrganisationPublic, OrganisationsPublic
from states.vocabulary import Role
from store.queries import organisation_by_code, organisations
from store.tables import Organisation

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=OrganisationsPublic)
def list_(user: CurrentUser, session: SessionDep, parent: str | None = None) -> OrganisationsPublic:
    rows = organisations(session, parent)
    return OrganisationsPublic(
        data=[OrganisationPublic.model_validate(o) for o in rows], count=len(rows)
    )


@router.post("", status_code=201, response_model=OrganisationPublic)
def create(body: OrganisationCreate, user: CurrentUser, session: SessionDep) -> OrganisationPublic:
    require_role(user, Role.ADMIN)
    return OrganisationPublic.model_validate(add_organisation(session, body))


def add_organisation(session: Session, body: OrganisationCreate) -> Organisation:
    """One organisation (the administration pages add them with this too)."""
    if body.id and "/" in body.id:
        # Subtree filters read "/root/…/id/" paths: a slash inside an id would make the
        # organisation look like a descendant of another one.
        raise ApiError(ErrorCode.INVALID_PAYLOAD, "an organisation id cannot contain '/'", None)
    if organisation_by_code(session, body.code) is not None:
        raise ApiError(ErrorCode.CONFLICT, f"organisation code {body.code} exists", None)
    if body.id and session.get(Organisation, body.id) is not None:
        raise ApiError(ErrorCode.CONFLICT, f"organisation {body.id} exists", None)
    for ref in (body.parent_id, body.successor_id):
        if ref and session.get(Organisation, ref) is None:
            raise ApiError(ErrorCode.INVALID_COMMAND, f"unknown organisation {ref}", {"id": ref})
    org = Organisation(**body.model_dump(exclude={"id"}), id=body.id or uuid.uuid4().hex[:12])
    session.add(org)
    session.commit()
    session.refresh(org)
    return org


class ImportResult(BaseModel):
    created: int
    skipped: int


@router.post("/import", response_model=ImportResult)
async def import_csv(request: Request, user: CurrentUser, session: SessionDep) -> ImportResult:
    """Load a tree from CSV (``code,name,level,parent_code[,valid_from,valid_to]``, UTF-8).

    Parents may appear earlier in the same file; existing codes are skipped, so re-importing
    a file is harmless. Any bad line refuses the whole file (422 naming the line and the
    column) and nothing is written.
    """
    require_role(user, Role.ADMIN)
    rows = org_import.parse(await request.body())
    # The rows are written in a thread: the database must not stall the event loop.
    return await run_in_threadpool(import_rows, session, rows)


def import_rows(session: Session, rows: list[org_import.ImportRow]) -> ImportResult:
    """Resolve every parent and check every code first, then write all rows at once (the
    administration pages import with this too)."""
    lines = {row.code: row.line for row in rows}
    ids: dict[str, str] = {}
    new: list[Organisation] = []
    for row in rows:
        existing = organisation_by_code(session, row.code)
        if existing is not None:
            ids[row.code] = existing.id
            continue
        parent = _parent(session, row, ids, lines)
        org = Organisation(
            id=uuid.uuid4().hex[:12],
            code=row.code,
            name=row.name,
            level=row.level,
            parent_id=parent,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )
        ids[row.code] = org.id
        new.append(org)
    # In file order, so that every parent is inserted before its children.
    session.add_all(new)
    session.commit()
    return ImportResult(created=len(new), skipped=len(rows) - len(new))


def _parent(
    session: Session, row: org_import.ImportRow, ids: dict[str, str], lines: dict[str, int]
) -> str | None:
    """The parent's id: a row above in the file or an organisation already recorded."""
    code = row.parent_code
    if not code:
        return None
    if code in ids:
        return ids[code]
    parent = organisation_by_code(session, code)
    if parent is not None:
        return parent.id
    if code in lines:
        raise org_import.refused(
            row.line,
            f"parent {code} comes later in the file (line {lines[code]}); "
            "list parents before their children",
            "parent_code",
        )
    raise org_import.refused(row.line, f"unknown parent {code}", "parent_code")
