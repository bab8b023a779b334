"""Accounts (admins only)."""

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep, require_role
from api.errors import ApiError, ErrorCode
from api.schemas import UserCreate, UserPublic, UsersPublic
from api.security import hash_password
from states.vocabulary import Role
from store.accounts import AccountError, create_user
from store.queries import users

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=UsersPublic)
def list_(user: CurrentUser, session: SessionDep) -> UsersPublic:
    require_role(user, Role.ADMIN)
    rows = users(session)
    return UsersPublic(data=[UserPublic.model_validate(u) for u in rows], count=len(rows))


@router.post("", status_code=201, response_model=UserPublic)
def create(body: UserCreate, user: CurrentUser, session: SessionDep) -> UserPublic:
    require_role(user, Role.ADMIN)
    try:
        created = create_user(
            session,
            username=body.username,
            password_hash=hash_password(body.password),
            role=body.role,
            organisation_id=body.organisation_id,
            full_name=body.full_name,
            email=body.email,
        )
    except AccountError as refused:
        raise ApiError(ErrorCode(refused.code), str(refused), None) from None
    return UserPublic.model_validate(created)
