"""Sign-in counters and account names on SQLite and PostgreSQL: atomic, case- and form-blind."""

import unicodedata
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from states.vocabulary import Role
from store.accounts import AccountError, create_user
from store.db import make_engine
from store.logins import count_attempt, reset_failed_logins
from store.queries import user_by_username
from store.tables import User, username_key

LOCK = timedelta(minutes=15)


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = make_engine(request.getfixturevalue(f"{request.param}_url"))
    yield engine
    engine.dispose()


def add_account(engine: Engine, username: str) -> User:
    with Session(engine) as session:
        return create_user(
            session, username=username, password_hash="x", role=Role.VIEWER, organisation_id=None
        )


def test_concurrent_attempts_get_distinct_numbers_and_one_lock(db_engine: Engine) -> None:
    name = f"dem{uuid.uuid4().hex[:8]}"
    add_account(db_engine, name)
    now = datetime.now(UTC)

    def attempt(_: int) -> tuple[int, datetime | None]:
        with Session(db_engine) as session:
            counted = count_attempt(session, username_key(name), now, 5, LOCK)
            assert counted is not None
            return counted.number, counted.locked_until

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(24)))
    assert sorted(number for number, _ in results) == list(range(1, 25))
    # The fifth attempt set the lock, before its own check: every later one sees it.
    assert {until for number, until in results if number < 5} == {None}
    assert {until for number, until in results if number >= 5} == {now + LOCK}


def test_an_expired_lock_restarts_the_count_and_a_success_clears_it(db_engine: Engine) -> None:
    name = f"dem{uuid.uuid4().hex[:8]}"
    key = username_key(name)
    add_account(db_engine, name)
    now = datetime.now(UTC)
    with Session(db_engine) as session:
        for _ in range(6):
            counted = count_attempt(session, key, now, 5, LOCK)
        assert counted is not None and (counted.number, counted.locked_until) == (6, now + LOCK)
        later = now + LOCK + timedelta(seconds=1)
        counted = count_attempt(session, key, later, 5, LOCK)
        assert counted is not None and (counted.number, counted.locked_until) == (1, None)
        reset_failed_logins(session, counted.user.id)
        user = session.get(User, counted.user.id)
        assert user is not None and (user.failed_logins, user.locked_until) == (0, None)
        assert count_attempt(session, username_key("nobody-" + name), now, 5, LOCK) is None


def test_a_name_is_taken_in_every_case_and_every_unicode_form(db_engine: Engine) -> None:
    tag = uuid.uuid4().hex[:6]
    composed = unicodedata.normalize("NFC", f"Lê.Thị.{tag}")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    created = add_account(db_engine, composed)
    for other in (decomposed, composed.upper(), composed.casefold()):
        with pytest.raises(AccountError) as refused:
            add_account(db_engine, other)
        assert refused.value.status == 409
        with Session(db_engine) as session:
            found = user_by_username(session, other)
            assert found is not None and found.id == created.id
