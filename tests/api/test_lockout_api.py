"""Sign-in under attack: lockout counted before the password check, whatever the concurrency;
unknown usernames on the wrong password's path; one account per name whatever its case."""

import asyncio
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from api.security import hash_password
from states.vocabulary import Role
from store.accounts import create_user
from store.tables import User
from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_errors_api import assert_error

PASSWORD = "mat-khau-khoa-2025"
ALLOWED = 5  # KIEMTRA_LOCKOUT_ATTEMPTS of the served app (the default)


@pytest.fixture
def username(engine: Engine, people_in_db: dict[str, str]) -> str:
    """A fresh account, so the locks here touch nobody else."""
    name = f"khoa{uuid.uuid4().hex[:8]}"
    with Session(engine) as session:
        create_user(
            session,
            username=name,
            password_hash=hash_password(PASSWORD),
            role=Role.VIEWER,
            organisation_id=b.PROVINCE,
        )
    return name


async def sign_in(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post("/auth/token", data={"username": username, "password": password})


def failed_logins(engine: Engine, username: str) -> int:
    with Session(engine) as session:
        return session.exec(select(User).where(col(User.username) == username)).one().failed_logins


async def test_parallel_guesses_get_no_more_checks_than_the_lockout_allows(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    answers = await asyncio.gather(*(sign_in(http, username, f"sai-{i}") for i in range(20)))
    statuses = [r.status_code for r in answers]
    # Four wrong answers, then the fifth check locks; fifteen were never checked at all.
    assert sorted(statuses) == [401] * (ALLOWED - 1) + [429] * (21 - ALLOWED), statuses
    for r in answers:
        assert_error(
            r, r.status_code, "invalid_credentials" if r.status_code == 401 else "account_locked"
        )
    assert all(int(r.headers["Retry-After"]) > 0 for r in answers if r.status_code == 429)
    assert failed_logins(engine, username) == 20
    assert_error(await sign_in(http, username, PASSWORD), 429, "account_locked")


async def test_the_right_password_among_parallel_guesses_is_no_way_round_the_lock(
    http: httpx.AsyncClient, username: str
) -> None:
    passwords = [f"sai-{i}" for i in range(19)] + [PASSWORD]
    answers = await asyncio.gather(*(sign_in(http, username, p) for p in passwords))
    statuses = [r.status_code for r in answers]
    assert set(statuses) <= {200, 401, 429}, statuses
    # Every 401 and the 200 was a password check: together no more than the allowance.
    assert statuses.count(401) + statuses.count(200) <= ALLOWED, statuses
    if statuses[-1] != 200:
        assert_error(await sign_in(http, username, PASSWORD), 429, "account_locked")


@contextmanager
def statements_of_requests(engine: Engine) -> Iterator[list[str]]:
    """The SQL the API's request threads send (the worker's threads have other names)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        if threading.current_thread().name.startswith("AnyIO worker thread"):
            seen.append(" ".join(str(args[2]).split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_an_unknown_username_takes_the_wrong_passwords_path(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    ghost = f"khong-co-{uuid.uuid4().hex[:8]}"
    with statements_of_requests(engine) as known:
        wrong = await sign_in(http, username, "sai")
    with statements_of_requests(engine) as unknown:
        nobody = await sign_in(http, ghost, "sai")
    assert wrong.json() == nobody.json()
    assert (wrong.status_code, wrong.headers.get("www-authenticate")) == (
        nobody.status_code,
        nobody.headers.get("www-authenticate"),
    )
    # The same statements in the same order: the counting UPDATE (matching no row for the
    # ghost), then the security log. Timing is the other half: test_sessions_api.
    assert known == unknown
    assert known[0].startswith("UPDATE user SET failed_logins=")
    assert len(known) == 2


async def test_a_correct_password_resets_the_count(
    http: httpx.AsyncClient, engine: Engine, username: str
) -> None:
    for _ in range(ALLOWED - 1):
        assert_error(await sign_in(http, username, "sai"), 401, "invalid_credentials")
    assert failed_logins(engine, username) == ALLOWED - 1
    assert (await sign_in(http, username, PASSWORD)).status_code == 200
    assert failed_logins(engine, username) == 0


async def test_a_username_is_one_account_whatever_its_case(
    http: httpx.AsyncClient, people: People
) -> None:
    admin = people.headers["admin"]
    name = f"Lan{uuid.uuid4().hex[:6]}"
    account = {"username": name, "password": PASSWORD, "role": "viewer", "organisation_id": None}
    assert (await http.post("/users", json=account, headers=admin)).status_code == 201
    for other in (name.lower(), name.upper()):
        r = await http.post("/users", json=account | {"username": other}, headers=admin)
        assert_error(r, 409, "conflict")
    users = (await http.get("/users", headers=admin)).json()["data"]
    assert [u["username"] for u in users if u["username"].lower() == name.lower()] == [name]
    r = await sign_in(http, name.upper(), PASSWORD)
    assert r.status_code == 200, r.text
    me = await http.get("/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["username"] == name


async def test_team_members_are_found_whatever_the_case(
    http: httpx.AsyncClient, people: People
) -> None:
    r = await http.post(
        "/inspections",
        json={"kind": "planned", "unit_id": b.COMMUNE, "title": "Kiểm tra công vụ"},
        headers=people.headers["coordinator"],
    )
    assert r.status_code == 201, r.text
    members = [
        {"username": "LEADER", "team_role": "team_leader"},
        {"username": "Member", "team_role": "member"},
    ]
    r = await http.post(
        f"/inspections/{r.json()['inspection_id']}/team",
        json={"members": members},
        headers=people.headers["coordinator"],
    )
    assert r.status_code == 200, r.text
    assert {m["user_id"] for m in r.json()["team"]} == {people.ids["leader"], people.ids["member"]}
