"""Accounts (admins only): list, create, deactivate, reactivate, set a new password.

The functions under the routes are what the administration pages call too.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep, require_role
from api.errors import ApiError, ErrorCode, not_found
from api.schemas import UserCreate, UserPublic, UsersPublic
from api.security import hash_password
from states.bounds import ID_MAX, NAME_MAX
from states.contract import Contract
from states.vocabulary import Role
from store.accounts import AccountError, create_user, find_users, set_active, set_password
from store.tables import User

router = APIRouter(prefix="/users", tags=["users"])

PASSWORD_MIN = 8
PASSWORD_MAX = 256
UserId = Annotated[str, Path(min_length=1, max_length=ID_MAX)]


class PasswordReset(Contract):
    """A new password an administrator gives an account."""

    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


def create_account(session: Session, body: UserCreate) -> User:
    try:
        return create_user(
            session,
            username=body.username,
            password_hash=hash_password(body.password),
            role=body.role,
            organisation_id=body.organisation_id,
            full_name=body.full_name,
            email=body.email,
        )
    except AccountError as refused:
        detail = {"field": refused.field} if refused.field else None
        raise ApiError(ErrorCode(refused.code), str(refused), detail) from None


def change_active(session: Session, user_id: str, active: bool, by: User) -> User:
    """Deactivate (ending the account's sign-ins at once) or reactivate an account."""
    if not active and user_id == by.id:
        # Nobody would be left to undo it if this was the last administrator.
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "administrators cannot deactivate their own account",
            {"id": user_id},
        )
    user = set_active(session, user_id, active, datetime.now(UTC))
    if user is None:
        raise not_found("user", user_id)
    return user


def reset_password(session: Session, user_id: str, body: PasswordReset) -> User:
    """Set a new password: the account's sign-ins end and its lockout is lifted."""
    user = set_password(session, user_id, hash_password(body.password), datetime.now(UTC))
    if user is None:
        raise not_found("user", user_id)
    return user


@router.get("", response_model=UsersPublic)
def list_(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[str, Query(max_length=NAME_MAX, description="in the username or name")] = "",
) -> UsersPublic:
    require_role(user, Role.ADMIN)
    rows, count = find_users(session, q)
    return UsersPublic(data=[UserPublic.model_validate(u) for u in rows], count=count)


@router.post("", status_code=201, response_model=UserPublic)
def create(body: UserCreate, user: CurrentUser, session: SessionDep) -> UserPublic:
    require_role(user, Role.ADMIN)
    return UserPublic.model_validate(create_account(session, body))


@router.post("/{user_id}/deactivate", response_model=UserPublic)
def deactivate(user_id: UserId, user: CurrentUser, session: SessionDep) -> UserPublic:
    """The account can no longer sign in; its bearer tokens and page sessions stop at once."""
    require_role(user, Role.ADMIN)
    return UserPublic.model_validate(change_active(session, user_id, False, user))


@router.post("/{user_id}/activate", response_model=UserPublic)
def activate(user_id: UserId, user: CurrentUser, session: SessionDep) -> UserPublic:
    """The account may sign in again (its old sessions stay ended)."""
    require_role(user, Role.ADMIN)
    return UserPublic.model_validate(change_active(session, user_id, True, user))


@router.post("/{user_id}/password", response_model=UserPublic)
def password(
    user_id: UserId, body: PasswordReset, user: CurrentUser, session: SessionDep
) -> UserPublic:
    """Set a new password; every sign-in made with the old one ends, the lockout is lifted."""
    require_role(user, Role.ADMIN)
    return UserPublic.model_validate(reset_password(session, user_id, body))
