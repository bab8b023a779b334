"""Sign-in with lockout, refresh-token rotation with reuse detection, sign-out, bearer checks.

A sign-in is an ``auth_session`` row. Access tokens name it (claim ``sid``) and die with it;
its refresh token is stored only as a SHA-256 and replaced on every use, so a token that
turns up a second time was copied: the whole session is revoked (RFC 6819 §5.2.2.3).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlmodel import Session, col, select

from api.errors import ApiError, ErrorCode
from api.schemas import Token
from api.security import (
    burn_password_check,
    create_access_token,
    decode_access_token,
    new_refresh_token,
    new_session_id,
    refresh_digest,
    same_digest,
    session_of_refresh_token,
    verify_password,
)
from api.settings import ApiSettings
from store.logins import (
    SessionState,
    count_attempt,
    open_session,
    reset_failed_logins,
    revoke_session,
    rotate_refresh,
    state_of,
)
from store.tables import AuthSession, User, username_key


@dataclass(frozen=True)
class Caller:
    """Who a bearer token speaks for, and in which sign-in session."""

    user: User
    session_id: str


def refused(error: ErrorCode, message: str, *, bad_token: bool = True) -> ApiError:
    """A 401; ``bad_token`` adds RFC 6750's ``error="invalid_token"`` challenge."""
    challenge = 'Bearer error="invalid_token"' if bad_token else "Bearer"
    return ApiError(error, message, None, {"WWW-Authenticate": challenge})


def _bad_credentials() -> ApiError:
    return refused(ErrorCode.INVALID_CREDENTIALS, "wrong username or password", bad_token=False)


def _locked(until: datetime, now: datetime) -> ApiError:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    error = ApiError(
        ErrorCode.ACCOUNT_LOCKED,
        f"too many failed sign-ins; try again in {math.ceil(seconds / 60)} minute(s)",
        {"locked_until": until.isoformat(), "retry_after": seconds},
        {"Retry-After": str(seconds)},
    )
    error.reason = "lockout"  # a reason puts the 429 in the security log
    return error


def _reused() -> ApiError:
    error = refused(ErrorCode.SESSION_REVOKED, "refresh token already used; the session is revoked")
    error.reason = "refresh_reuse"  # possible token theft: worth finding in the security log
    return error


def _session_ended(state: SessionState) -> ApiError:
    if state is SessionState.EXPIRED:
        return refused(ErrorCode.SESSION_EXPIRED, "the sign-in session has expired; sign in again")
    return refused(ErrorCode.SESSION_REVOKED, "the sign-in session has ended; sign in again")


def open_sign_in(
    db: Session, settings: ApiSettings, username: str, password: str, now: datetime
) -> tuple[User, str, str]:
    """Count the attempt, check the password within the allowance, then open a session:
    the account, the session's id and its first refresh token. The API hands out tokens
    for it; the web pages keep its id in their signed cookie."""
    lock = timedelta(minutes=settings.lockout_minutes)
    allowed = settings.lockout_attempts
    attempt = count_attempt(db, username_key(username), now, allowed, lock)
    if attempt is None:
        # The same UPDATE (matching no row), the same argon2 work, the same answer as a wrong
        # password: an unknown username cannot be told apart by answer or by time.
        burn_password_check(password)
        raise _bad_credentials()
    until = attempt.locked_until or now + lock
    if attempt.number > allowed:
        # Not even checked: a locked account gives a guesser nothing, the right password included.
        raise _locked(until, now)
    user = attempt.user
    if not verify_password(password, user.password_hash) or not user.active:
        # Already counted: a failure writes nothing more.
        raise _locked(until, now) if attempt.number >= allowed else _bad_credentials()
    reset_failed_logins(db, user.id)
    session_id = new_session_id()
    first = new_refresh_token(session_id)
    ttl = timedelta(days=settings.refresh_token_days)
    row = open_session(db, session_id, user.id, refresh_digest(first), now, ttl)
    return user, row.id, first


def sign_in(
    db: Session, settings: ApiSettings, key: str, username: str, password: str, now: datetime
) -> Token:
    """A sign-in for API clients: an access token and a refresh token."""
    user, session_id, first = open_sign_in(db, settings, username, password, now)
    return _token_pair(settings, key, user, session_id, first)


def refresh(db: Session, settings: ApiSettings, key: str, token: str, now: datetime) -> Token:
    """Exchange a refresh token for a new pair; the presented one stops working."""
    session_id = session_of_refresh_token(token)
    row = db.get(AuthSession, session_id) if session_id else None
    if row is None:
        raise refused(ErrorCode.INVALID_TOKEN, "unknown refresh token")
    state = state_of(row, now)
    if state is not SessionState.LIVE:
        raise _session_ended(state)
    old_hash = refresh_digest(token)
    if not same_digest(row.refresh_hash, old_hash):
        revoke_session(db, row.id, now)
        raise _reused()
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        revoke_session(db, row.id, now)
        raise refused(ErrorCode.UNAUTHORIZED, "the account no longer exists or is disabled")
    fresh = new_refresh_token(row.id)
    expires_at = now + timedelta(days=settings.refresh_token_days)
    if not rotate_refresh(db, row.id, old_hash, refresh_digest(fresh), expires_at):
        # Another request rotated this very token a moment ago: it was presented twice.
        revoke_session(db, row.id, now)
        raise _reused()
    return _token_pair(settings, key, user, row.id, fresh)


def authenticate(db: Session, key: str, token: str | None, now: datetime) -> Caller:
    """The caller behind a bearer token: genuine, unexpired, its session live, account active."""
    if not token:
        raise refused(
            ErrorCode.UNAUTHORIZED, "sign in first: missing bearer token", bad_token=False
        )
    try:
        claims = decode_access_token(token, key)
    except jwt.ExpiredSignatureError:
        raise refused(ErrorCode.TOKEN_EXPIRED, "the access token has expired; refresh it") from None
    except jwt.InvalidTokenError:
        raise refused(ErrorCode.UNAUTHORIZED, "invalid or expired token") from None
    return live_session(db, str(claims["sid"]), str(claims["sub"]), now)


def live_session(db: Session, session_id: str, user_id: str, now: datetime) -> Caller:
    """The caller of a sign-in session that is still live, its account active; a bearer
    token and a page's cookie both name one."""
    # The session and its account in one round trip: every request pays for this.
    found = db.exec(
        select(AuthSession, User)
        .outerjoin(User, col(User.id) == col(AuthSession.user_id))
        .where(AuthSession.id == session_id)
    ).first()
    if found is None or found[0].user_id != user_id:
        raise _session_ended(SessionState.REVOKED)
    row, user = found
    state = state_of(row, now)
    if state is not SessionState.LIVE:
        raise _session_ended(state)
    if user is None or not user.active:
        raise refused(ErrorCode.UNAUTHORIZED, "the account no longer exists or is disabled")
    return Caller(user=user, session_id=row.id)


def sign_out(db: Session, caller: Caller, now: datetime) -> None:
    revoke_session(db, caller.session_id, now)


def _token_pair(
    settings: ApiSettings, key: str, user: User, session_id: str, refresh_token: str
) -> Token:
    # The session's expiry slides with each rotation: it is always a full refresh lifetime.
    minutes = settings.access_token_minutes
    return Token(
        access_token=create_access_token(user.id, user.role, key, minutes, session_id),
        expires_in=minutes * 60,
        refresh_token=refresh_token,
        refresh_expires_in=settings.refresh_token_days * 86400,
    )
