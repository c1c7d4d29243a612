"""Incremental indexing and an append-only audit log.

- ``indexed_commit``: the commits whose versions are stored (written in the same transaction as
  the versions), back-filled from the versions an older release stored;
- ``index_tip``: where the last complete index run stopped;
- ``policy_version.previous_blob_sha`` (the content before the change, for classification) and
  an index on ``blob_sha``;
- ``parsed_blob.govern_version``: a parse is reused only by the release that made it;
- triggers that refuse UPDATE and DELETE on ``audit_event``.

Revision ID: 0002_index_watermark
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_index_watermark"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)
APPEND_ONLY = "the audit log is append-only"


def upgrade() -> None:
    op.create_table(
        "indexed_commit",
        sa.Column("commit", sa.String(64), primary_key=True),
        sa.Column("indexed_at", STAMP, nullable=False),
    )
    op.create_table(
        "index_tip",
        sa.Column("policies_dir", sa.String(400), primary_key=True),
        sa.Column("commit", sa.String(64), primary_key=True),
    )
    with op.batch_alter_table("policy_version") as table:
        table.add_column(sa.Column("previous_blob_sha", sa.String(64), nullable=True))
        table.create_index("ix_policy_version_blob_sha", ["blob_sha"])
    with op.batch_alter_table("parsed_blob") as table:
        table.add_column(
            sa.Column("govern_version", sa.String(32), nullable=False, server_default="")
        )
    op.execute(
        'INSERT INTO indexed_commit ("commit", indexed_at) '
        'SELECT "commit", MIN(committed_at) FROM policy_version GROUP BY "commit"'
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION govern_audit_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION govern_audit_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS govern_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table("parsed_blob") as table:
        table.drop_column("govern_version")
    with op.batch_alter_table("policy_version") as table:
        table.drop_index("ix_policy_version_blob_sha")
        table.drop_column("previous_blob_sha")
    op.drop_table("index_tip")
    op.drop_table("indexed_commit")
