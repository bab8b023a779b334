"""The organisation tree (read by every user, edited by admins)."""

import csv
import io
import uuid
from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.deps import CurrentUser, SessionDep, require_role
from api.errors import ApiError
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
    if organisation_by_code(session, body.code) is not None:
        raise ApiError(409, "conflict", f"organisation code {body.code} exists", None)
    if body.id and session.get(Organisation, body.id) is not None:
        raise ApiError(409, "conflict", f"organisation {body.id} exists", None)
    for ref in (body.parent_id, body.successor_id):
        if ref and session.get(Organisation, ref) is None:
            raise ApiError(422, "invalid_command", f"unknown organisation {ref}", {"id": ref})
    org = Organisation(**body.model_dump(exclude={"id"}), id=body.id or uuid.uuid4().hex[:12])
    session.add(org)
    session.commit()
    session.refresh(org)
    return OrganisationPublic.model_validate(org)


class ImportResult(BaseModel):
    created: int
    skipped: int


@router.post("/import", response_model=ImportResult)
async def import_csv(request: Request, user: CurrentUser, session: SessionDep) -> ImportResult:
    """Load a tree from CSV (``code,name,level,parent_code[,valid_from,valid_to]``).

    Parents may appear earlier in the same file; existing codes are skipped, so re-importing
    a file is harmless. A bad row refuses the whole file.
    """
    require_role(user, Role.ADMIN)
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    # The rows are written in a thread: the database must not stall the event loop.
    return await run_in_threadpool(_import_rows, session, text)


def _import_rows(session: SessionDep, text: str) -> ImportResult:
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = {"code", "name", "level"} - set(rows[0] if rows else {})
    if not rows or missing:
        raise ApiError(422, "invalid_payload", "CSV needs a header with code,name,level", None)
    created = skipped = 0
    by_code: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        if not code or not (row.get("name") or "").strip():
            raise ApiError(422, "invalid_payload", f"line {line}: code and name are required", None)
        existing = organisation_by_code(session, code)
        if existing is not None:
            by_code[code] = existing.id
            skipped += 1
            continue
        parent_code = (row.get("parent_code") or "").strip()
        parent = by_code.get(parent_code) or (
            getattr(organisation_by_code(session, parent_code), "id", None) if parent_code else None
        )
        if parent_code and parent is None:
            raise ApiError(
                422, "invalid_payload", f"line {line}: unknown parent {parent_code}", None
            )
        try:
            org = Organisation(
                id=uuid.uuid4().hex[:12],
                code=code,
                name=row["name"].strip(),
                level=row["level"].strip(),
                parent_id=parent,
                valid_from=date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None,
                valid_to=date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
            )
        except ValueError:
            raise ApiError(
                422, "invalid_payload", f"line {line}: dates are YYYY-MM-DD", None
            ) from None
        session.add(org)
        session.flush()
        by_code[code] = org.id
        created += 1
    session.commit()
    return ImportResult(created=created, skipped=skipped)
