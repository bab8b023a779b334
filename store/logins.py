"""Sign-in state: attempt counters with lockout, and refresh sessions (``auth_session``).

Counters and rotations are single UPDATE statements, so two concurrent requests cannot both
read the old value and overwrite each other.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import DateTime, and_, case, null, type_coerce
from sqlmodel import Session, col, update

from store.tables import AuthSession, User


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timezone-aware columns back naive; everything here is written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt, counted against its account before any password is checked."""

    user: User
    # Attempts since the last success or the last expired lock, this one included.
    number: int
    locked_until: datetime | None


def count_attempt(
    session: Session, key: str, now: datetime, attempts: int, lock_for: timedelta
) -> Attempt | None:
    """Count one attempt at the account whose username key is ``key``; None if there is none.

    One UPDATE … RETURNING, so concurrent attempts get distinct numbers and the number is
    known before the password is checked: only attempts 1 … ``attempts`` of a lock window
    may check one, however many arrive at once. The attempt that reaches ``attempts`` sets
    the lock at once, so the ones behind it see it even while its check is still running;
    a success lifts it (``reset_failed_logins``). An expired lock restarts the count at 1.
    """
    locked = col(User.locked_until)
    expired = and_(locked.is_not(None), locked <= now)
    number = case((expired, 0), else_=col(User.failed_logins)) + 1
    still_locked = case((expired, null()), else_=locked)
    # Typed as the column, so SQLite stores it in the column's own format.
    new_lock = type_coerce(now + lock_for, DateTime(timezone=True))
    statement = (
        update(User)
        .where(col(User.username_key) == key)
        .values(
            failed_logins=number,
            locked_until=case(
                (and_(still_locked.is_(None), number >= attempts), new_lock),
                else_=still_locked,
            ),
        )
        .returning(User)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    user = session.scalars(statement).first()
    if user is not None:
        # Detached with what RETURNING gave: the commit would otherwise expire it and the
        # next attribute read would cost another round trip.
        session.expunge(user)
    session.commit()
    if user is None:
        return None
    until = as_utc(user.locked_until) if user.locked_until is not None else None
    return Attempt(user=user, number=user.failed_logins, locked_until=until)


def reset_failed_logins(session: Session, user_id: str) -> None:
    """After a correct password: a fresh allowance, and no lock."""
    session.exec(
        update(User).where(col(User.id) == user_id).values(failed_logins=0, locked_until=None)
    )
    session.commit()


class SessionState(StrEnum):
    LIVE = "live"
    REVOKED = "revoked"
    EXPIRED = "expired"


def state_of(row: AuthSession, now: datetime) -> SessionState:
    if row.revoked_at is not None:
        return SessionState.REVOKED
    if as_utc(row.expires_at) <= now:
        return SessionState.EXPIRED
    return SessionState.LIVE


def open_session(
    session: Session,
    session_id: str,
    user_id: str,
    refresh_hash: str,
    now: datetime,
    ttl: timedelta,
) -> AuthSession:
    """Record a new sign-in holding the hash of its first refresh token."""
    row = AuthSession(
        id=session_id,
        user_id=user_id,
        refresh_hash=refresh_hash,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def rotate_refresh(
    session: Session, session_id: str, old_hash: str, new_hash: str, expires_at: datetime
) -> bool:
    """Swap the refresh hash only if it is still ``old_hash`` and the session is not revoked.

    False means another request rotated first: the old token was used twice.
    """
    result = session.exec(
        update(AuthSession)
        .where(
            col(AuthSession.id) == session_id,
            col(AuthSession.refresh_hash) == old_hash,
            col(AuthSession.revoked_at).is_(None),
        )
        .values(refresh_hash=new_hash, expires_at=expires_at)
    )
    session.commit()
    return bool(result.rowcount == 1)


def revoke_session(session: Session, session_id: str, now: datetime) -> None:
    """End a sign-in: its access tokens and its refresh token stop working. Idempotent."""
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.id) == session_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    session.commit()


def revoke_user_sessions(session: Session, user_id: str, now: datetime) -> int:
    """End every live sign-in of an account (deactivation, a new password); how many ended.

    Not committed here: the caller commits it with the change that makes it necessary, so
    an account is never left changed with its old sessions still open.
    """
    result = session.exec(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)
