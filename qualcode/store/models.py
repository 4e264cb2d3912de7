"""The project schema: transcripts with speaker turns, a code hierarchy, codings and memos.

All character offsets (turns, codings) are Python code points into ``Transcript.text``,
the canonical text stored at ingest, which never changes afterwards.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


SCHEMA_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_guid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value facts about the project database itself (schema version)."""

    __tablename__ = "qualcode_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class Transcript(Base):
    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic concurrency: bumped on every UPDATE; a stale save is refused (store/concurrency.py).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(String(255), unique=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_filename: Mapped[str | None] = mapped_column(String(1024))
    source_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    # Set explicitly (front matter, attribute sheet, UI, CLI) or NULL: then the order is derived
    # from an interview-date attribute or the name (see analysis/interview_order.py).
    interview_order: Mapped[int | None] = mapped_column(Integer)
    # "coded" (marked complete by the researcher), "in progress", or NULL: derived from the
    # codings (some: in progress, none: not coded). See qualcode/coding_status.py.
    coding_status: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # REFI-QDA identity, kept across exports and imports (NULL on rows made before it existed)
    guid: Mapped[str | None] = mapped_column(String(38), nullable=True, default=new_guid)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Turn.index"
    )


class Turn(Base):
    """One speaker turn; ``start``/``end`` cover the spoken words, after the speaker label."""

    __tablename__ = "turns"
    __table_args__ = (CheckConstraint("start_offset <= end_offset", name="turn_span"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(255))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    time_start: Mapped[float | None] = mapped_column(Float)
    time_end: Mapped[float | None] = mapped_column(Float)
    # The person who speaks (qualcode.corpus.cases); NULL for a heading or a prompt that no one
    # says, and on rows made before cases existed until the migration filled it in.
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True)

    transcript: Mapped[Transcript] = relationship(back_populates="turns")


class Case(Base):
    """A person (or other unit of analysis) who speaks in one or more transcripts: every speaker
    label maps to a case (see qualcode.store.case_rules and qualcode.corpus.cases)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    # the name folded (case and spacing): a label with this key is this case
    key: Mapped[str] = mapped_column(String(255), unique=True)
    # other label keys that are this case (merged cases, former names)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    guid: Mapped[str | None] = mapped_column(String(38), nullable=True, default=new_guid)  # REFI


class Code(Base):
    __tablename__ = "codes"
    __table_args__ = (UniqueConstraint("parent_key", "name", name="code_name_per_parent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic concurrency: bumped on every UPDATE; a stale save is refused (store/concurrency.py).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    guid: Mapped[str] = mapped_column(String(38), unique=True, default=new_guid)  # REFI-QDA
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id"))
    # parent_id with NULL folded to 0, so that top-level names are unique too.
    parent_key: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(255))
    labels: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list] = mapped_column(JSON, default=list)
    color: Mapped[str] = mapped_column(String(7), default="#ffd54f")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Coding(Base):
    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND start_offset < end_offset", name="coding_span"),
        UniqueConstraint(
            "transcript_id", "code_id", "start_offset", "end_offset", "coder", name="coding_once"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    coder: Mapped[str] = mapped_column(String(255), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    guid: Mapped[str | None] = mapped_column(String(38), nullable=True, default=new_guid)  # REFI


class Memo(Base):
    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic concurrency: bumped on every UPDATE; a stale save is refused (store/concurrency.py).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(255), default="")
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE")
    )
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    # theoretical / methodological / sampling (MEMO_TYPES); NULL for an untyped memo
    memo_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    guid: Mapped[str | None] = mapped_column(String(38), nullable=True, default=new_guid)  # REFI


# --- Teams: accounts, audit trail, trash (qualcode/store/users.py, audit.py, trash.py) ---------


class User(Base):
    """An account of this project (a project is one database, so a role is per project)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))  # see store/permissions.py ROLES
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """One row per insert, update or delete: who, when, which row, before and after (the changed
    columns). Written by the session hooks in store/audit.py, never through the ORM."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("audit_row", "table_name", "row_id"), Index("audit_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_name: Mapped[str] = mapped_column(String(255), default="")
    user_id: Mapped[int | None] = mapped_column(Integer)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # insert | update | delete | restore
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class TrashItem(Base):
    """A deleted transcript (with its turns and codings) or coding, restorable by an admin."""

    __tablename__ = "trash"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # transcript | coding
    object_id: Mapped[int] = mapped_column(Integer)
    transcript_id: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(255), default="")
    batch: Mapped[str] = mapped_column(String(36), default="")  # one per transaction
    deleted_by: Mapped[str] = mapped_column(String(255), default="")
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)
    restored_at: Mapped[datetime | None] = mapped_column(DateTime)
    restored_by: Mapped[str | None] = mapped_column(String(255))


MEMO_TYPES = ("theoretical", "methodological", "sampling")


class MemoLink(Base):
    """A memo's link to one coding (quote), code, transcript or other memo (exactly one of the
    four target columns is set). Links go when their target is deleted."""

    __tablename__ = "memo_links"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN transcript_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN target_memo_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="memo_link_one_target"),
    )  # a link is made once: qualcode.coding.memos checks (NULLs defeat a UNIQUE constraint)

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("memos.id", ondelete="CASCADE"), index=True)
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"))
    target_memo_id: Mapped[int | None] = mapped_column(ForeignKey("memos.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MatrixSummary(Base):
    """The researcher's summary of one framework-matrix cell: a code × a value of a dimension
    (``dimension`` is an attribute name, or "case" for transcripts by name)."""

    __tablename__ = "matrix_summaries"
    __table_args__ = (UniqueConstraint("code_id", "dimension", "value", name="matrix_cell_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Action(Base):
    """One undoable change made by a coder (coding added or removed, code merged, moved or
    deleted), with a snapshot of the rows it changed: see ``qualcode.coding.history``."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coder: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SuggestedCoding(Base):
    """A coding proposed by a suggestion backend (qualcode.coding.suggest_queue), waiting in
    the review queue until the researcher accepts, changes or rejects it. Nothing is coded
    without that click; an accepted suggestion keeps its provenance here (``coding_id`` is the
    researcher's coding it became, ``model``/``model_version``/``prompt_version`` what proposed
    it), a rejected one trains the model."""

    __tablename__ = "suggested_codings"
    __table_args__ = (Index("suggested_by_transcript", "transcript_id", "status"),
                      CheckConstraint("start_offset >= 0 AND start_offset < end_offset",
                                      name="suggested_span"))

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|accepted|rejected
    backend: Mapped[str] = mapped_column(String(64), default="local")
    model: Mapped[str] = mapped_column(String(255), default="")
    model_version: Mapped[str] = mapped_column(String(255), default="")
    prompt_version: Mapped[str] = mapped_column(String(64), default="")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)  # time the backend took
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the researcher's coding it became (accepted); NULL when that coding is deleted later
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="SET NULL"))
# --- Axial and selective coding (qualcode/coding/relations.py, qualcode/coding/network_views.py)


