"""The audit log refuses TRUNCATE too (PostgreSQL; SQLite has no TRUNCATE).

``DELETE`` and ``UPDATE`` were refused row by row since 0002; ``TRUNCATE`` removes every row
without touching a row trigger, so it gets a statement trigger of its own.

Revision ID: 0003_no_truncate
Revises: 0002_index_watermark
"""

from __future__ import annotations

from alembic import op

revision = "0003_no_truncate"
down_revision = "0002_index_watermark"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION govern_audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
