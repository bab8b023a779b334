"""Short-lived access tokens, refresh rotation with reuse detection, logout, lockout.

Every test signs in with its own account so lockouts never touch the shared ``people``.
"""

import asyncio
import hashlib
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.security import create_access_token, hash_password
from states.vocabulary import Role
from store.accounts import create_user
from store.tables import AuthSession, User
from testkit import samples as b
from tests.api.conftest import SECRET_KEY as KEY
from tests.api.test_errors_api import assert_error

PASSWORD = "mat-khau-phien-2025"


@pytest.fixture
def username(engine: Engine, people_in_db: dict[str, str]) -> str:
    """A fresh viewer account (in the shared tree), so failed sign-ins here lock nobody else."""
    name = f"phien{uuid.uuid4().hex[:8]}"
    with Session(engine) as session:
        create_user(
            session,
            username=name,
            password_hash=hash_password(PASSWORD),
            role=Role.VIEWER,
            organisation_id=b.PROVINCE,
        )
    return name


async def sign_in(
    http: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    return await http.post("/auth/token", data={"username": username, "password": password})


def bearer(pair: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def refresh(http: httpx.AsyncClient, token: object) -> httpx.Response:
    return await http.post("/auth/refresh", json={"refresh_token": token})


def session_row(engine: Engine, access_token: str) -> AuthSession:
    sid = jwt.decode(access_token, options={"verify_signature": False})["sid"]
    with Session(engine) as session:
        row = session.get(AuthSession, sid)
        assert row is not None
        return row


async def test_sign_in_returns_a_short_access_token_and_a_refresh_token(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    r = await sign_in(http, username)
    assert r.status_code == 200, r.text
    pair = r.json()
    assert set(pair) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_expires_in",
    }
    assert pair["token_type"] == "bearer" and pair["refresh_expires_in"] == 7 * 86400
    row = session_row(engine, pair["access_token"])
    # Only the digest is kept: a database leak yields no usable refresh token.
    assert row.refresh_hash == hashlib.sha256(pair["refresh_token"].encode()).hexdigest()
    assert pair["refresh_token"] not in row.model_dump_json()
    assert (await http.get("/me", headers=bearer(pair))).json()["username"] == username


async def test_refresh_rotates_and_a_reused_token_revokes_the_session(
    http: httpx.AsyncClient, username: str
) -> None:
    first = (await sign_in(http, username)).json()
    other = (await sign_in(http, username)).json()
    r = await refresh(http, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await http.get("/me", headers=bearer(second))).status_code == 200
    third = (await refresh(http, second["refresh_token"])).json()
    # The rotated-out token shows up again: someone copied it, so the whole session ends.
    assert_error(await refresh(http, first["refresh_token"]), 401, "session_revoked")
    assert_error(await refresh(http, third["refresh_token"]), 401, "session_revoked")
    assert_error(await http.get("/me", headers=bearer(third)), 401, "session_revoked")
    # A second sign-in of the same person is its own session and lives on.
    assert (await http.get("/me", headers=bearer(other))).status_code == 200
    assert (await refresh(http, other["refresh_token"])).status_code == 200


async def test_a_refresh_token_presented_twice_at_once_wins_at_most_once(
    http: httpx.AsyncClient, username: str
) -> None:
    pair = (await sign_in(http, username)).json()
    answers = await asyncio.gather(*(refresh(http, pair["refresh_token"]) for _ in range(4)))
    assert [r.status_code for r in answers].count(200) <= 1
    assert {r.status_code for r in answers} <= {200, 401}


async def test_refresh_refuses_garbage(http: httpx.AsyncClient) -> None:
    assert_error(await refresh(http, "not-a-token"), 401, "invalid_token")
    assert_error(await refresh(http, f"{uuid.uuid4().hex}.secret"), 401, "invalid_token")
    assert_error(await refresh(http, ""), 422, "invalid_payload")


async def test_logout_ends_access_and_refresh_at_once(
    http: httpx.AsyncClient, username: str
) -> None:
    pair = (await sign_in(http, username)).json()
    r = await http.post("/auth/logout", headers=bearer(pair))
    assert r.status_code == 204 and r.content == b""
    r = await http.get("/me", headers=bearer(pair))
    assert_error(r, 401, "session_revoked")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(await refresh(http, pair["refresh_token"]), 401, "session_revoked")
    assert_error(await http.post("/auth/logout", headers=bearer(pair)), 401, "session_revoked")
    assert_error(await http.post("/auth/logout"), 401, "unauthorized")


async def test_expired_or_foreign_access_tokens_are_refused(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    pair = (await sign_in(http, username)).json()
    row = session_row(engine, pair["access_token"])
    expired = create_access_token(row.user_id, "viewer", KEY, -1, row.id)
    r = await http.get("/me", headers={"Authorization": f"Bearer {expired}"})
    assert_error(r, 401, "token_expired")
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    forged = create_access_token(
        row.user_id, "admin", "another-key-of-sufficient-length!", 5, row.id
    )
    assert_error(
        await http.get("/me", headers={"Authorization": f"Bearer {forged}"}), 401, "unauthorized"
    )
    now = datetime.now(UTC)
    sessionless = jwt.encode(
        {"sub": row.user_id, "role": "viewer", "exp": now + timedelta(minutes=5)}, KEY, "HS256"
    )
    assert_error(
        await http.get("/me", headers={"Authorization": f"Bearer {sessionless}"}),
        401,
        "unauthorized",
    )


async def test_an_expired_session_refuses_access_and_refresh(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    pair = (await sign_in(http, username)).json()
    row = session_row(engine, pair["access_token"])
    with Session(engine) as session:
        stored = session.get(AuthSession, row.id)
        assert stored is not None
        stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(stored)
        session.commit()
    assert_error(await http.get("/me", headers=bearer(pair)), 401, "session_expired")
    assert_error(await refresh(http, pair["refresh_token"]), 401, "session_expired")


async def test_five_failures_lock_the_account(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    for _ in range(4):
        assert_error(await sign_in(http, username, "sai"), 401, "invalid_credentials")
    r = await sign_in(http, username, "sai")
    body = assert_error(r, 429, "account_locked")
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert body["detail"]["retry_after"] == int(r.headers["Retry-After"])
    r = await sign_in(http, username)
    assert_error(r, 429, "account_locked")
    assert int(r.headers["Retry-After"]) > 0
    # The lock ends by the clock: move it into the past rather than wait.
    with Session(engine) as session:
        user = session.exec(select(User).where(col(User.username) == username)).one()
        user.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        session.add(user)
        session.commit()
    assert (await sign_in(http, username)).status_code == 200
    with Session(engine) as session:
        user = session.exec(select(User).where(col(User.username) == username)).one()
        assert (user.failed_logins, user.locked_until) == (0, None)


async def test_a_success_resets_the_failure_count(http: httpx.AsyncClient, username: str) -> None:
    for _ in range(4):
        assert_error(await sign_in(http, username, "sai"), 401, "invalid_credentials")
    assert (await sign_in(http, username)).status_code == 200
    for _ in range(4):
        assert_error(await sign_in(http, username, "sai"), 401, "invalid_credentials")
    assert (await sign_in(http, username)).status_code == 200


async def test_unknown_usernames_look_like_wrong_passwords(
    http: httpx.AsyncClient, username: str
) -> None:
    ghost = f"khong-co-{uuid.uuid4().hex[:8]}"
    known, unknown = [], []
    for _ in range(3):
        for name, times in ((username, known), (ghost, unknown)):
            started = time.perf_counter()
            r = await sign_in(http, name, "sai")
            times.append(time.perf_counter() - started)
            body = assert_error(r, 401, "invalid_credentials")
            assert body["message"] == "wrong username or password"
    # An unknown name still pays for an argon2 check; without it, it would answer ~50x faster.
    assert statistics.median(unknown) > 0.3 * statistics.median(known)
    for _ in range(3):  # and it never locks into a telling 429
        assert_error(await sign_in(http, ghost, "sai"), 401, "invalid_credentials")
