"""Applying codes to character spans (code-point offsets into canonical text) and removing them."""

from __future__ import annotations

from sqlalchemy import select, update

from ..errors import DuplicateError, ValidationError
from ..store.models import Code, Coding, Memo, MemoLink, Transcript
from ..store.clean import clean
from ..store.project import Project, default_coder, get_row
from .spans import trim_span


def add_coding(project: Project, transcript_id: int, code_id: int, start: int, end: int,
               coder: str = "", memo: str = "", *, before_change=None) -> Coding:
    """Code ``text[start:end]`` of a transcript. Whitespace at either end of the span is trimmed.

    The same coder's coding of the same code that overlaps or touches the span is extended to
    cover both (one coding, memos joined; several such codings become one) instead of a second
    coding being added; a span already inside such a coding raises DuplicateError.
    ``before_change(session, rows)`` is called with those codings before they change (undo)."""
    if isinstance(start, bool) or isinstance(end, bool) or not (
            isinstance(start, int) and isinstance(end, int)):
        raise ValidationError("start and end must be whole numbers (code-point offsets)")
    with project.transaction() as s:
        transcript = get_row(s, Transcript, transcript_id, "transcript")
        get_row(s, Code, code_id, "code")
        n = len(transcript.text)
        if not 0 <= start < end <= n:
            raise ValidationError(
                f"span {start}–{end} is not inside the transcript (0–{n}) or is empty")
        text = transcript.text
        start, end = trim_span(text, start, end)
        if start == end:
            raise ValidationError("the selected span holds only white space")
        # the coder the store writes (never empty: the acting user, else the OS user), so the
        # same coder's overlapping coding is found and extended, not duplicated
        coder = clean(coder or "").strip() or default_coder(project)
        existing = list(s.scalars(select(Coding).where(
            Coding.transcript_id == transcript_id, Coding.code_id == code_id,
            Coding.coder == coder, Coding.start <= end + _GAP, Coding.end >= start - _GAP)))
        coding, made = apply_span(s, text, transcript_id, code_id, start, end, coder, memo,
                                  existing, before_change=before_change)
        if made == "same":
            raise DuplicateError("this span already has this code from this coder")
    return coding


_GAP = 40  # the longest run of spaces between two codings that still counts as touching


