"""The consensus coder: the agreed coding of a team, reached by reconciling disagreements.

Its codings are ordinary codings stored under the reserved coder name ``"consensus"``, so
saturation, the code browser and every export can be made for it (``coder="consensus"``).
Adopting is done per unit: the consensus codings that touch the unit are replaced by copies of
one coder's codings that touch it (or by none). A memo per unit keeps the discussion.
"""

from __future__ import annotations

from sqlalchemy import select

from ..errors import ValidationError
from ..store.models import Code, Coding, Memo, Transcript
from ..store.project import Project, get_row
from ..store.settings import CONSENSUS, blind_coding


def _check_unblinded(project: Project) -> None:
    if blind_coding(project):
        raise ValidationError("blind coding is on: an admin must unblind the project before "
                              "codings are adopted into the consensus")


def _copy(s, coding: Coding) -> Coding | None:
    clash = s.scalar(select(Coding.id).where(
        Coding.transcript_id == coding.transcript_id, Coding.code_id == coding.code_id,
        Coding.start == coding.start, Coding.end == coding.end, Coding.coder == CONSENSUS))
    if clash is not None:
        return None
    memo = f"adopted from {coding.coder or '(unnamed coder)'}"
    if coding.memo:
        memo += f": {coding.memo}"
    copy = Coding(transcript_id=coding.transcript_id, code_id=coding.code_id,
                  start=coding.start, end=coding.end, coder=CONSENSUS, memo=memo)
    s.add(copy)
    return copy


def adopt_coding(project: Project, coding_id: int) -> Coding | None:
    """Copy one coding into the consensus coder; None when the consensus already has it."""
    _check_unblinded(project)
    with project.transaction() as s:
        coding = get_row(s, Coding, coding_id, "coding")
        if coding.coder == CONSENSUS:
            raise ValidationError("this coding already belongs to the consensus coder")
        return _copy(s, coding)


def adopt_unit(project: Project, transcript_id: int, start: int, end: int, coder: str | None,
               code_ids: set[int] | None = None) -> int:
    """Make ``coder``'s coding of the unit ``[start, end)`` the consensus: the consensus
    codings touching the unit (of ``code_ids``, or of every code) are removed, and the
    coder's codings touching it are copied. ``coder=None``: the unit is agreed uncoded.
    A consensus coding that reaches beyond the unit goes as a whole. Returns the number of
    codings copied."""
    _check_unblinded(project)
    if coder is not None and coder == CONSENSUS:
        raise ValidationError("choose a coder other than the consensus coder to adopt from")
    if not 0 <= start < end:
        raise ValidationError(f"unit {start}–{end} is empty")

    def touching(who: str):
        q = select(Coding).where(Coding.transcript_id == transcript_id, Coding.coder == who,
                                 Coding.start < end, Coding.end > start)
        if code_ids is not None:
            q = q.where(Coding.code_id.in_(code_ids))
        return q

    with project.transaction() as s:
        get_row(s, Transcript, transcript_id, "transcript")
        for old in s.scalars(touching(CONSENSUS)).all():
            s.delete(old)
        s.flush()
        copied = 0
        if coder is not None:
            for coding in s.scalars(touching(coder)).all():
                if _copy(s, coding) is not None:
                    copied += 1
    return copied


def discussion_title(transcript_name: str, start: int, end: int) -> str:
    return f"Agreement discussion: {transcript_name}, characters {start}–{end}"[:255]


def discussion_memo(project: Project, transcript_id: int, start: int, end: int) -> Memo | None:
    with project.reading() as s:
        transcript = get_row(s, Transcript, transcript_id, "transcript")
        return s.scalar(select(Memo).where(
            Memo.transcript_id == transcript_id,
            Memo.title == discussion_title(transcript.name, start, end)))


def save_discussion(project: Project, transcript_id: int, start: int, end: int, body: str,
                    *, author: str = "", code_id: int | None = None) -> Memo:
    """The memo of the discussion about one unit (created on first save, then updated)."""
    with project.transaction() as s:
        transcript = get_row(s, Transcript, transcript_id, "transcript")
        if code_id is not None:
            get_row(s, Code, code_id, "code")
        title = discussion_title(transcript.name, start, end)
        memo = s.scalar(select(Memo).where(Memo.transcript_id == transcript_id,
                                           Memo.title == title))
        if memo is None:
            memo = Memo(title=title, body=body or "", author=author or "",
                        transcript_id=transcript_id, code_id=code_id)
            s.add(memo)
        else:
            memo.body = body or ""
    return memo
