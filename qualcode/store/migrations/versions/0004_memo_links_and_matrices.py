"""Memo types and links (to quotes, codes, interviews, other memos); framework-matrix cell
summaries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Existing memos keep no type; their transcript_id / code_id still count as links.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("memos") as batch:
        batch.add_column(sa.Column("memo_type", sa.String(32), nullable=True))
    op.create_table(
        "memo_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("memo_id", sa.Integer, sa.ForeignKey("memos.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("coding_id", sa.Integer, sa.ForeignKey("codings.id", ondelete="CASCADE")),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE")),
        sa.Column("transcript_id", sa.Integer,
                  sa.ForeignKey("transcripts.id", ondelete="CASCADE")),
        sa.Column("target_memo_id", sa.Integer, sa.ForeignKey("memos.id", ondelete="CASCADE")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN transcript_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN target_memo_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="memo_link_one_target"),
    )
    op.create_index("ix_memo_links_memo_id", "memo_links", ["memo_id"])
    op.create_table(
        "matrix_summaries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("dimension", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("code_id", "dimension", "value", name="matrix_cell_once"),
    )


def downgrade() -> None:
    op.drop_table("matrix_summaries")
    op.drop_index("ix_memo_links_memo_id", table_name="memo_links")
    op.drop_table("memo_links")
    with op.batch_alter_table("memos") as batch:
        batch.drop_column("memo_type")
