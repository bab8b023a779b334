"""scope indexes by issuing organisation and coordinating office (the work page)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_inspection_scope_issuer",
        "inspection_scope",
        ["organisation_id", "issuer_id", "state"],
    )
    op.create_index(
        "ix_inspection_scope_office",
        "inspection_scope",
        ["organisation_id", "office_id", "state"],
    )


def downgrade() -> None:
    op.drop_index("ix_inspection_scope_office", table_name="inspection_scope")
    op.drop_index("ix_inspection_scope_issuer", table_name="inspection_scope")
