"""Accounts: created by the API (admins), the pages and the ``kiemtra user add`` command;
listed, deactivated, reactivated and given a new password by an administrator."""

import unicodedata
import uuid
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from states.vocabulary import Role
from store.logins import revoke_user_sessions
from store.queries import user_by_username
from store.tables import Organisation, User, username_key


class AccountError(Exception):
    """A refused account, naming the field at fault (forms show the refusal next to it)."""

    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.field = field


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
        raise AccountError(422, "invalid_command", "the system role is not for accounts", "role")
    taken = AccountError(409, "conflict", f"username {username} is taken", "username")
    if user_by_username(session, username) is not None:
        raise taken
    if organisation_id and session.get(Organisation, organisation_id) is None:
        raise AccountError(
            422, "invalid_command", f"unknown organisation {organisation_id}", "organisation_id"
        )
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


def find_users(
    session: Session, text: str = "", *, limit: int | None = None, offset: int = 0
) -> tuple[list[User], int]:
    """Accounts by username, those whose username or full name contains ``text`` (any case);
    a page of them when ``limit`` is given, and how many there are in all."""
    query = select(User)
    text = unicodedata.normalize("NFC", text.strip())
    if text:
        query = query.where(
            or_(
                col(User.username_key).contains(username_key(text), autoescape=True),
                col(User.full_name).icontains(text, autoescape=True),
            )
        )
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    query = query.order_by(col(User.username)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all()), int(count)


def set_active(session: Session, user_id: str, active: bool, now: datetime) -> User | None:
    """Deactivate or reactivate an account; None if there is none. Deactivating ends every
    sign-in of it at once, in the same transaction, and reactivating does not revive them."""
    user = session.get(User, user_id)
    if user is None:
        return None
    user.active = active
    session.add(user)
    if not active:
        revoke_user_sessions(session, user_id, now)
    session.commit()
    session.refresh(user)
    return user


def set_password(session: Session, user_id: str, password_hash: str, now: datetime) -> User | None:
    """A new password set by an administrator; None if there is no such account. Every sign-in
    made with the old one ends, and the lockout is lifted: the person starts afresh."""
    user = session.get(User, user_id)
    if user is None:
        return None
    user.password_hash = password_hash
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    revoke_user_sessions(session, user_id, now)
    session.commit()
    session.refresh(user)
    return user
