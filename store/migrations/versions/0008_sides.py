"""sides: issuing organisation and coordinating office on the read model; start keys

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Levels that hold authority over their subtree (as states.scope.AUTHORITY_LEVELS today).
AUTHORITY_LEVELS = ("province", "commune", "ward", "special_zone")


def upgrade() -> None:
    for table in ("inspection", "inspection_scope"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("issuer_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
            batch_op.add_column(
                sa.Column("office_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
    op.create_table(
        "start_key",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    _backfill()


def _backfill() -> None:
    """Inspections decided before the sides were recorded: the coordinator's office, and
    the nearest People's Committee at or above it as issuer (what the API assumed then)."""
    bind = op.get_bind()
    orgs = dict(bind.execute(sa.text("SELECT id, parent_id FROM organisation")).all())
    levels = dict(bind.execute(sa.text("SELECT id, level FROM organisation")).all())
    homes = dict(bind.execute(sa.text('SELECT id, organisation_id FROM "user"')).all())
    rows = bind.execute(sa.text("SELECT id, coordinator_id FROM inspection")).all()
    for inspection_id, coordinator_id in rows:
        office = homes.get(coordinator_id)
        issuer, seen = office, set()
        while issuer is not None and levels.get(issuer) not in AUTHORITY_LEVELS:
            if issuer in seen:
                issuer = None
                break
            seen.add(issuer)
            issuer = orgs.get(issuer)
        values = {"i": inspection_id, "issuer": issuer, "office": office}
        for table in ("inspection", "inspection_scope"):
            key = "id" if table == "inspection" else "inspection_id"
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET issuer_id = :issuer, office_id = :office WHERE {key} = :i"
                ),
                values,
            )


def downgrade() -> None:
    op.drop_table("start_key")
    for table in ("inspection_scope", "inspection"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("office_id")
            batch_op.drop_column("issuer_id")
