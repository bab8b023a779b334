"""A fresh data dir is private: the SQLite files and the JWT key 0600, the directory 0700."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from api.settings import ApiSettings
from store.db import default_url, make_engine


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common 022, under which files are created world-readable unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_sqlite_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / ".kiemtra"
    engine = make_engine(default_url(data_dir))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE probe (x INTEGER)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
        with engine.connect():  # -wal and -shm live while a connection is open
            files = {p.name: mode(p) for p in data_dir.iterdir()}
    finally:
        engine.dispose()
    assert files == {"kiemtra.db": 0o600, "kiemtra.db-wal": 0o600, "kiemtra.db-shm": 0o600}
    assert mode(data_dir) == 0o700


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "kiemtra.db"
    path.touch(mode=0o640)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o640


def test_the_generated_signing_key_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / ".kiemtra"
    key = ApiSettings(data_dir=data_dir, secret_key=None, production=False).signing_key()
    assert len(key) >= 32
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]  # no temporary file left
    assert mode(data_dir / "secret_key") == 0o600 and mode(data_dir) == 0o700
    # Generated once: the next process reads the same key.
    assert ApiSettings(data_dir=data_dir).signing_key() == key
