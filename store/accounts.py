"""Creating accounts: shared by the API (admins) and the ``kiemtra user add`` command."""

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from states.vocabulary import Role
from store.queries import user_by_username
from store.tables import Organisation, User


class AccountError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def create_user(
    session: Session,
    *,
    username: str,
    password_hash: str,
    role: Role,
    organisation_id: str | None,
    full_name: str = "",
    email: str = "",
) -> User:
    """Add an account; refuses a taken username, an unknown organisation, the system role.

    Taken means taken by any spelling that is the same name: "Coordinator" when
    "coordinator" exists, or the same letters composed differently (NFC).
    """
    if role is Role.SYSTEM:
        raise AccountError(422, "invalid_command", "the system role is not for accounts")
    taken = AccountError(409, "conflict", f"username {username} is taken")
    if user_by_username(session, username) is not None:
        raise taken
    if organisation_id and session.get(Organisation, organisation_id) is None:
        raise AccountError(422, "invalid_command", f"unknown organisation {organisation_id}")
    user = User(
        id=uuid.uuid4().hex[:12],
        username=username,
        full_name=full_name,
        email=email,
        password_hash=password_hash,
        role=role.value,
        organisation_id=organisation_id,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        # Another request took the name between the check and the insert.
        session.rollback()
        raise taken from None
    session.refresh(user)
    return user
