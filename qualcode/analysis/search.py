"""Full-text search over all transcripts (or those with some attributes): phrase, whole word,
regular expression or Snowball-stemmed words (Dutch, English, …); hits as keyword in context
with speaker, interview and position; code all hits (the hit, its sentence, its speaker turn or
its paragraph) and auto-code every turn of a speaker.

Offsets are Python code points into ``Transcript.text``. Searching uses the cached corpus of
``corpus.py``; stemmed search a token index (token positions and stem ids, numpy arrays) built on
the first stemmed search and kept until the transcripts change. A search returns its hits
light (``SearchResult``: arrays of starts, ends and turns per transcript); the keyword in
context, speaker and location of a hit are read when the hit is (the page shown, the CLI rows).
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import itemgetter

import numpy as np
from sqlalchemy import select

from ..coding.codings import apply_span
from ..errors import NotFound, ValidationError
from ..ingest.timecodes import format_timecode
from ..store.models import Code, Coding, Transcript
from ..store.project import Project, default_coder, get_row
from .corpus import Corpus, Doc, load_corpus

MODES = ("phrase", "word", "regex", "stem")
SPANS = ("hit", "sentence", "turn", "paragraph")
REGEX_TIMEOUT = 5.0  # seconds for a whole regular-expression search
_STEMMERS = {"nl": "dutch", "en": "english", "de": "german", "fr": "french", "es": "spanish",
             "it": "italian", "pt": "portuguese", "da": "danish", "sv": "swedish",
             "no": "norwegian", "fi": "finnish", "ru": "russian"}
_TOKEN = re.compile(r"\w+")


@dataclass(slots=True, eq=False)
class Hit:
    """One hit: its span (code points into the transcript text), speaker and interview; the
    text, its context (keyword in context) and location are read from the cached text."""

    transcript_id: int
    transcript: str
    start: int
    end: int
    speaker: str
    turn: int | None  # 1-based turn number
    interview_order: int | None
    role: str
    participant: str
    time_start: float | None
    source: str  # the whole transcript text (shared, not copied)
    context: int = 60

    @property
    def text(self) -> str:
        return self.source[self.start:self.end]

    @property
    def before(self) -> str:
        return self.source[max(0, self.start - self.context):self.start]

    @property
    def after(self) -> str:
        return self.source[self.end:self.end + self.context]

    @property
    def location(self) -> str:
        parts = [self.transcript]
        if self.turn is not None:
            parts.append(f"turn {self.turn}")
            if self.time_start is not None:
                parts.append(format_timecode(self.time_start))
        parts.append(f"chars {self.start}–{self.end}")
        return ", ".join(parts)

    def __eq__(self, other) -> bool:
        return isinstance(other, Hit) and (self.transcript_id, self.start, self.end) == (
            other.transcript_id, other.start, other.end)

    def as_json(self) -> dict:
        return {"transcript": self.transcript, "start": self.start, "end": self.end,
                "text": self.text, "speaker": self.speaker, "transcript_id": self.transcript_id,
                "turn": self.turn, "location": self.location, "before": self.before,
                "after": self.after, "role": self.role, "participant": self.participant}


class SearchResult(Sequence):
    """The hits of a search, light: per transcript with hits, numpy arrays of hit starts, ends
    and turn numbers. A ``Hit`` (text, keyword in context, speaker, location) is made only when
    it is read: ``result[i]``, ``result[a:b]`` (the page shown), or iterating (every hit, as the
    CLI prints them). 126,000 hits of a frequent word cost three arrays, not 126,000 objects."""

    def __init__(self, parts: list, context: int = 60):
        # parts: (doc, starts, ends, turn index or -1), each array of one transcript's hits
        self._parts = [p for p in parts if len(p[1])]
        self._context = context
        self._bounds = np.cumsum([0] + [len(p[1]) for p in self._parts]).tolist()

    def __len__(self) -> int:
        return self._bounds[-1]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._hit(i) for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("hit index out of range")
        return self._hit(index)

    def _hit(self, index: int) -> Hit:
        k = bisect_right(self._bounds, index) - 1
        doc, starts, ends, which = self._parts[k]
        j = index - self._bounds[k]
        return _make_hit(doc, int(starts[j]), int(ends[j]), int(which[j]), self._context)

    def __iter__(self):
        context = self._context
        for doc, starts, ends, which in self._parts:
            for s, e, k in zip(starts.tolist(), ends.tolist(), which.tolist()):
                yield _make_hit(doc, s, e, k, context)

    def __eq__(self, other) -> bool:
        if isinstance(other, (SearchResult, list, tuple)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"<SearchResult: {len(self)} hit(s) in {self.transcript_count} transcript(s)>"

    @property
    def transcript_count(self) -> int:
        """How many transcripts have hits (without making the hits)."""
        return len(self._parts)

    def spans(self):
        """(transcript id, start, end) of every hit, in order, without making Hit objects."""
        for doc, starts, ends, _which in self._parts:
            yield from zip([doc.id] * len(starts), starts.tolist(), ends.tolist())


def search(project: Project, pattern: str, mode: str = "phrase", *,
           where: dict | None = None, transcript_ids=None, case_sensitive: bool = False,
           language: str | None = None, limit: int | None = None,
           context: int = 60) -> SearchResult:
    """All hits of ``pattern`` in interview order, then position (a ``SearchResult``: a sequence
    of ``Hit``, each made when it is read).

    * ``phrase``: the words in this order (any white space between them), also inside longer
      words; ``word``: whole words only; ``regex``: a Python regular expression;
    * ``stem``: words with the same Snowball stem in the transcript's language (or
      ``language``): "werken" finds "werkte", "werk", "werkend".
    """
    if mode not in MODES:
        raise ValidationError(f"search mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not (pattern or "").strip():
        raise ValidationError("give something to search for")
    corpus = load_corpus(project)
    docs = corpus.select(where, transcript_ids)
    _plain, by_speaker = corpus.split_where(where)
    if mode == "stem":
        spans = _stem_spans(corpus, docs, pattern, language)
    else:
        spans = _pattern_spans(docs, pattern, mode, case_sensitive)
    parts, total = [], 0
    for doc, found in spans:
        if limit is not None:
            found = found[:limit - total]
        part = _locate(doc, found)
        if by_speaker:  # only the words of the people passing the filter (e.g. role=participant)
            keep = np.array([corpus.turn_passes(doc, doc.turns[k] if k >= 0 else None,
                                                by_speaker) for k in part[3].tolist()], dtype=bool)
            part = (doc, part[1][keep], part[2][keep], part[3][keep])
            found = found[:int(keep.sum())]
        parts.append(part)
        total += len(found)
        if limit is not None and total >= limit:
            break
    return SearchResult(parts, context)


def compile_pattern(pattern: str, mode: str, case_sensitive: bool = False):
    """The compiled pattern: for phrase and word the escaped words joined by white space (the
    standard engine; matched against lower-cased text unless case-sensitive), for regex the
    ``regex`` module, so that a runaway regular expression is stopped by a timeout."""
    if mode != "regex":
        words = pattern.split() if case_sensitive else pattern.lower().split()
        source = r"\s+".join(re.escape(w) for w in words)
        if mode == "word":
            source += r"(?!\w)"  # the start of the word is checked after matching (faster)
        return re.compile(source)
    import regex

    try:
        return regex.compile(pattern, regex.V0 | (0 if case_sensitive else regex.IGNORECASE))
    except regex.error as exc:
        raise ValidationError(f"not a valid regular expression: {pattern!r} ({exc})") from None


_START, _SPAN = re.Match.start, re.Match.span
_WORD_CHAR = re.compile(r"\w")  # str.isalnum() or "_", as the regex engine defines \w


def _as_array(spans) -> np.ndarray:
    """[(start, end), …] as an n × 2 int64 array."""
    if isinstance(spans, np.ndarray):
        return spans.reshape(-1, 2)
    flat = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans))
    return flat.reshape(-1, 2)


def _word_starts(text: str, found: np.ndarray) -> np.ndarray:
    """The spans that start a word (no word character before them), without a Python step per
    span: the characters before all spans are gathered at C speed into one string, and only
    the few that are word characters are looked at."""
    first = 1 if len(found) and found[0, 0] == 0 else 0  # a span at 0 starts a word
    before = (found[first:, 0] - 1).tolist()
    if not before:
        return found
    chars = itemgetter(*before)(text) if len(before) > 1 else (text[before[0]],)
    rejected = [m.start() + first for m in _WORD_CHAR.finditer("".join(chars))]
    return np.delete(found, rejected, axis=0) if rejected else found


def _pattern_spans(docs: list[Doc], pattern: str, mode: str, case_sensitive: bool):
    """(doc, spans) per transcript with hits: [(start, end), …] or an n × 2 array."""
    compiled = compile_pattern(pattern, mode, case_sensitive)
    words = (pattern if case_sensitive else pattern.lower()).split()
    fixed = len(words[0]) if mode != "regex" and len(words) == 1 else 0
    fallback = None
    deadline = time.monotonic() + REGEX_TIMEOUT
    for doc in docs:
        text = doc.text
        try:
            if mode == "regex":
                found = [m.span() for m in compiled.finditer(
                    text, timeout=max(deadline - time.monotonic(), 0.01)) if m.end() > m.start()]
            else:
                lower = text if case_sensitive else doc.lower
                if lower is None:  # lower-casing changed the length: match ignoring case
                    if fallback is None:
                        fallback = re.compile(compiled.pattern, re.IGNORECASE)
                    found = [m.span() for m in fallback.finditer(text)]
                elif fixed:  # one word: every hit is as long as the word
                    starts = np.fromiter(map(_START, compiled.finditer(lower)), dtype=np.int64)
                    found = np.column_stack((starts, starts + fixed))
                else:
                    found = list(map(_SPAN, compiled.finditer(lower)))
                found = _as_array(found)
                if mode == "word":
                    found = _word_starts(text, found)
        except TimeoutError:
            raise ValidationError(
                f"the regular expression {pattern!r} took longer than {REGEX_TIMEOUT:.0f} s; "
                "make it more specific") from None
        if len(found):
            yield doc, found


@lru_cache(maxsize=16)
def stemmer(lang: str | None):
    """NLTK's Snowball stemmer for a language code (None when there is none)."""
    from nltk.stem.snowball import SnowballStemmer

    name = _STEMMERS.get((lang or "").split("-")[0].lower())
    return SnowballStemmer(name) if name else None


