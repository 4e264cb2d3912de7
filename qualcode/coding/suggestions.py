"""Code suggestions for a passage: TF-IDF similarity between the passage and each code's profile
— its name, labels, definition, inclusion criteria, example quotes and the quotes already coded
with it. A reading aid for the coder, never applied automatically.

The profiles live in an index built once per project and language and then kept up to date
incrementally: a cheap fingerprint of the codings and codes tells whether anything changed, and
only new, removed or re-coded codings and edited codes are analysed again. A suggestion then
costs the analysis of the passage and one sparse product (well under 100 ms on a project of
20,000 codings), instead of re-analysing every quote per selection."""

from __future__ import annotations

import gc
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from .codes import code_tree
from ..corpus.language import pipeline, _stemmer
from ..store.models import Code, Coding, Transcript
from ..store.project import Project


@dataclass(frozen=True)
class Suggestion:
    code_id: int
    path: str
    score: float


def _analyser(lang: str | None):
    """``texts -> [Counter of terms]`` with the same terms as ``qualcode.corpus.language.terms`` (content
    words as lemma stems), run through spaCy's ``pipe`` and with a cache per word form."""
    nlp = pipeline(lang)
    stemmer = _stemmer(lang)
    cache: dict[str, str] = {}

    def one(doc) -> Counter:
        out = Counter()
        for token in doc:
            if token.is_stop or token.is_punct or token.is_space or token.like_num or \
                    len(token) < 3:
                continue
            text = token.text
            if not any(ch.isalpha() for ch in text):
                continue
            lemma = (token.lemma_ or text).lower()
            term = cache.get(lemma)
            if term is None:
                term = cache[lemma] = stemmer.stem(lemma) if stemmer else lemma
            out[term] += 1
        return out

    def many(texts: list[str]) -> list[Counter]:
        return [one(doc) for doc in nlp.pipe(texts, batch_size=256)]

    return many


