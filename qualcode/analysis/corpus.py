"""The project's transcripts held in memory for analysis: texts, speaker turns and the units
(turn, sentence, paragraph) that search and co-occurrence work in.

Transcript texts never change after ingest, so the texts and turns are cached per project and
reloaded only when the set of transcripts changes (its ids and content hashes). Names, interview
order and attributes can change at any time and are read fresh on every call.
"""

from __future__ import annotations

import hashlib
import re
import threading
from bisect import bisect_right
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..errors import ValidationError
from ..coding.spans import trim_span
from ..store.models import Case, Transcript, Turn
from ..coding.quotes import participant_of, role_of
from ..store.project import Project

UNITS = ("turn", "sentence", "paragraph")


@dataclass
class TurnSpan:
    index: int
    speaker: str
    start: int
    end: int
    time_start: float | None = None
    case_id: int | None = None  # the person who speaks (qualcode.corpus.cases)


SPEAKER_KEYS = ("case", "role")  # filters on who speaks (with every case attribute)


@dataclass
class Doc:
    """One transcript's text and turns (cached), plus its current name and attributes."""

    id: int
    text: str
    language: str | None
    turns: list[TurnSpan]
    name: str = ""
    interview_order: int | None = None
    attributes: dict = field(default_factory=dict)
    _turn_starts: list[int] | None = None
    _units: dict = field(default_factory=dict)
    _lower: str | None = None
    _lower_done: bool = False
    # the project's cases {id: (name, role, attributes)}, shared by the corpus's documents
    cases: dict = field(default_factory=dict, repr=False)

    @property
    def lower(self) -> str | None:
        """The text lower-cased, when that keeps every offset (same length); else None."""
        if not self._lower_done:
            lower = self.text.lower()
            self._lower = lower if len(lower) == len(self.text) else None
            self._lower_done = True
        return self._lower

    @property
    def role(self) -> str:
        return role_of(self)

    @property
    def participant(self) -> str:
        return participant_of(self)

    def speaker_value(self, turn: TurnSpan | None, key: str) -> str:
        """``key`` ("case", "role" or a case attribute) of the person who speaks ``turn``;
        where no case speaks, the transcript's participant, role or attribute."""
        case = self.cases.get(turn.case_id) if turn is not None else None
        if case is None:
            if key == "case":
                return self.participant
            have = self.attributes.get(key)
            return "" if have is None else str(have)
        name, role, attrs = case
        if key == "case":
            return name
        if key == "role":
            return role
        have = attrs.get(key)
        return "" if have is None else str(have)

    def turn_at(self, offset: int) -> TurnSpan | None:
        """The turn holding ``offset`` (or the last one starting before it)."""
        if self._turn_starts is None:
            self._turn_starts = [t.start for t in self.turns]
        i = bisect_right(self._turn_starts, offset)
        return self.turns[i - 1] if i else None

    def turn_spans(self) -> list[tuple[int, int]]:
        """The turns' spans, or the whole text as one span when the transcript has no turns."""
        spans = [(t.start, t.end) for t in self.turns if t.end > t.start]
        return spans or [(0, len(self.text))]

    def units(self, unit: str) -> list[tuple[int, int]]:
        """Sorted, non-overlapping (start, end) spans of ``unit``: turns, sentences inside a
        turn, or paragraphs (blank-line separated blocks) clipped to a turn."""
        if unit not in UNITS:
            raise ValidationError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
        if unit not in self._units:
            if unit == "turn":
                spans = self.turn_spans()
            elif unit == "paragraph":
                spans = _clip(_paragraphs(self.text), self.turn_spans())
            else:
                spans = _sentences(self.text, self.turn_spans(), self.language)
            self._units[unit] = spans
        return self._units[unit]

    def unit_at(self, unit: str, start: int, end: int) -> tuple[int, int]:
        """The span of the unit(s) that ``[start, end)`` touches (joined when it spans several);
        the hit itself when it lies outside every unit (e.g. in a speaker label)."""
        spans = self.units(unit)
        starts = [s for s, _ in spans]
        i = max(bisect_right(starts, start) - 1, 0)
        lo = hi = None
        while i < len(spans) and spans[i][0] < max(end, start + 1):
            s, e = spans[i]
            if e > start:
                lo = s if lo is None else lo
                hi = e
            i += 1
        if lo is None:
            return start, end
        return min(lo, start), max(hi, end)


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _BLANK_LINE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [trim_span(text, s, e) for s, e in spans if text[s:e].strip()]


