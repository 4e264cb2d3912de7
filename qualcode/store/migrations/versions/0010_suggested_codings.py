"""The review queue of suggested codings, with the provenance of accepted ones
(qualcode.coding.suggest_queue). Additive: one new table.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suggested_codings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transcript_id", sa.Integer,
                  sa.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("backend", sa.String(64), nullable=False),
        sa.Column("model", sa.String(255), nullable=False),
        sa.Column("model_version", sa.String(255), nullable=False),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("requested_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("coding_id", sa.Integer, sa.ForeignKey("codings.id", ondelete="SET NULL"),
                  nullable=True),
        sa.CheckConstraint("start_offset >= 0 AND start_offset < end_offset",
                           name="suggested_span"),
    )
    op.create_index("suggested_by_transcript", "suggested_codings", ["transcript_id", "status"])


def downgrade() -> None:
    op.drop_index("suggested_by_transcript", table_name="suggested_codings")
    op.drop_table("suggested_codings")