def _stem(word: str, lang: str | None) -> str:
    st = stemmer(lang)
    word = word.lower()
    return f"{lang}:{st.stem(word)}" if st else f":{word}"


class TokenIndex:
    """Per transcript: token starts, ends and stem ids (numpy); one stem vocabulary."""

    def __init__(self, corpus: Corpus, default_language: str | None = None):
        self.vocab: dict[str, int] = {}
        self.docs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.languages: dict[int, str | None] = {}
        stems: dict[tuple[str, str | None], int] = {}  # (lower-cased word, language) -> id
        split = re.compile(r"(\w+)")
        for doc in corpus.docs:
            lang = doc.language if stemmer(doc.language) else default_language
            self.languages[doc.id] = lang
            # split into [gap, word, gap, word, …, gap]: the lengths give every offset at C speed
            parts = split.split(doc.text)
            lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
            bounds = np.concatenate(([0], np.cumsum(lengths)))
            starts, ends = bounds[1:-1:2], bounds[2::2]
            words = [w.lower() for w in parts[1::2]]
            for word in set(words):
                if (word, lang) not in stems:
                    stems[(word, lang)] = self.vocab.setdefault(_stem(word, lang), len(self.vocab))
            ids = np.fromiter((stems[(w, lang)] for w in words), dtype=np.int32, count=len(words))
            self.docs[doc.id] = (starts, ends, ids)

    def find(self, doc_id: int, words: list[str]):
        starts, ends, ids = self.docs[doc_id]
        lang = self.languages[doc_id]
        wanted = [self.vocab.get(_stem(w, lang)) for w in words]
        if None in wanted or len(ids) < len(wanted):
            return []
        n = len(ids) - len(wanted) + 1
        mask = ids[:n] == wanted[0]
        for k, sid in enumerate(wanted[1:], 1):
            mask &= ids[k:k + n] == sid
        idx = np.flatnonzero(mask)
        return list(zip(starts[idx].tolist(), ends[idx + len(wanted) - 1].tolist()))


