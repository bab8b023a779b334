"""register of documents: types, counters per issuer/type/year, documents; abbreviations

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Decree 30/2020 Appendix III: the types an inspection issues, and the plan; more can be added.
TYPES = [
    ("QĐ", "Quyết định", "Decision"),
    ("TB", "Thông báo", "Notice"),
    ("BB", "Biên bản", "Minutes"),
    ("BC", "Báo cáo", "Report"),
    ("KH", "Kế hoạch", "Plan"),
    ("CV", "Công văn", "Official letter"),
    ("TTr", "Tờ trình", "Submission"),
]

text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("abbreviation", text(), nullable=False, server_default=""))
    types = op.create_table(
        "document_type",
        sa.Column("code", text(), primary_key=True),
        sa.Column("name_vi", text(), nullable=False),
        sa.Column("name_en", text(), nullable=False),
    )
    op.bulk_insert(types, [{"code": c, "name_vi": vi, "name_en": en} for c, vi, en in TYPES])
    op.create_table(
        "document_counter",
        sa.Column("issuer_id", text(), primary_key=True),
        sa.Column("type", text(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "document",
        sa.Column("id", text(), primary_key=True),
        sa.Column("key", text(), nullable=False),
        sa.Column("issuer_id", text(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("issuer_path", text(), nullable=False),
        sa.Column("type", text(), sa.ForeignKey("document_type.code"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("symbol", text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signer", text(), nullable=False),
        sa.Column("signer_position", text(), nullable=False),
        sa.Column("signing_form", text(), nullable=False),
        sa.Column("subject", text(), nullable=False),
        sa.Column("inspection_id", text(), nullable=True),
        sa.Column("plan_id", text(), nullable=True),
        sa.Column("entered", sa.Boolean(), nullable=False),
        sa.Column("created_by", text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("issuer_id", "type", "year", "number", name="uq_document_number"),
    )
    op.create_index("ix_document_key", "document", ["key"], unique=True)
    op.create_index("ix_document_issuer_id", "document", ["issuer_id"])
    op.create_index("ix_document_issuer_path", "document", ["issuer_path"])
    op.create_index("ix_document_year", "document", ["year"])
    op.create_index("ix_document_inspection_id", "document", ["inspection_id"])
    op.create_index("ix_document_plan_id", "document", ["plan_id"])


def downgrade() -> None:
    op.drop_table("document")
    op.drop_table("document_counter")
    op.drop_table("document_type")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("abbreviation")
