"""The organisation tree (read by every user, edited by admins)."""

import uuid

from fastapi import APIRouter

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