def token_index(corpus: Corpus, language: str | None = None) -> TokenIndex:
    """The token index, stemming each transcript in its own language, or in ``language``
    (default English) when it has none the stemmers know."""
    language = language if stemmer(language) else "en"
    if corpus.index is None:
        corpus.index = {}
    if language not in corpus.index:
        corpus.index[language] = TokenIndex(corpus, default_language=language)
    return corpus.index[language]


def _stem_spans(corpus: Corpus, docs: list[Doc], pattern: str, language: str | None):
    words = _TOKEN.findall(pattern)
    if not words:
        raise ValidationError(f"no words to stem in {pattern!r}")
    index = token_index(corpus, language)
    for doc in docs:
        found = index.find(doc.id, words)
        if found:
            yield doc, found


def _locate(doc: Doc, spans: list[tuple[int, int]]):
    """(doc, starts, ends, turn index or -1) for the spans of one transcript: the turn of
    every hit found by one searchsorted."""
    found = _as_array(spans)
    starts, ends = found[:, 0], found[:, 1]
    turn_starts = np.fromiter((t.start for t in doc.turns), dtype=np.int64, count=len(doc.turns))
    which = np.searchsorted(turn_starts, starts, side="right") - 1
    return doc, starts, ends, which


def _make_hit(doc: Doc, s: int, e: int, k: int, context: int) -> Hit:
    if k >= 0:
        t = doc.turns[k]
        return Hit(doc.id, doc.name, s, e, t.speaker, t.index + 1, doc.interview_order,
                   doc.speaker_value(t, "role"), doc.speaker_value(t, "case"), t.time_start,
                   doc.text, context)
    return Hit(doc.id, doc.name, s, e, "", None, doc.interview_order, doc.role,
               doc.participant, None, doc.text, context)


