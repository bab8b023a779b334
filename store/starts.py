"""Start keys: what a start request's natural key led to, so a retry meets its inspection."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from store.tables import StartKey

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def claim(session: Session, key: str, candidate: str) -> str:
    """The inspection id ``key`` leads to: ``candidate`` if the key is new, else the id the
    first request claimed. Atomic under concurrency (INSERT … ON CONFLICT DO NOTHING), and
    committed at once so that a rival request sees it."""
    table: Table = StartKey.__table__  # type: ignore[attr-defined]
    insert: Any = _INSERTS[session.get_bind().dialect.name]
    row = {"key": key, "inspection_id": candidate, "created_at": datetime.now(UTC)}
    session.exec(insert(table).values(row).on_conflict_do_nothing(index_elements=["key"]))
    claimed = session.exec(select(StartKey.inspection_id).where(StartKey.key == key)).one()
    session.commit()
    return claimed


def lookup(session: Session, key: str) -> str | None:
    """The inspection id ``key`` already leads to, if any."""
    return session.exec(select(StartKey.inspection_id).where(StartKey.key == key)).first()
