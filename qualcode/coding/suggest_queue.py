"""The review queue of suggested codings on the Code page.

Suggestions for a transcript (qualcode.coding.suggest_backends) are stored as pending
``SuggestedCoding`` rows. Nothing is coded until the researcher acts on one:

* **accept** — the span becomes the researcher's own coding (``add_coding`` under their name);
  the suggestion row keeps the provenance (backend, model, model version, prompt version,
  score) and points to that coding;
* **change** — accept with another code or another span (the suggestion is then recorded as
  accepted with the change noted in its evidence);
* **reject** — the row is kept as rejected: it trains the model as "not this code here".

Acting on the queue needs the CODE permission, as coding does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import ValidationError
from ..store.models import Code, Coding, SuggestedCoding, utcnow
from ..store.project import Project
from .codings import add_coding

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


@dataclass
class QueueItem:
    id: int
    transcript_id: int
    code_id: int
    code: str
    start: int
    end: int
    score: float
    provenance: str
    evidence: dict


def provenance_text(row) -> str:
    """"suggested by model v…": what a coding accepted from the queue shows as its origin."""
    what = row.model or row.backend
    version = f" v{row.model_version}" if row.model_version else ""
    prompt = f", prompt {row.prompt_version}" if row.prompt_version else ""
    return f"suggested by {what}{version}{prompt} (score {row.score:.2f})"


def enqueue(project: Project, transcript_id: int, spans, provenance) -> int:
    """Put span suggestions in the queue (replacing the transcript's pending ones); returns
    how many were added."""
    actor = project.user
    who = actor.name if actor is not None else ""
    with project.transaction() as s:
        for row in s.scalars(select(SuggestedCoding).where(
                SuggestedCoding.transcript_id == transcript_id,
                SuggestedCoding.status == PENDING)):
            s.delete(row)
        for sp in spans:
            s.add(SuggestedCoding(
                transcript_id=transcript_id, code_id=sp.code_id, start=sp.start, end=sp.end,
                score=float(sp.score), status=PENDING, backend=provenance.backend,
                model=provenance.model[:255], model_version=provenance.model_version[:255],
                prompt_version=provenance.prompt_version[:64],
                evidence={k: v for k, v in sp.evidence.items()
                          if k in ("why", "words", "quotes")},
                requested_by=who, seconds=float(provenance.seconds)))
    return len(spans)


def pending(project: Project, transcript_id: int, *, hide_codes: set[int] | None = None
            ) -> list[QueueItem]:
    """The transcript's pending suggestions in text order; ``hide_codes``: codes left out (the
    Code page hides codes whose machine agreement is below the researcher's bar)."""
    from .codes import code_tree

    paths = {n.code.id: n.path for n in code_tree(project)}
    with project.reading() as s:
        rows = list(s.scalars(select(SuggestedCoding).where(
            SuggestedCoding.transcript_id == transcript_id, SuggestedCoding.status == PENDING)
            .order_by(SuggestedCoding.start, SuggestedCoding.score.desc())))
    hide = hide_codes or set()
    return [QueueItem(r.id, r.transcript_id, r.code_id, paths.get(r.code_id, "?"), r.start,
                      r.end, r.score, provenance_text(r), dict(r.evidence or {}))
            for r in rows if r.code_id not in hide]


def _pending_row(s, suggestion_id: int) -> SuggestedCoding:
    row = s.get(SuggestedCoding, suggestion_id)
    if row is None:
        raise ValidationError(f"no suggestion with id {suggestion_id}")
    if row.status != PENDING:
        raise ValidationError(f"this suggestion was already {row.status}")
    return row


def accept(project: Project, suggestion_id: int, *, code_id: int | None = None,
           start: int | None = None, end: int | None = None, coder: str = "") -> Coding:
    """Make the suggestion the researcher's coding (optionally with another code or span)."""
    with project.reading() as s:
        row = s.get(SuggestedCoding, suggestion_id)
        if row is None:
            raise ValidationError(f"no suggestion with id {suggestion_id}")
        if row.status != PENDING:
            raise ValidationError(f"this suggestion was already {row.status}")
        if code_id is not None and s.get(Code, code_id) is None:
            raise ValidationError(f"no code with id {code_id}")
        tid = row.transcript_id
        final = (code_id or row.code_id, row.start if start is None else start,
                 row.end if end is None else end)
        changed = final != (row.code_id, row.start, row.end)
    coding = add_coding(project, tid, final[0], final[1], final[2], coder=coder)
    actor = project.user
    with project.transaction() as s:
        row = _pending_row(s, suggestion_id)
        row.status = ACCEPTED
        row.coding_id = coding.id
        row.decided_by = coder or (actor.name if actor is not None else "")
        row.decided_at = utcnow()
        if changed:
            row.evidence = {**(row.evidence or {}), "changed_to": {
                "code_id": final[0], "start": final[1], "end": final[2]}}
    return coding


def reject(project: Project, suggestion_id: int, *, coder: str = "") -> None:
    actor = project.user
    with project.transaction() as s:
        row = _pending_row(s, suggestion_id)
        row.status = REJECTED
        row.decided_by = coder or (actor.name if actor is not None else "")
        row.decided_at = utcnow()


def provenance_of(project: Project, coding_id: int) -> str | None:
    """"suggested by …" for a coding accepted from the queue, else None."""
    with project.reading() as s:
        return provenances(s, [coding_id]).get(coding_id)


def provenances(session, coding_ids=None) -> dict[int, str]:
    """Coding id -> "suggested by …" for the codings accepted from the review queue (all of
    them, or those among ``coding_ids``): few rows, read in one query."""
    S = SuggestedCoding
    q = (select(S.coding_id, S.backend, S.model, S.model_version, S.prompt_version, S.score)
         .where(S.status == ACCEPTED, S.coding_id.is_not(None)).order_by(S.id))
    if coding_ids is not None and len(coding_ids) <= 500:
        q = q.where(S.coding_id.in_(list(coding_ids)))
    out: dict[int, str] = {}
    for row in session.execute(q):
        out.setdefault(row.coding_id, provenance_text(row))
    return out
