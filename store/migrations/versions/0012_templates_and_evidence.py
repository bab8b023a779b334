"""office document templates; evidence files

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "document_template",
        sa.Column("id", text(), primary_key=True),
        sa.Column("organisation_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", text(), nullable=False),
        sa.Column("uploaded_by", text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_document_template_organisation_id", "document_template", ["organisation_id"]
    )
    op.create_index("ix_document_template_kind", "document_template", ["kind"])
    op.create_table(
        "evidence_file",
        sa.Column("id", text(), primary_key=True),
        sa.Column("inspection_id", text(), nullable=False),
        sa.Column("target", text(), nullable=False),
        sa.Column("ref", text(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", text(), nullable=False),
        sa.Column("sha256", text(), nullable=False),
        sa.Column("uploaded_by", text(), nullable=False),
        sa.Column("uploaded_by_name", text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", text(), nullable=True),
    )
    op.create_index("ix_evidence_file_inspection_id", "evidence_file", ["inspection_id"])
    op.create_index("ix_evidence_file_sha256", "evidence_file", ["sha256"])


def downgrade() -> None:
    op.drop_table("evidence_file")
    op.drop_table("document_template")