def _clip(spans: list[tuple[int, int]], turns: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, j = [], 0
    for ts, te in turns:
        while j < len(spans) and spans[j][1] <= ts:
            j += 1
        k = j
        while k < len(spans) and spans[k][0] < te:
            s, e = max(spans[k][0], ts), min(spans[k][1], te)
            if e > s:
                out.append((s, e))
            k += 1
    return sorted(set(out))


def _sentences(text: str, turns: list[tuple[int, int]], lang: str | None) -> list[tuple[int, int]]:
    """Sentences (spaCy sentencizer, as qualcode.corpus.sentences) inside each paragraph of each
    turn, all paragraphs of the transcript in one batch, without the lemmatizer."""
    from ..corpus.language import pipeline
    from ..corpus.sentences import doc_sentence_spans

    blocks = [(ts + s, ts + e) for ts, te in turns
              for s, e in _clip(_paragraphs(text[ts:te]), [(0, te - ts)])]
    nlp = pipeline(lang)
    disable = [name for name in nlp.pipe_names if name != "sentencizer"]
    out = []
    for (bs, _be), doc in zip(blocks, nlp.pipe((text[s:e] for s, e in blocks),
                                               batch_size=256, disable=disable)):
        out.extend(doc_sentence_spans(doc, bs))
    return out


class Corpus:
    """All transcripts of a project, in interview order."""

    def __init__(self, docs: list[Doc], version: str):
        self.docs = docs
        self.by_id = {d.id: d for d in docs}
        self.version = version
        self.index = None  # search.py's token indexes, built on the first stemmed search
        self.cases: dict = {}  # {case id: (name, role, attributes)}

    def speaker_keys(self, where: dict | None) -> set[str]:
        """The keys of ``where`` that filter by who speaks: case, role, case attributes."""
        names = set(SPEAKER_KEYS)
        for _name, _role, attrs in self.cases.values():
            names.update(attrs)
        return {k for k in (where or {}) if k in names}

    def split_where(self, where: dict | None) -> tuple[dict, dict]:
        """``where`` as (transcript filter, speaker filter)."""
        keys = self.speaker_keys(where)
        return ({k: v for k, v in (where or {}).items() if k not in keys},
                {k: v for k, v in (where or {}).items() if k in keys})

    def turn_passes(self, doc: Doc, turn: TurnSpan | None, speaker_where: dict) -> bool:
        return all(doc.speaker_value(turn, k) in values for k, values in speaker_where.items())

    def select(self, where: dict | None = None, transcript_ids=None) -> list[Doc]:
        """The transcripts passing ``where``: their attributes, and for a filter on who speaks
        (role, case, a case attribute) someone passing it speaks in them."""
        docs = self.docs
        if transcript_ids is not None:
            wanted = set(transcript_ids)
            docs = [d for d in docs if d.id in wanted]
        plain, by_speaker = self.split_where(where)
        docs = [d for d in docs if matches(d.attributes, d.name, plain)]
        if by_speaker:
            docs = [d for d in docs if any(self.turn_passes(d, t, by_speaker)
                                           for t in (d.turns or [None]))]
        return docs


def matches(attributes: dict, name: str, where: dict | None) -> bool:
    """Whether a transcript passes an attribute filter ``{attribute: {values}}``; the key
    ``transcript`` (or ``name``) filters by transcript name; "" matches a missing attribute."""
    for key, values in (where or {}).items():
        if key in ("transcript", "name"):
            have = name
        else:
            have = attributes.get(key)
            have = "" if have is None else str(have)
        if have not in values:
            return False
    return True


def parse_where(pairs: list[str] | None) -> dict[str, set[str]]:
    """``["role=participant,former", "site=A"]`` -> ``{"role": {...}, "site": {"A"}}``."""
    out: dict[str, set[str]] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"a filter is attribute=value[,value…], not {pair!r}")
        out.setdefault(key.strip(), set()).update(v.strip() for v in value.split(","))
    return out


_CACHE: dict[str, Corpus] = {}
_LOCK = threading.Lock()


def load_corpus(project: Project) -> Corpus:
    """The project's corpus, from the cache when its transcripts are unchanged."""
    with project.reading() as s:
        meta = s.execute(select(Transcript.id, Transcript.content_hash, Transcript.name,
                                Transcript.interview_order, Transcript.attributes)).all()
        # which turn is whose changes without the texts changing (a turn re-assigned)
        owners = s.execute(select(func.count(Turn.case_id),
                                  func.sum((Turn.id % 1024) * Turn.case_id))).one()
        version = hashlib.sha1(repr((sorted((m[0], m[1]) for m in meta), tuple(owners)))
                               .encode()).hexdigest()
        cases = {c.id: (c.name, c.role or "", dict(c.attributes or {}))
                 for c in s.scalars(select(Case))}
        with _LOCK:
            corpus = _CACHE.get(project.url)
        if corpus is None or corpus.version != version:
            texts = dict(s.execute(select(Transcript.id, Transcript.text)).all())
            langs = dict(s.execute(select(Transcript.id, Transcript.language)).all())
            turns: dict[int, list[TurnSpan]] = {tid: [] for tid in texts}
            for row in s.execute(select(Turn.transcript_id, Turn.index, Turn.speaker, Turn.start,
                                        Turn.end, Turn.time_start, Turn.case_id).order_by(
                                            Turn.transcript_id, Turn.index)):
                turns.setdefault(row[0], []).append(
                    TurnSpan(row[1], row[2] or "", row[3], row[4], row[5], row[6]))
            corpus = Corpus([Doc(tid, texts[tid], langs[tid], turns.get(tid, []))
                             for tid in texts], version)
            with _LOCK:
                _CACHE[project.url] = corpus
    corpus.cases = cases  # names, roles and attributes of cases: read fresh, as attributes
    for tid, _hash, name, order, attrs in meta:
        doc = corpus.by_id[tid]
        doc.name, doc.interview_order, doc.attributes = name, order, dict(attrs or {})
        doc.cases = cases
    corpus.docs = sorted(corpus.docs, key=lambda d: (d.interview_order is None,
                                                     d.interview_order or 0, d.name))
    return corpus
