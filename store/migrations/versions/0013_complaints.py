"""citizens' complaints; e-mail to an address that is no account

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", text(), primary_key=True),
        sa.Column("owner_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("office_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("reference", text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", text(), nullable=False),
        sa.Column("unit_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("unit_name", text(), nullable=False),
        sa.Column("unit_path", text(), nullable=False),
        sa.Column("people_named", text(), nullable=False),
        sa.Column("content", text(), nullable=False),
        sa.Column("criterion", text(), nullable=False),
        sa.Column("complainant_name", text(), nullable=False),
        sa.Column("complainant_email", text(), nullable=False),
        sa.Column("complainant_phone", text(), nullable=False),
        sa.Column("status", text(), nullable=False),
        sa.Column("reason", text(), nullable=False),
        sa.Column("inspection_id", text(), nullable=True),
        sa.Column("assessed_by", text(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_number", text(), nullable=False),
        sa.Column("answer_document_id", text(), nullable=True),
        sa.Column("created_by", text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("owner_id", "reference", name="uq_complaint_reference"),
    )
    for column in ("owner_id", "year", "received_on", "unit_id", "status", "inspection_id"):
        op.create_index(f"ix_complaint_{column}", "complaint", [column])
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recipient_address", text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("recipient_address")
    op.drop_table("complaint")
