"""Passwords (argon2 via pwdlib) and access tokens (JWT via PyJWT)."""

from datetime import UTC, datetime, timedelta
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


def create_access_token(user_id: str, role: str, key: str, minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": user_id, "role": role, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_access_token(token: str, key: str) -> dict[str, Any]:
    """The token's claims; raises ``jwt.InvalidTokenError`` when forged or expired."""
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
    )
    return claims