def _hit(doc: Doc, start: int, end: int, context: int) -> Hit:
    d, starts, ends, which = _locate(doc, [(start, end)])
    return _make_hit(doc, start, end, int(which[0]), context)


# --- coding the hits --------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedCoding:
    """What coding a hit would store: the span (after widening and trimming) and whether the
    code is already there (same span and coder)."""

    hit: Hit
    start: int
    end: int
    text: str
    exists: bool


def hit_span(doc: Doc, start: int, end: int, span: str) -> tuple[int, int]:
    """``[start, end)`` widened to its sentence, speaker turn or paragraph (never beyond the
    turn), with white space trimmed at both ends."""
    if span not in SPANS:
        raise ValidationError(f"span must be one of {', '.join(SPANS)}, not {span!r}")
    if span != "hit":
        start, end = doc.unit_at(span, start, end)
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def plan_codings(project: Project, hits: list[Hit], code_id: int, span: str = "hit",
                 coder: str = "") -> list[PlannedCoding]:
    """The preview of coding every hit with ``code_id``: one row per hit; a later hit whose
    span an earlier one already takes is marked as existing."""
    corpus = load_corpus(project)
    coder = (coder or "").strip()
    with project.reading() as s:
        if s.get(Code, code_id) is None:
            raise NotFound(f"no code with id {code_id}")
        tids = {h.transcript_id for h in hits}
        have = set(s.execute(select(Coding.transcript_id, Coding.start, Coding.end).where(
            Coding.code_id == code_id, Coding.coder == coder,
            Coding.transcript_id.in_(tids))).all()) if tids else set()
    out = []
    for hit in hits:
        doc = corpus.by_id.get(hit.transcript_id)
        if doc is None:
            raise NotFound(f"transcript {hit.transcript!r} is no longer in the project")
        start, end = hit_span(doc, hit.start, hit.end, span)
        key = (doc.id, start, end)
        exists = key in have or start >= end
        have.add(key)
        out.append(PlannedCoding(hit, start, end, doc.text[start:end], exists))
    return out


