"""accounts and audit: case-insensitive usernames, append-only security log

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(username: str) -> str:
    """As ``store.accounts.username_key``: NFC, then case-folded (frozen here on purpose)."""
    return unicodedata.normalize("NFC", username).casefold()


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "username_key",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="",
            )
        )
    bind = op.get_bind()
    users = sa.table("user", sa.column("id"), sa.column("username"), sa.column("username_key"))
    for user_id, username in bind.execute(sa.select(users.c.id, users.c.username)).all():
        bind.execute(
            users.update().where(users.c.id == user_id).values(username_key=_key(username))
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index("ix_user_username_key", ["username_key"], unique=True)

    # The security log is evidence: append-only in the database itself, like the event table.
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION kiemtra_security_log_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'security_log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON security_log "
            "FOR EACH ROW EXECUTE FUNCTION kiemtra_security_log_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER security_log_no_{verb.lower()} BEFORE {verb} ON security_log "
                "BEGIN SELECT RAISE(ABORT, 'security_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER security_log_append_only ON security_log")
        op.execute("DROP FUNCTION kiemtra_security_log_append_only()")
    else:
        op.execute("DROP TRIGGER security_log_no_update")
        op.execute("DROP TRIGGER security_log_no_delete")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index("ix_user_username_key")
        batch_op.drop_column("username_key")