def touching(text: str, a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two spans of ``text`` overlap or touch: meet, or lie on one line with only
    spaces (no line break, no word) between them."""
    if a_start <= b_end and b_start <= a_end:
        return True
    gap_from, gap_to = (a_end, b_start) if a_end < b_start else (b_end, a_start)
    return gap_to - gap_from <= _GAP and not text[gap_from:gap_to].strip(" \t\u00a0")


def apply_span(s, text: str, transcript_id: int, code_id: int, start: int, end: int,
               coder: str, memo: str, existing: list[Coding], *,
               before_change=None) -> tuple[Coding, str]:
    """Code a (trimmed) span of ``text`` (the transcript's) in session ``s``, given
    ``existing``: this coder's codings of this code in this transcript (at least those that
    may touch the span; the list is kept up to date, so a batch can pass it on). Returns the
    coding and what happened:
    ``"new"``, ``"extended"`` (an overlapping or touching coding now covers the span; other
    such codings were folded into it, their memos and memo links with them) or ``"same"`` (the
    span lies inside one already: nothing changed)."""
    near = sorted((c for c in existing if touching(text, c.start, c.end, start, end)),
                  key=lambda c: c.id)
    if not near:
        coding = Coding(transcript_id=transcript_id, code_id=code_id, start=start, end=end,
                        coder=coder, memo=memo or "")
        s.add(coding)
        existing.append(coding)
        return coding, "new"
    keep = near[0]
    new_start = min([start] + [c.start for c in near])
    new_end = max([end] + [c.end for c in near])
    if len(near) == 1 and (new_start, new_end) == (keep.start, keep.end):
        return keep, "same"
    if before_change is not None:
        before_change(s, near)
    memos = [c.memo for c in sorted(near, key=lambda c: c.start)] + [memo or ""]
    joined = "\n\n".join(dict.fromkeys(m.strip() for m in memos if m and m.strip()))
    folded = [c for c in near if c is not keep]
    if folded:
        ids = [c.id for c in folded]
        s.execute(update(MemoLink).where(MemoLink.coding_id.in_(ids)).values(coding_id=keep.id))
        # folded into another coding, not removed: no trash items for them (store/audit.py)
        s.info.setdefault("qc_folded_codings", set()).update(ids)
        for c in folded:
            s.delete(c)
            existing.remove(c)
        s.flush()  # their (span, coder) keys are free before the kept one takes its new span
    keep.start, keep.end, keep.memo = new_start, new_end, joined
    return keep, "extended"


def remove_coding(project: Project, coding_id: int) -> None:
    with project.transaction() as s:
        s.delete(get_row(s, Coding, coding_id, "coding"))


def set_coding_memo(project: Project, coding_id: int, memo: str) -> Coding:
    with project.transaction() as s:
        coding = get_row(s, Coding, coding_id, "coding")
        coding.memo = memo or ""
    return coding


def coder_filter(project: Project, query, *, viewer: str | None = None,
                 coder: str | None = None):
    """``query`` on Coding limited to one ``coder`` (e.g. the consensus coder) and, under blind
    coding, to the codings ``viewer`` may see (their own). Both None: every coding."""
    from ..store.settings import visible_coder

    if coder is not None:
        query = query.where(Coding.coder == coder)
    own = visible_coder(project, viewer)
    if own is not None:
        query = query.where(Coding.coder == own)
    return query


def visible_coders(project: Project, coders=None, *, viewer: str | None = None):
    """``coders`` (None: every coder) narrowed to what ``viewer`` may see: under blind coding
    only their own codings; no viewer (library, CLI) or blind coding off: unchanged."""
    from ..store.settings import visible_coder

    own = visible_coder(project, viewer)
    if own is None:
        return coders
    return [own] if coders is None or own in coders else []


def codings_for_transcript(project: Project, transcript_id: int, *, viewer: str | None = None,
                           coder: str | None = None) -> list[Coding]:
    """The codings of a transcript; ``viewer`` (who is looking: only their own under blind
    coding) and ``coder`` (only this coder's) narrow them down."""
    q = coder_filter(project, select(Coding).where(Coding.transcript_id == transcript_id),
                     viewer=viewer, coder=coder)
    with project.reading() as s:
        return list(s.scalars(q.order_by(Coding.start, Coding.end, Coding.id)))


def all_codings(project: Project, *, viewer: str | None = None,
                coder: str | None = None) -> list[Coding]:
    q = coder_filter(project, select(Coding), viewer=viewer, coder=coder)
    with project.reading() as s:
        return list(s.scalars(q.order_by(Coding.transcript_id, Coding.start, Coding.id)))


def add_memo(project: Project, title: str, body: str = "", *, author: str = "",
             transcript_id: int | None = None, code_id: int | None = None) -> Memo:
    """A memo on a transcript or a code (or neither); see qualcode.coding.memos.create_memo, which
    also takes a memo type and links to codings, codes, transcripts and memos."""
    from .memos import create_memo

    return create_memo(project, title, body, author=author, transcript_id=transcript_id,
                       code_id=code_id)


def list_memos(project: Project) -> list[Memo]:
    with project.reading() as s:
        return list(s.scalars(select(Memo).order_by(Memo.created_at, Memo.id)))


def update_memo(project: Project, memo_id: int, *, title: str | None = None,
                body: str | None = None, expected_version: int | None = None) -> Memo:
    """Edit a memo; with ``expected_version`` a save over a colleague's newer edit is refused
    (see qualcode.coding.memos.update_memo, which also sets the memo type)."""
    from .memos import update_memo as update

    return update(project, memo_id, title=title, body=body, expected_version=expected_version)
