"""The training rows of the suggestion model, read from a project: its coded spans with their
context, each code's own words (definition, criteria, examples) and the suggestions the
researcher rejected in the review queue (qualcode.coding.suggest_queue)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from ..store.models import Code, Coding, SuggestedCoding, Transcript
from ..store.project import Project
from .suggest_model import Example

CONTEXT_CHARS = 200  # text taken before and after a quote as its context


def project_language(project: Project) -> str | None:
    """The most common transcript language of the project (None when none is known)."""
    with project.reading() as s:
        rows = s.execute(select(Transcript.language, func.count())
                         .group_by(Transcript.language)).all()
    counts = Counter({lang: n for lang, n in rows if lang})
    return counts.most_common(1)[0][0] if counts else None


def context_of(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """The text around ``[start, end)`` (not the span itself)."""
    return text[max(0, start - chars):start] + " " + text[end:end + chars]


def code_words(code: Code) -> str:
    """A code's own words: name, labels, definition, inclusion criteria and examples."""
    parts = [code.name, *(code.labels or {}).values(), code.description or "",
             code.inclusion or "", *[str(x) for x in (code.examples or [])]]
    return "\n".join(p for p in parts if p)


def code_examples(project: Project) -> tuple[list[int], list[Example]]:
    """Every code id (tree order) and one definition row per code that has words of its own."""
    from .codes import code_tree

    nodes = code_tree(project)
    lang = project_language(project)
    rows = []
    for n in nodes:
        words = code_words(n.code)
        if words.strip():
            rows.append(Example(words, lang, codes=frozenset([n.code.id]),
                                ref=("code", n.code.id), kind="definition"))
    return [n.code.id for n in nodes], rows


def coding_examples(project: Project, *, coders=None, transcript_ids=None,
                    after_id: int | None = None, ids=None) -> list[Example]:
    """One row per coded span (the codes of all ``coders`` on that exact span together), with
    the transcript as its group. ``after_id``/``ids``: only those codings (incremental)."""
    q = select(Coding.id, Coding.transcript_id, Coding.code_id, Coding.start, Coding.end)
    if coders is not None:
        q = q.where(Coding.coder.in_(list(coders)))
    if transcript_ids is not None:
        q = q.where(Coding.transcript_id.in_(list(transcript_ids)))
    if after_id is not None:
        q = q.where(Coding.id > after_id)
    if ids is not None:
        q = q.where(Coding.id.in_(list(ids)))
    with project.reading() as s:
        rows = s.execute(q.order_by(Coding.id)).all()
        tids = sorted({r.transcript_id for r in rows})
        texts, langs = {}, {}
        for part in range(0, len(tids), 200):
            for tid, text, lang in s.execute(select(Transcript.id, Transcript.text,
                                                    Transcript.language)
                                             .where(Transcript.id.in_(tids[part:part + 200]))):
                texts[tid], langs[tid] = text, lang
    spans: dict[tuple, list] = {}
    for r in rows:
        spans.setdefault((r.transcript_id, r.start, r.end), []).append(r)
    out = []
    for (tid, start, end), group in spans.items():
        text = texts[tid]
        out.append(Example(text[start:end], langs[tid], context_of(text, start, end),
                           codes=frozenset(r.code_id for r in group), group=tid,
                           ref=min(r.id for r in group), kind="coding"))
    return out


def rejected_examples(project: Project) -> list[Example]:
    """Suggestions the researcher rejected: rows negative for the suggested code only."""
    with project.reading() as s:
        rows = s.execute(select(SuggestedCoding.transcript_id, SuggestedCoding.code_id,
                                SuggestedCoding.start, SuggestedCoding.end, Transcript.text,
                                Transcript.language)
                         .join(Transcript, Transcript.id == SuggestedCoding.transcript_id)
                         .where(SuggestedCoding.status == "rejected")).all()
    return [Example(r.text[r.start:r.end], r.language, context_of(r.text, r.start, r.end),
                    not_codes=frozenset([r.code_id]), group=r.transcript_id,
                    ref=("rejected", r.transcript_id, r.start, r.end), kind="rejected")
            for r in rows]


def all_examples(project: Project) -> tuple[list[int], list[Example]]:
    code_ids, definitions = code_examples(project)
    return code_ids, definitions + coding_examples(project) + rejected_examples(project)


def review_fingerprint(project: Project) -> tuple:
    """Changes to the review decisions (rejections train the model)."""
    with project.reading() as s:
        return tuple(s.execute(select(func.count(), func.max(SuggestedCoding.decided_at))
                               .where(SuggestedCoding.status == "rejected")).one())
