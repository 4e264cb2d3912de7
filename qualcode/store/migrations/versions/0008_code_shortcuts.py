"""A coder's codes on the number keys 1–9 of the coding palette (qualcode.coding.shortcuts).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_shortcuts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("coder", sa.String(255), nullable=False),
        sa.Column("slot", sa.Integer, nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="SET NULL"),
                  nullable=True),
        sa.UniqueConstraint("coder", "slot", name="shortcut_once"),
    )


def downgrade() -> None:
    op.drop_table("code_shortcuts")
