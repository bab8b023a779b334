"""standing teams (tổ kiểm tra thường trực) and their members

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "standing_team",
        sa.Column("id", text(), primary_key=True),
        sa.Column("organisation_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.Column("decision_number", text(), nullable=False),
        sa.Column("decision_signed_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_by", text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_standing_team_organisation_id", "standing_team", ["organisation_id"])
    op.create_table(
        "standing_team_member",
        sa.Column("team_id", text(), sa.ForeignKey("standing_team.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("user_id", text(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("name", text(), nullable=False),
        sa.Column("position", text(), nullable=False),
        sa.Column("organisation_id", text(), sa.ForeignKey("organisation.id"), nullable=True),
        sa.Column("organisation_name", text(), nullable=False),
        sa.Column("team_role", text(), nullable=False),
    )
    op.create_index("ix_standing_team_member_user_id", "standing_team_member", ["user_id"])


def downgrade() -> None:
    op.drop_table("standing_team_member")
    op.drop_table("standing_team")
