"""Coding status per interview: not coded / in progress / coded.

"coded" is a researcher's statement ("I have finished coding this interview"), stored on the
transcript. "in progress" is stored when set explicitly, and otherwise follows from the codings
(a transcript with codings that is not marked coded is in progress). Saturation counts only
interviews marked coded (see analysis/saturation.py), so an interview ingested but not yet
(fully) coded can never pass for one that added no new information.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..errors import NotFound, ValidationError
from ..store.models import Coding, Transcript
from ..store.project import Project

CODED = "coded"
IN_PROGRESS = "in progress"
NOT_CODED = "not coded"
STATUSES = (NOT_CODED, IN_PROGRESS, CODED)
_ALIASES = {"coded": CODED, "complete": CODED, "done": CODED,
            "in progress": IN_PROGRESS, "in-progress": IN_PROGRESS, "in_progress": IN_PROGRESS,
            "not coded": NOT_CODED, "not-coded": NOT_CODED, "not_coded": NOT_CODED,
            "uncoded": NOT_CODED}


def normalise_status(value: str) -> str:
    status = _ALIASES.get(str(value or "").strip().lower())
    if status is None:
        raise ValidationError(f"unknown coding status {value!r}: use coded, in-progress or "
                              "not-coded")
    return status


def status_of(stored: str | None, codings: int) -> str:
    """The status shown for a transcript with ``stored`` status and ``codings`` codings."""
    if stored in (CODED, IN_PROGRESS):
        return stored
    return IN_PROGRESS if codings else NOT_CODED


def coding_counts(project: Project, transcript_ids: list[int] | None = None) -> dict[int, int]:
    """Number of codings per transcript id (of all transcripts, or of ``transcript_ids``)."""
    q = select(Coding.transcript_id, func.count())
    if transcript_ids is not None:
        q = q.where(Coding.transcript_id.in_(list(transcript_ids)))
    with project.reading() as s:
        return dict(s.execute(q.group_by(Coding.transcript_id)).all())


def statuses(project: Project) -> dict[int, str]:
    """The coding status of every transcript, by id."""
    counts = coding_counts(project)
    with project.reading() as s:
        rows = s.execute(select(Transcript.id, Transcript.coding_status)).all()
    return {tid: status_of(stored, counts.get(tid, 0)) for tid, stored in rows}


def set_status(project: Project, transcript_ids: list[int], status: str) -> int:
    """Mark transcripts coded, in progress or not coded (all or none). "not coded" clears the
    mark: a transcript that has codings then shows as in progress. Returns how many changed."""
    status = normalise_status(status)
    stored = None if status == NOT_CODED else status
    with project.transaction() as s:
        rows = {t.id: t for t in s.scalars(select(Transcript)
                                           .where(Transcript.id.in_(list(transcript_ids))))}
        missing = [i for i in transcript_ids if i not in rows]
        if missing:
            raise NotFound(f"no transcript with id {missing[0]}")
        changed = 0
        for t in rows.values():
            if t.coding_status != stored:
                t.coding_status = stored
                changed += 1
    return changed


def mark_by_name(project: Project, names: list[str], status: str) -> list[str]:
    """``set_status`` by transcript names (all must exist); returns the names marked."""
    status = normalise_status(status)
    with project.reading() as s:
        by_name = dict(s.execute(select(Transcript.name, Transcript.id)).all())
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise NotFound("no transcript called " + ", ".join(map(repr, unknown[:5]))
                       + (" …" if len(unknown) > 5 else ""))
    set_status(project, [by_name[n] for n in names], status)
    return list(names)


def mark_all(project: Project, status: str) -> int:
    with project.reading() as s:
        ids = list(s.scalars(select(Transcript.id)))
    set_status(project, ids, status)
    return len(ids)
