"""Cases: the people who speak. A ``cases`` table and the case of every speaker turn; existing
projects get their cases from the speaker labels and the transcripts' attributes (the rules of
qualcode.store.case_rules), nothing else changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("guid", sa.String(38), nullable=True),
    )
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer, nullable=True))
        batch.create_foreign_key("turn_case", "cases", ["case_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_turns_case_id", ["case_id"])
    _fill(op.get_bind())
    # "case" was the dimension "each interview"; it is now "interview" ("case": each person)
    op.execute("UPDATE matrix_summaries SET dimension = 'interview' WHERE dimension = 'case'")


def _fill(bind) -> None:
    """A case per speaker (same label, same case) and per single-respondent interview."""
    import uuid
    from datetime import datetime, timezone

    from qualcode.store.case_rules import case_key, plan

    meta = sa.MetaData()
    transcripts = sa.Table("transcripts", meta, sa.Column("id", sa.Integer),
                           sa.Column("name", sa.String), sa.Column("attributes", sa.JSON))
    turns = sa.Table("turns", meta, sa.Column("id", sa.Integer),
                     sa.Column("transcript_id", sa.Integer), sa.Column("speaker", sa.String),
                     sa.Column("case_id", sa.Integer))
    cases = sa.Table("cases", meta, sa.Column("id", sa.Integer), sa.Column("name", sa.String),
                     sa.Column("key", sa.String), sa.Column("aliases", sa.JSON),
                     sa.Column("role", sa.String), sa.Column("attributes", sa.JSON),
                     sa.Column("created_at", sa.DateTime), sa.Column("guid", sa.String))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    known: dict[str, int] = {}

    def ensure(name: str, role: str, attributes: dict) -> int:
        key = case_key(name)
        if key not in known:
            known[key] = bind.execute(cases.insert().values(
                name=name, key=key, aliases=[], role=role or None, attributes=attributes,
                created_at=now, guid=str(uuid.uuid4())).returning(cases.c.id)).scalar_one()
        return known[key]

    labels_of: dict[int, set] = {}
    for tid, speaker in bind.execute(sa.select(turns.c.transcript_id, turns.c.speaker).distinct()):
        labels_of.setdefault(tid, set()).add(speaker)
    for tid, name, attributes in bind.execute(sa.select(
            transcripts.c.id, transcripts.c.name, transcripts.c.attributes)
            .order_by(transcripts.c.id)).all():
        if tid not in labels_of:
            continue
        attributes = attributes or {}
        labels = sorted(label for label in labels_of[tid] if label)
        mapping = plan(name, attributes, labels)
        for label in labels:
            case_name, role = mapping[label]
            extra = {"participant": attributes["participant"]} if (
                mapping[label] == mapping[None] and attributes.get("participant")) else {}
            bind.execute(turns.update().where(turns.c.transcript_id == tid,
                                              turns.c.speaker == label)
                         .values(case_id=ensure(case_name, role, extra)))
        if not labels:  # an interview without labels: all of it is its participant's
            case_name, role = mapping[None]
            extra = {"participant": attributes["participant"]} if attributes.get("participant") \
                else {}
            bind.execute(turns.update().where(turns.c.transcript_id == tid)
                         .values(case_id=ensure(case_name, role, extra)))


def downgrade() -> None:
    op.execute("DELETE FROM matrix_summaries WHERE dimension = 'case'")
    op.execute("UPDATE matrix_summaries SET dimension = 'case' WHERE dimension = 'interview'")
    # the column's foreign key goes with it (named here, unnamed in a project made at head)
    with op.batch_alter_table("turns") as batch:
        batch.drop_index("ix_turns_case_id")
        batch.drop_column("case_id")
    op.drop_table("cases")
