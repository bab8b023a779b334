"""Passwords (argon2 via pwdlib), access tokens (JWT via PyJWT) and opaque refresh tokens."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
from pwdlib import PasswordHash

ALGORITHM = "HS256"
_hasher = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # a malformed stored hash is a failed login, not a fault
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    """Spend the time of a real check, so an unknown username cannot be told apart by timing."""
    verify_password(password, _dummy_hash())


def create_access_token(user_id: str, role: str, key: str, minutes: float, session_id: str) -> str:
    """A signed JWT for ``user_id`` inside the sign-in session ``session_id`` (claim ``sid``)."""
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "role": role,
        "sid": session_id,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_access_token(token: str, key: str) -> dict[str, Any]:
    """The token's claims; raises ``jwt.InvalidTokenError`` when forged or expired.

    ``jwt.ExpiredSignatureError`` (a subclass) is only raised once the signature checked out.
    """
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "sid"]}
    )
    return claims


def new_session_id() -> str:
    return secrets.token_hex(16)


def new_refresh_token(session_id: str) -> str:
    """``<session id>.<secret>``: the id finds the session even when the secret is stale,
    which is what lets a replayed (rotated-out) token revoke the session it came from."""
    return f"{session_id}.{secrets.token_urlsafe(32)}"


def session_of_refresh_token(token: str) -> str | None:
    session_id, dot, secret = token.partition(".")
    return session_id if dot and session_id and secret else None


def refresh_digest(token: str) -> str:
    """What the database keeps of a refresh token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return secrets.compare_digest(a, b)