class SuggestionIndex:
    """Term counts per code profile, updated from the database by difference."""

    def __init__(self, lang: str | None):
        self.lang = lang
        self.analyse = _analyser(lang)
        self.lock = threading.Lock()
        self.warming = False
        self.fingerprint = None
        self.codings: dict[int, tuple[int, tuple]] = {}  # coding id -> (code id, term counts)
        self.code_sig: dict[int, tuple] = {}
        self.definitions: dict[int, Counter] = {}
        self.paths: dict[int, str] = {}
        self.quote_terms: dict[int, Counter] = {}  # code id -> terms of its quotes
        self._matrix = None

    def _fingerprint(self, s) -> tuple:
        codings = s.execute(select(func.count(), func.max(Coding.id), func.sum(Coding.code_id),
                                   func.sum(Coding.end))).one()
        codes = s.execute(select(func.count(), func.max(Code.id))).one()
        return tuple(codings) + tuple(codes)

    def refresh(self, project: Project) -> None:
        with project.reading() as s:
            fingerprint = self._fingerprint(s)
            nodes = code_tree(project)
            sig = {n.code.id: (n.path, n.code.name, tuple((n.code.labels or {}).values()),
                               n.code.description, n.code.inclusion, tuple(n.code.examples or []))
                   for n in nodes}
            if fingerprint == self.fingerprint and sig == self.code_sig:
                return
            changed_codes = [cid for cid, v in sig.items() if self.code_sig.get(cid) != v]
            if changed_codes:
                texts = ["\n".join(t for t in (v[1], *v[2], v[3], v[4], *v[5]) if t)
                         for v in (sig[c] for c in changed_codes)]
                for cid, terms in zip(changed_codes, self.analyse(texts)):
                    self.definitions[cid] = terms
            for cid in set(self.definitions) - set(sig):
                del self.definitions[cid]
            self.paths = {cid: v[0] for cid, v in sig.items()}
            self.code_sig = sig
            if fingerprint != self.fingerprint:
                now = self._appended_only(s, fingerprint)
                if now is None:  # something was removed or re-coded: compare all ids
                    now = dict(s.execute(select(Coding.id, Coding.code_id)).all())
                for i in [i for i in self.codings if i not in now]:
                    self._count(*self.codings.pop(i), -1)
                for i, code_id in now.items():  # re-coded (merged) codings keep their terms
                    if i in self.codings and self.codings[i][0] != code_id:
                        self._count(*self.codings[i], -1)
                        self.codings[i] = (code_id, self.codings[i][1])
                        self._count(code_id, self.codings[i][1], 1)
                new = [i for i in now if i not in self.codings]
                for part in range(0, len(new), 500):
                    ids = new[part:part + 500]
                    if part:
                        time.sleep(0.002)  # let the app's other threads have the interpreter
                    rows = s.execute(
                        select(Coding.id, Coding.code_id,
                               func.substr(Transcript.text, Coding.start + 1,
                                           Coding.end - Coding.start))
                        .join(Transcript, Transcript.id == Coding.transcript_id)
                        .where(Coding.id.in_(ids))).all()
                    for (i, code_id, _), terms in zip(rows, self.analyse([r[2] or "" for r in rows])):
                        terms = tuple(terms.items())  # a tuple of atoms: no work for the GC
                        self.codings[i] = (code_id, terms)
                        self._count(code_id, terms, 1)
                self.fingerprint = fingerprint
        self._matrix = None

    def _appended_only(self, s, fingerprint) -> dict | None:
        """When codings were only added since the last refresh (the usual case while coding),
        the id -> code map of the index plus the new rows; None when anything else changed."""
        count, _max_id, code_sum, _ = fingerprint[:4]
        last = max(self.codings, default=0)
        new = dict(s.execute(select(Coding.id, Coding.code_id).where(Coding.id > last)).all())
        known_sum = sum(code for code, _ in self.codings.values())
        if len(self.codings) + len(new) == count and known_sum + sum(new.values()) == (code_sum or 0):
            return {**{i: c for i, (c, _) in self.codings.items()}, **new}
        return None

    def _count(self, code_id: int, terms: Counter, sign: int) -> None:
        """Add (sign 1) or take away (-1) a quote's terms from its code's quote terms."""
        quotes = self.quote_terms.setdefault(code_id, Counter())
        terms = dict(terms)
        if sign > 0:
            quotes.update(terms)
        else:
            quotes.subtract(terms)
            for term in [t for t, n in quotes.items() if n <= 0]:
                del quotes[term]

    @property
    def totals(self) -> dict[int, Counter]:
        return {cid: self.definitions.get(cid, Counter()) + self.quote_terms.get(cid, Counter())
                for cid in self.paths}

    def _build(self):
        import numpy as np
        from scipy.sparse import csr_matrix

        totals = self.totals
        ids = [cid for cid in self.paths if totals.get(cid)]
        vocab: dict[str, int] = {}
        df = Counter()
        rows, cols, vals = [], [], []
        for r, cid in enumerate(ids):
            for term, count in totals[cid].items():
                j = vocab.setdefault(term, len(vocab))
                df[j] += 1
                rows.append(r)
                cols.append(j)
                vals.append(1.0 + math.log(count))
        n = len(ids)
        idf = np.ones(len(vocab))
        for j, d in df.items():
            idf[j] = math.log((1 + n) / (1 + d)) + 1.0
        matrix = csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))
        matrix = matrix.multiply(idf).tocsr()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix = csr_matrix(matrix.multiply(1.0 / norms[:, None]))
        self._matrix = (ids, vocab, idf, matrix)
        return self._matrix

    def suggest(self, passage: str, top: int = 3, min_score: float = 0.05) -> list[Suggestion]:
        import numpy as np

        ids, vocab, idf, matrix = self._matrix or self._build()
        if not ids or not vocab:
            return []
        terms = self.analyse([passage])[0]
        vec = np.zeros(len(vocab))
        for term, count in terms.items():
            j = vocab.get(term)
            if j is not None:
                vec[j] = (1.0 + math.log(count)) * idf[j]
        norm = np.linalg.norm(vec)
        if norm == 0:
            return []
        scores = matrix @ (vec / norm)
        ranked = sorted(zip(ids, scores), key=lambda x: -x[1])
        return [Suggestion(cid, self.paths[cid], float(score)) for cid, score in ranked[:top]
                if score >= min_score]


_INDEXES: dict[tuple[str, str | None], SuggestionIndex] = {}
_GUARD = threading.Lock()


def suggestion_index(project: Project, lang: str | None = None) -> SuggestionIndex:
    """The index of a project (by its URL) and language, created once per process."""
    key = (project.url, lang)
    with _GUARD:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = SuggestionIndex(lang)
    return index


def suggest_codes(project: Project, passage: str, lang: str | None = None, top: int = 3,
                  min_score: float = 0.05, wait: bool = True) -> list[Suggestion] | None:
    """The ``top`` codes most like the passage. With ``wait=False``, None (at once) while the
    index is still being built in the background (see ``warm_index``)."""
    if not passage.strip():
        return []
    index = suggestion_index(project, lang)
    if not index.lock.acquire(blocking=wait):
        return None
    try:
        index.refresh(project)
        return index.suggest(passage, top, min_score)
    finally:
        index.lock.release()


def warm_index(project: Project, lang: str | None = None) -> None:
    """Build the index in the background (the first selection then finds it ready)."""
    index = suggestion_index(project, lang)
    if index.fingerprint is not None or index.lock.locked() or index.warming:
        return
    index.warming = True

    def build() -> None:
        with index.lock:
            index.refresh(project)
        # The index holds tens of thousands of long-lived objects: keep them out of the
        # collector's full scans, which otherwise pause every page run of the app.
        gc.collect()
        gc.freeze()

    # started a moment later, so that the page asking for it is drawn first
    timer = threading.Timer(1.5, build)
    timer.daemon = True
    timer.name = "qualcode-suggest-index"
    timer.start()
