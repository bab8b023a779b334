"""Sign-in state: failed-login counters with lockout, and refresh sessions (``auth_session``).

Counters and rotations are single UPDATE statements, so two concurrent requests cannot both
read the old value and overwrite each other.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select, update

from store.tables import AuthSession, User


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timezone-aware columns back naive; everything here is written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def locked_until(user: User, now: datetime) -> datetime | None:
    """When the account's lock ends, or None when it is not locked."""
    if user.locked_until is None or as_utc(user.locked_until) <= now:
        return None
    return as_utc(user.locked_until)


def record_failed_login(
    session: Session, user_id: str, now: datetime, attempts: int, lock_for: timedelta
) -> datetime | None:
    """Count one more consecutive failure; lock the account when it reaches ``attempts``.

    Returns the end of the lock it just set, if any. The counter restarts at zero when the
    lock is set, so an expired lock gives a fresh allowance rather than locking on the next
    mistake.
    """
    where = col(User.id) == user_id
    session.exec(update(User).where(where).values(failed_logins=col(User.failed_logins) + 1))
    failures = session.exec(select(User.failed_logins).where(where)).one()
    until = None
    if failures >= attempts:
        until = now + lock_for
        session.exec(update(User).where(where).values(failed_logins=0, locked_until=until))
    session.commit()
    return until


def reset_failed_logins(session: Session, user_id: str) -> None:
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
