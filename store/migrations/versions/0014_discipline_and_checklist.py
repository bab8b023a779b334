"""discipline records; the versioned checklist catalogue (issue 15 §4)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "discipline_case",
        sa.Column("id", text(), primary_key=True),
        sa.Column("inspection_id", text(), sa.ForeignKey("inspection.id"), nullable=False),
        sa.Column("finding_no", sa.Integer(), nullable=False),
        sa.Column("criterion", text(), nullable=False),
        sa.Column("conclusion_number", text(), nullable=False),
        sa.Column("concluded_on", sa.Date(), nullable=False),
        sa.Column("issuer_id", text(), nullable=True),
        sa.Column("office_id", text(), nullable=True),
        sa.Column("person_name", text(), nullable=False),
        sa.Column("position", text(), nullable=False),
        sa.Column("organisation_name", text(), nullable=False),
        sa.Column("organisation_id", text(), nullable=True),
        sa.Column("category", text(), nullable=False),
        sa.Column("holds_post", sa.Boolean(), nullable=False),
        sa.Column("authority_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("proposed_form", text(), nullable=False),
        sa.Column("complex_case", sa.Boolean(), nullable=False),
        sa.Column("note", text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", text(), nullable=False),
        sa.Column("decided_form", text(), nullable=True),
        sa.Column("decision_number", text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reason", text(), nullable=False),
        sa.Column("created_by", text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.UniqueConstraint(
            "inspection_id", "finding_no", "person_name", name="uq_discipline_case"
        ),
    )
    op.create_table(
        "checklist_version",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("note", text(), nullable=False),
        sa.Column("created_by", text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("inspection_id", "issuer_id", "office_id", "authority_id", "due_on", "status"):
        op.create_index(f"ix_discipline_case_{column}", "discipline_case", [column])


def downgrade() -> None:
    op.drop_table("checklist_version")
    op.drop_table("discipline_case")
