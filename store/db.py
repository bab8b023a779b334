"""Engine and sessions from a database URL (SQLite file by default, PostgreSQL by URL)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, make_url
from sqlmodel import Session, create_engine


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (psycopg2 is not installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_url(data_dir: str | Path = ".kiemtra") -> str:
    return f"sqlite:///{Path(data_dir) / 'kiemtra.db'}"


def create_private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only, and its directory if missing (0700).

    SQLite would create it under the umask (world-readable, as a rule), and gives its -wal
    and -shm files the database file's mode: created 0600 here, all three stay private.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout so readers never block writers."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            if not path.exists():
                create_private_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Reads of a large read model come from memory, not from syscalls per page.
            cursor.execute("PRAGMA cache_size=-32768")
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# The read model's tables: what lists and reports read.
READ_MODEL = (
    "inspection",
    "inspection_scope",
    "inspection_snapshot",
    "team_member",
    "finding",
    "remediation",
    "discipline_recommendation",
    "event",
    "plan_item",
)


def refresh_statistics(engine: Engine) -> None:
    """Gather the query planner's statistics (and on PostgreSQL, its visibility map).

    Without statistics SQLite guesses, and prefers any one-column index (``secret``,
    ``year``) to the scope index, scanning the whole read model. PostgreSQL reads a report's
    findings from the covering index alone only once VACUUM has marked the pages all-visible;
    before that it prefers a scan of every finding. Autovacuum gets there in time; doing it
    here (daily, and after migrations) makes it certain. Both are incremental and quick.
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled
            conn.exec_driver_sql("ANALYZE")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(READ_MODEL)}")