def code_hits(project: Project, hits: list[Hit], code_id: int, span: str = "hit",
              coder: str = "", memo: str = "") -> list[bool]:
    """Code every hit (as the hit, its sentence, turn or paragraph) in one transaction.
    Returns per hit whether a new coding was made (False: the span was coded already, or an
    overlapping or touching coding of this code and coder was extended over it)."""
    return [o == "new" for o in code_hits_outcomes(project, hits, code_id, span, coder, memo)]


def code_hits_outcomes(project: Project, hits: list[Hit], code_id: int, span: str = "hit",
                       coder: str = "", memo: str = "") -> list[str]:
    """As :func:`code_hits`, telling per hit what happened: ``"new"``, ``"extended"`` (the
    same coder's overlapping or touching coding of this code now covers it, as on the Code
    page: see qualcode.coding.codings.apply_span) or ``"same"`` (already coded)."""
    plan = plan_codings(project, hits, code_id, span, coder)
    # the coder the store will write (never empty): the same coder's codings are extended
    coder = (coder or "").strip() or default_coder(project)
    out = []
    with project.transaction() as s:
        get_row(s, Code, code_id, "code")
        tids = {p.hit.transcript_id for p in plan}
        existing: dict[int, list[Coding]] = {tid: [] for tid in tids}
        for c in s.scalars(select(Coding).where(Coding.code_id == code_id, Coding.coder == coder,
                                                Coding.transcript_id.in_(tids))):
            existing[c.transcript_id].append(c)
        texts = dict(s.execute(select(Transcript.id, Transcript.text)
                               .where(Transcript.id.in_(tids))).all())
        for p in plan:
            if p.start >= p.end:
                out.append("same")
                continue
            tid = p.hit.transcript_id
            _, made = apply_span(s, texts[tid], tid, code_id, p.start, p.end, coder, memo or "",
                                 existing[tid])
            out.append(made)
    return out


def speakers(project: Project) -> dict[str, int]:
    """Every speaker label with its number of turns, most frequent first."""
    counts: dict[str, int] = {}
    for doc in load_corpus(project).docs:
        for t in doc.turns:
            if t.speaker:
                counts[t.speaker] = counts.get(t.speaker, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower())))


def speaker_turn_hits(project: Project, speakers: set[str] | None = None, *,
                      where: dict | None = None) -> list[Hit]:
    """Every turn of these speakers (case-insensitive; None: every speaker but none that
    looks like an interviewer) in the transcripts passing ``where`` (e.g. role=manager),
    as hits spanning the turn."""
    wanted = {s.casefold() for s in speakers} if speakers else None
    out = []
    corpus = load_corpus(project)
    _plain, by_speaker = corpus.split_where(where)
    for doc in corpus.select(where):
        for t in doc.turns:
            name = (t.speaker or "").casefold()
            if by_speaker and not corpus.turn_passes(doc, t, by_speaker):
                continue
            if wanted is None:
                if not name or name in _INTERVIEWER or doc.speaker_value(t, "role") == "interviewer":
                    continue
            elif name not in wanted:
                continue
            if t.end > t.start:
                out.append(_hit(doc, t.start, t.end, 0))
    return out


_INTERVIEWER = {"interviewer", "i", "int", "interviewster", "q", "vraag",
                "moderator", "onderzoeker"}


def autocode_speakers(project: Project, code_id: int, speakers: set[str] | None = None, *,
                      where: dict | None = None, coder: str = "") -> list[bool]:
    """Code every turn of some speakers (or of every non-interviewer speaker in transcripts
    with some attribute, e.g. ``where={"role": {"manager"}}``). Per turn: newly coded?"""
    return code_hits(project, speaker_turn_hits(project, speakers, where=where), code_id,
                     "turn", coder)