class RelationType(Base):
    """One entry of the project's own list of relation types ("is cause of", "condition of" …)."""

    __tablename__ = "relation_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodeRelation(Base):
    """A typed relation between two codes, directed (source → target) or not, with a memo.
    It follows its codes by id (rename, move); merging codes moves it (qualcode.coding.codes)."""

    __tablename__ = "code_relations"
    __table_args__ = (Index("code_relation_ends", "source_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(38), unique=True, default=new_guid)  # REFI-QDA
    source_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("relation_types.id"))
    directed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    memo: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RelationEvidence(Base):
    """A coding (quote) that grounds a relation; a relation's weight is its number of these."""

    __tablename__ = "relation_evidence"
    __table_args__ = (UniqueConstraint("relation_id", "coding_id", name="evidence_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    relation_id: Mapped[int] = mapped_column(
        ForeignKey("code_relations.id", ondelete="CASCADE"), index=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"),
                                           index=True)


class NetworkView(Base):
    """A saved network view: a centre code and depth (or all codes), filters, and the node
    positions the researcher dragged ({code id: [x, y]}, in the view's 0–1000 box)."""

    __tablename__ = "network_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"))
    depth: Mapped[int] = mapped_column(Integer, default=1)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    positions: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class CoreCategory(Base):
    """Selective coding: the core category and the storyline memo (at most one row)."""

    __tablename__ = "core_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"))
    memo_id: Mapped[int | None] = mapped_column(ForeignKey("memos.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class CodeSet(Base):
    """A named set of codes (REFI-QDA ``<Set>`` with ``MemberCode``s), e.g. the codes of one
    tension or of a network view. Sets of transcripts are the ``sets`` attribute."""

    __tablename__ = "code_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(38), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class CodeSetMember(Base):
    __tablename__ = "code_set_members"
    __table_args__ = (UniqueConstraint("set_id", "code_id", name="code_set_member_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("code_sets.id", ondelete="CASCADE"),
                                        index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
class Media(Base):
    """The recording (audio or video) of one transcript. The file lives in the project's media
    folder (qualcode.corpus.media.media_folder), never in the database: a row keeps its name,
    its path relative to that folder, its size, type and SHA-256 (see qualcode.corpus.media)."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(255))  # the file's name as given ("P3.m4a")
    path: Mapped[str] = mapped_column(String(1024))  # relative to the media folder, "/"-separated
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(64))  # from the magic bytes: "audio/mp4"
    kind: Mapped[str] = mapped_column(String(8))  # "audio" | "video"
    sha256: Mapped[str] = mapped_column(String(64))
    duration: Mapped[float | None] = mapped_column(Float)  # seconds, where it could be read
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    guid: Mapped[str] = mapped_column(String(38), default=new_guid)  # REFI-QDA source identity
class CodeShortcut(Base):
    """A coder's code on a number key 1–9 of the coding palette (``code_id`` None: kept free).
    The numbers stay put while the coder works: see ``qualcode.coding.shortcuts``."""

    __tablename__ = "code_shortcuts"
    __table_args__ = (UniqueConstraint("coder", "slot", name="shortcut_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coder: Mapped[str] = mapped_column(String(255), default="")
    slot: Mapped[int] = mapped_column(Integer)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"),
                                                nullable=True)
