"""Coding status per transcript; REFI-QDA GUIDs on transcripts, codings and memos.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Existing transcripts keep their interview order as explicit (there is no way to tell an order
filled in at ingest from one the researcher set) and their coding status empty (derived from
their codings: "not coded" or "in progress"; a researcher marks an interview "coded"). GUIDs are
filled in on first export and then stay.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transcripts") as batch:
        batch.add_column(sa.Column("coding_status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("guid", sa.String(38), nullable=True))
    with op.batch_alter_table("codings") as batch:
        batch.add_column(sa.Column("guid", sa.String(38), nullable=True))
    with op.batch_alter_table("memos") as batch:
        batch.add_column(sa.Column("guid", sa.String(38), nullable=True))


def downgrade() -> None:
    for table, columns in (("memos", ["guid"]), ("codings", ["guid"]),
                           ("transcripts", ["guid", "coding_status"])):
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
