"""Baseline: the schema of SCHEMA_VERSION 1 (qualcode main at commit 7e5d562).

Databases made before Alembic have no ``alembic_version`` table; qualcode stamps them with
this revision when they carry ``qualcode_meta.schema_version = 1`` and then upgrades them.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qualcode_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
    )
    op.create_table(
        "transcripts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("source_filename", sa.String(1024)),
        sa.Column("source_format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(32)),
        sa.Column("language", sa.String(8)),
        sa.Column("interview_order", sa.Integer),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transcript_id", sa.Integer,
                  sa.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("index", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String(255)),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("time_start", sa.Float),
        sa.Column("time_end", sa.Float),
        sa.CheckConstraint("start_offset <= end_offset", name="turn_span"),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guid", sa.String(38), nullable=False, unique=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("codes.id")),
        sa.Column("parent_key", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("inclusion", sa.Text, nullable=False),
        sa.Column("exclusion", sa.Text, nullable=False),
        sa.Column("examples", sa.JSON, nullable=False),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("parent_key", "name", name="code_name_per_parent"),
    )
    op.create_table(
        "codings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transcript_id", sa.Integer,
                  sa.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id"), nullable=False),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("coder", sa.String(255), nullable=False),
        sa.Column("memo", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("start_offset >= 0 AND start_offset < end_offset", name="coding_span"),
        sa.UniqueConstraint("transcript_id", "code_id", "start_offset", "end_offset", "coder",
                            name="coding_once"),
    )
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("transcript_id", sa.Integer,
                  sa.ForeignKey("transcripts.id", ondelete="CASCADE")),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ["memos", "codings", "codes", "turns", "transcripts", "qualcode_meta"]:
        op.drop_table(table)
