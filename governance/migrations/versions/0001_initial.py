"""The first store: policy versions, parsed blobs, review events, announcements, audit log.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("policy_id", sa.String(400), nullable=False),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("blob_sha", sa.String(64), nullable=True),
        sa.Column("previous_path", sa.String(1000), nullable=True),
        sa.Column("previous_policy_id", sa.String(400), nullable=True),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("author_name", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("committed_at", STAMP, nullable=False),
        sa.UniqueConstraint("policy_id", "commit", name="uq_policy_version_policy_commit"),
    )
    op.create_index("ix_policy_version_policy_id", "policy_version", ["policy_id"])
    op.create_index("ix_policy_version_commit", "policy_version", ["commit"])
    op.create_table(
        "parsed_blob",
        sa.Column("blob_sha", sa.String(64), primary_key=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("model_json", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("parsed_at", STAMP, nullable=False),
    )
    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("policy_id", sa.String(400), nullable=False),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reviewer", sa.String(320), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("decided_at", STAMP, nullable=False),
    )
    op.create_index("ix_review_event_fingerprint", "review_event", ["fingerprint"])
    op.create_table(
        "announcement",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("policy_id", sa.String(400), nullable=False),
        sa.Column("base_commit", sa.String(64), nullable=True),
        sa.Column("head_commit", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("body_markdown", sa.String(), nullable=False),
        sa.Column("fingerprints", sa.JSON(), nullable=False),
        sa.Column("requires_reconsent", sa.Boolean(), nullable=False),
        sa.Column("consent_revision", sa.Integer(), nullable=True),
        sa.Column("drafted_by", sa.String(320), nullable=True),
        sa.Column("decided_by", sa.String(320), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("published_at", STAMP, nullable=True),
        sa.Column("effective_at", STAMP, nullable=True),
    )
    op.create_index("ix_announcement_policy_id", "announcement", ["policy_id"])
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(120), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_event", "announcement", "review_event", "parsed_blob", "policy_version"):
        op.drop_table(table)
