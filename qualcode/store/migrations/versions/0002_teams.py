"""Teams: accounts, audit trail, trash, and a version per code, transcript and memo.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VERSIONED = ["transcripts", "codes", "memos"]


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer, nullable=False,
                                       server_default="1"))
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_name", sa.String(255), nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("audit_row", "audit_log", ["table_name", "row_id"])
    op.create_index("audit_at", "audit_log", ["at"])
    op.create_table(
        "trash",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("object_id", sa.Integer, nullable=False),
        sa.Column("transcript_id", sa.Integer),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("batch", sa.String(36), nullable=False),
        sa.Column("deleted_by", sa.String(255), nullable=False),
        sa.Column("deleted_at", sa.DateTime, nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("restored_at", sa.DateTime),
        sa.Column("restored_by", sa.String(255)),
    )


def downgrade() -> None:
    op.drop_table("trash")
    op.drop_index("audit_at", "audit_log")
    op.drop_index("audit_row", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("users")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
