"""Schema migrations, run programmatically (``python -m store.migrate`` or at process start)."""

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from store.db import make_engine, normalise_url, refresh_statistics

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` and refresh the planner's statistics."""
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    try:
        refresh_statistics(engine)
    finally:
        engine.dispose()


if __name__ == "__main__":
    upgrade(sys.argv[1])
