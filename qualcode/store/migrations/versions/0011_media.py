"""Recordings beside transcripts: the ``media`` table (qualcode.corpus.media).

Only the file's name, its path relative to the project's media folder, size, type and SHA-256
are stored; the bytes stay in the media folder.

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transcript_id", sa.Integer,
                  sa.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("duration", sa.Float, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("guid", sa.String(38), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("media")
