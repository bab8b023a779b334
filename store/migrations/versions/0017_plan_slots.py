"""surprise-check slots in plans; the slot an inspection fills

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "plan_slot",
        sa.Column("id", text(), primary_key=True),
        sa.Column("plan_id", text(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("period", text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("description", text(), nullable=False),
        sa.Column("level", text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_slot_plan_id", "plan_slot", ["plan_id"])
    with op.batch_alter_table("inspection") as batch:
        batch.add_column(sa.Column("plan_slot_id", text(), nullable=True))
        batch.create_index("ix_inspection_plan_slot_id", ["plan_slot_id"])


def downgrade() -> None:
    with op.batch_alter_table("inspection") as batch:
        batch.drop_index("ix_inspection_plan_slot_id")
        batch.drop_column("plan_slot_id")
    op.drop_index("ix_plan_slot_plan_id", table_name="plan_slot")
    op.drop_table("plan_slot")
