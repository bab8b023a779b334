"""The security log is evidence: append-only in the database, every field bounded."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from api.errors import LOG_FIELD_MAX
from store.db import make_engine
from store.tables import SecurityLog
from tests.api.test_errors_api import assert_error


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = make_engine(request.getfixturevalue(f"{request.param}_url"))
    yield engine
    engine.dispose()


def test_the_security_log_is_append_only(db_engine: Engine) -> None:
    """No code path changes a row, and the database refuses it anyway."""
    with Session(db_engine) as session:
        row = SecurityLog(at=datetime.now(UTC), status=401, error="unauthorized", path="/x")
        session.add(row)
        session.commit()
        row_id = row.id
    for statement in (
        update(SecurityLog).where(col(SecurityLog.id) == row_id).values(reason="forged"),
        delete(SecurityLog).where(col(SecurityLog.id) == row_id),
    ):
        with Session(db_engine) as session, pytest.raises(DatabaseError, match="append-only"):
            session.exec(statement)  # type: ignore[call-overload]
            session.commit()
    with Session(db_engine) as session:
        kept = session.get(SecurityLog, row_id)
        assert kept is not None and kept.reason == ""


async def test_a_refusal_logs_bounded_fields(http: httpx.AsyncClient, engine: Engine) -> None:
    marker = uuid.uuid4().hex
    request_id = marker + "r" * 5000
    long_path = f"/inspections/{marker}{'p' * 5000}/events"
    r = await http.get(long_path, headers={"X-Request-ID": request_id})
    assert_error(r, 401, "unauthorized")
    with Session(engine) as session:
        rows = session.exec(
            select(SecurityLog).where(col(SecurityLog.request_id).startswith(marker))
        ).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.path == f"/api/v1{long_path}"[: LOG_FIELD_MAX["path"]]
    assert len(row.request_id) <= LOG_FIELD_MAX["request_id"]
    assert all(len(getattr(row, field) or "") <= limit for field, limit in LOG_FIELD_MAX.items())
