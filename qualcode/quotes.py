"""Codings joined with their text and context: the rows behind the code browser and every export."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass

from sqlalchemy import select

from .codes import code_tree
from .ingest.timecodes import format_timecode
from .store.models import Coding, Transcript, Turn
from .store.project import Project


@dataclass(frozen=True)
class QuoteRow:
    coding_id: int
    code_id: int
    code: str  # full path, "Tension / Sub-code"
    theme: str  # top-level code
    transcript_id: int
    transcript: str
    interview_order: int | None
    participant: str
    role: str
    speaker: str
    quote: str
    start: int
    end: int
    location: str
    coder: str
    memo: str

    def as_dict(self) -> dict:
        return asdict(self)


def participant_of(transcript: Transcript) -> str:
    attrs = transcript.attributes or {}
    return str(attrs.get("participant") or transcript.name)


def role_of(transcript: Transcript) -> str:
    return str((transcript.attributes or {}).get("role") or "")


def location(transcript: Transcript, turn: Turn | None, start: int, end: int) -> str:
    """"Interview 01 – P1, turn 2, 00:01:05, chars 94–221" (the time where the turn has one)."""
    parts = [transcript.name]
    if turn is not None:
        parts.append(f"turn {turn.index + 1}")
        if turn.time_start is not None:
            parts.append(format_timecode(turn.time_start))
    parts.append(f"chars {start}–{end}")
    return ", ".join(parts)


def quote_rows(project: Project, code_ids: set[int] | None = None,
               transcript_ids: set[int] | None = None, *, viewer: str | None = None,
               coder: str | None = None) -> list[QuoteRow]:
    """Quote rows in code-tree order, then interview order, then position in the text.
    ``coder``: only this coder's codings (e.g. ``"consensus"``); ``viewer``: who is looking,
    who sees only their own codings while blind coding is on (None: all codings)."""
    from .codings import coder_filter

    nodes = code_tree(project)
    order = {n.code.id: i for i, n in enumerate(nodes)}
    paths = {n.code.id: n.path for n in nodes}
    with project.reading() as s:
        q = select(Coding)
        if code_ids is not None:
            q = q.where(Coding.code_id.in_(code_ids))
        if transcript_ids is not None:
            q = q.where(Coding.transcript_id.in_(transcript_ids))
        q = coder_filter(project, q, viewer=viewer, coder=coder)
        codings = list(s.scalars(q))
        tids = {c.transcript_id for c in codings}
        transcripts = {t.id: t for t in s.scalars(select(Transcript).where(Transcript.id.in_(tids)))}
        turns: dict[int, list[Turn]] = {tid: [] for tid in tids}
        for turn in s.scalars(select(Turn).where(Turn.transcript_id.in_(tids)).order_by(Turn.index)):
            turns[turn.transcript_id].append(turn)
    starts = {tid: [turn.start for turn in ts] for tid, ts in turns.items()}
    rows = []
    for c in codings:
        t = transcripts[c.transcript_id]
        i = bisect_right(starts[t.id], c.start)
        turn = turns[t.id][i - 1] if i else None
        path = paths.get(c.code_id, "?")
        rows.append(QuoteRow(
            coding_id=c.id, code_id=c.code_id, code=path, theme=path.split(" / ")[0],
            transcript_id=t.id, transcript=t.name, interview_order=t.interview_order,
            participant=participant_of(t), role=role_of(t),
            speaker=(turn.speaker or "") if turn else "",
            quote=t.text[c.start:c.end], start=c.start, end=c.end,
            location=location(t, turn, c.start, c.end), coder=c.coder, memo=c.memo))
    rows.sort(key=lambda r: (order.get(r.code_id, 1 << 30),
                             r.interview_order if r.interview_order is not None else 1 << 30,
                             r.transcript, r.start, r.coding_id))
    return rows
