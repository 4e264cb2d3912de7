"""Axial and selective coding: relation types, relations between codes with their grounding
codings, saved network views with node positions, the core category, sets of codes (REFI-QDA).

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-07

Additive only: new tables, nothing existing changes.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relation_types",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "code_relations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guid", sa.String(38), nullable=False, unique=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("type_id", sa.Integer, sa.ForeignKey("relation_types.id"), nullable=False),
        sa.Column("directed", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("memo", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("code_relation_ends", "code_relations", ["source_id", "target_id"])
    op.create_table(
        "relation_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("relation_id", sa.Integer,
                  sa.ForeignKey("code_relations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("coding_id", sa.Integer, sa.ForeignKey("codings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.UniqueConstraint("relation_id", "coding_id", name="evidence_once"),
    )
    op.create_index("ix_relation_evidence_relation_id", "relation_evidence", ["relation_id"])
    op.create_index("ix_relation_evidence_coding_id", "relation_evidence", ["coding_id"])
    op.create_table(
        "network_views",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("center_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="SET NULL")),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("positions", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "core_category",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="SET NULL")),
        sa.Column("memo_id", sa.Integer, sa.ForeignKey("memos.id", ondelete="SET NULL")),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "code_sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guid", sa.String(38), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_table(
        "code_set_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("set_id", sa.Integer, sa.ForeignKey("code_sets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.UniqueConstraint("set_id", "code_id", name="code_set_member_once"),
    )
    op.create_index("ix_code_set_members_set_id", "code_set_members", ["set_id"])


def downgrade() -> None:
    op.drop_index("ix_code_set_members_set_id", table_name="code_set_members")
    op.drop_table("code_set_members")
    op.drop_table("code_sets")
    op.drop_table("core_category")
    op.drop_table("network_views")
    op.drop_index("ix_relation_evidence_coding_id", table_name="relation_evidence")
    op.drop_index("ix_relation_evidence_relation_id", table_name="relation_evidence")
    op.drop_table("relation_evidence")
    op.drop_index("code_relation_ends", table_name="code_relations")
    op.drop_table("code_relations")
    op.drop_table("relation_types")
