"""Code co-occurrence: which codes overlap, or fall in the same speaker turn, sentence or
paragraph; counts, the c-coefficient and the quotes behind each cell.

* ``overlap``: two codings of different codes whose spans share at least one character; the
  count is the number of such coding pairs, ``n`` of a code its number of codings.
* ``turn`` / ``sentence`` / ``paragraph``: the count is the number of units holding both codes,
  ``n`` of a code the number of units holding it (a coding touching two units is in both).

c-coefficient (ATLAS.ti): ``c = n12 / (n1 + n2 − n12)``, 0 (never together) to 1 (always
together). For ``overlap``, where one long coding can overlap many short ones, n12 is taken as
at most the smaller of n1 and n2 so that c stays within 0–1.

The computation is a sweep over sorted spans (numpy) and a sparse unit × code incidence
product (scipy), so 20,000 codings take well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..coding.codings import visible_coders
from ..errors import ValidationError
from ..store.project import Project
from .codings_frame import CodingArrays, coding_arrays
from .corpus import UNITS

CO_UNITS = ("overlap", *UNITS)
_SHIFT = np.int64(1) << np.int64(32)  # global position = transcript slot * 2**32 + offset


@dataclass
class CoQuote:
    """One co-occurrence behind a cell: the two codings and the span that holds them."""

    transcript_id: int
    transcript: str
    start: int
    end: int
    text: str
    speaker: str
    coding_a: list[int]
    coding_b: list[int]
    quote_a: str
    quote_b: str


@dataclass
class CooccurrenceResult:
    unit: str
    codes: list[int]  # code ids in code-tree order (codes with at least one coding)
    paths: dict[int, str]
    n: dict[int, int]  # occurrences (codings, or units) per code
    counts: np.ndarray  # codes × codes, symmetric, zero diagonal
    data: CodingArrays = field(repr=False)
    _evidence: dict = field(default_factory=dict, repr=False)
    # derived views (table rows, chart specs) kept with a cached result; see ``derived``
    _derived: dict = field(default_factory=dict, repr=False)

    def derived(self, key, build):
        """``build()`` once per key for this result (shared read-only between sessions when the
        result comes from ``cached_cooccurrence``)."""
        from .version_cache import kept_view

        return kept_view(self._derived, key, build)

    def count(self, a: int, b: int) -> int:
        i, j = self.codes.index(a), self.codes.index(b)
        return int(self.counts[i, j])

    def c_coefficient(self, a: int, b: int) -> float:
        return c_coefficient(self.count(a, b), self.n[a], self.n[b], self.unit)

    def rows(self, *, all_pairs: bool = False) -> list[dict]:
        """One row per pair of codes (a before b in the code tree) that co-occur."""
        out = []
        for i, a in enumerate(self.codes):
            for j in range(i + 1, len(self.codes)):
                count = int(self.counts[i, j])
                if count or all_pairs:
                    b = self.codes[j]
                    out.append({"a": self.paths[a], "b": self.paths[b], "count": count,
                                "c_coefficient": round(c_coefficient(count, self.n[a], self.n[b],
                                                                     self.unit), 4),
                                "n_a": self.n[a], "n_b": self.n[b]})
        return out

    def matrix(self, value: str = "count"):
        """A pandas DataFrame codes × codes of counts or c-coefficients (paths as labels)."""
        import pandas as pd

        labels = [self.paths[c] for c in self.codes]
        if value == "count":
            values = self.counts
        else:
            n = np.array([self.n[c] for c in self.codes], dtype=float)
            n12 = self.counts.astype(float)
            if self.unit == "overlap":
                n12 = np.minimum(n12, np.minimum.outer(n, n))
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.where(n12 > 0, n12 / (n[:, None] + n[None, :] - n12), 0.0)
            np.fill_diagonal(values, 1.0)
        return pd.DataFrame(values, index=labels, columns=labels)

    def quotes(self, a: int, b: int) -> list[CoQuote]:
        """The co-occurrences behind the cell (a, b), in interview order."""
        d = self.data
        corpus = d.corpus
        out = []
        ev = self._index_evidence()
        if self.unit == "overlap":
            for i, j in ev["pairs"].get((a, b), []):
                out.append(self._quote(d.tids[i], min(d.starts[i], d.starts[j]),
                                       max(d.ends[i], d.ends[j]), [i], [j]))
            for j, i in ev["pairs"].get((b, a), []):
                out.append(self._quote(d.tids[i], min(d.starts[i], d.starts[j]),
                                       max(d.ends[i], d.ends[j]), [i], [j]))
        else:
            units_a, units_b = ev["units"].get(a, {}), ev["units"].get(b, {})
            for u in sorted(set(units_a) & set(units_b)):
                tid, start, end = ev["keys"][u]
                out.append(self._quote(tid, start, end, units_a[u], units_b[u]))
        order = {doc.id: k for k, doc in enumerate(corpus.docs)}
        out.sort(key=lambda q: (order.get(q.transcript_id, 1 << 30), q.start, q.end))
        return out

    def _index_evidence(self) -> dict:
        """The evidence behind every cell, indexed once on the first call to ``quotes`` (a view
        of this result, see ``derived``): coding pairs by code pair (overlap), or units by
        code, with the units' (transcript, start, end)."""
        def build() -> dict:
            ev = self._evidence
            codes = self.data.codes.tolist()
            first, second = (x.tolist() for x in ev["raw"])
            if self.unit == "overlap":
                pairs: dict = {}
                for ci, cj in zip(first, second):
                    pairs.setdefault((codes[ci], codes[cj]), []).append((ci, cj))
                return {"pairs": pairs}
            units: dict = {}
            for u, ci in zip(first, second):
                units.setdefault(codes[ci], {}).setdefault(u, []).append(ci)
            return {"units": units, "keys": ev["keys"]}

        return self.derived("evidence", build)

    def _quote(self, tid, start, end, ia, ib) -> CoQuote:
        d = self.data
        doc = d.corpus.by_id[int(tid)]
        turn = doc.turn_at(int(start))
        text = doc.text

        def joined(idx):
            return " … ".join(text[d.starts[k]:d.ends[k]] for k in idx)

        return CoQuote(int(tid), doc.name, int(start), int(end), text[start:end],
                       turn.speaker if turn else "", [int(d.ids[k]) for k in ia],
                       [int(d.ids[k]) for k in ib], joined(ia), joined(ib))


def c_coefficient(n12: int, n1: int, n2: int, unit: str = "turn") -> float:
    if unit == "overlap":
        n12 = min(n12, n1, n2)
    denominator = n1 + n2 - n12
    return n12 / denominator if n12 and denominator > 0 else 0.0


def cooccurrence(project: Project, unit: str = "overlap", *, where: dict | None = None,
                 code_ids=None, coders=None, level: int | None = None,
                 viewer: str | None = None) -> CooccurrenceResult:
    """Co-occurrence of every pair of codes over the codings of the transcripts passing
    ``where`` (see ``coding_arrays`` for ``code_ids``, ``coders`` and ``level``); ``viewer``:
    who is looking (under blind coding, only their own codings count)."""
    if unit not in CO_UNITS:
        raise ValidationError(f"unit must be one of {', '.join(CO_UNITS)}, not {unit!r}")
    coders = visible_coders(project, coders, viewer=viewer)
    from ..corpus.cases import include_interviewer

    # what only interviewers said counts when the project includes it (Cases page)
    data = coding_arrays(project, where=where, code_ids=code_ids, coders=coders, level=level,
                         include_interviewer=include_interviewer(project))
    present = set(np.unique(data.codes).tolist())
    codes = [c for c in data.order if c in present]
    slot = {c: k for k, c in enumerate(codes)}
    col = np.array([slot[c] for c in data.codes.tolist()], dtype=np.int64)
    k = len(codes)
    if unit == "overlap":
        i, j = _overlapping_pairs(data)
        keep = col[i] != col[j]
        a, b = col[i[keep]], col[j[keep]]
        counts = np.zeros((k, k), dtype=np.int64)
        np.add.at(counts, (a, b), 1)
        counts = counts + counts.T
        n = np.bincount(col, minlength=k)
        evidence = {"raw": (i[keep], j[keep])}
    else:
        from scipy import sparse

        unit_ids, coding_idx, keys = _coding_units(data, unit)
        evidence = {"raw": (unit_ids, coding_idx), "keys": keys}
        pairs = np.unique(np.stack([unit_ids, col[coding_idx]], axis=1), axis=0) if len(
            unit_ids) else np.zeros((0, 2), dtype=np.int64)
        m = sparse.csr_matrix((np.ones(len(pairs), dtype=np.int64), (pairs[:, 0], pairs[:, 1])),
                              shape=(int(unit_ids.max()) + 1 if len(unit_ids) else 0, k))
        product = (m.T @ m).toarray()
        n = np.diag(product).copy()
        counts = product
        np.fill_diagonal(counts, 0)
    return CooccurrenceResult(unit, codes, data.paths, {c: int(n[slot[c]]) for c in codes},
                              counts, data, evidence)


def cached_cooccurrence(project: Project, unit: str = "overlap", *, where: dict | None = None,
                        level: int | None = None, version: str | None = None,
                        viewer: str | None = None) -> CooccurrenceResult:
    """``cooccurrence`` computed once per project version (codings, codes, transcript names,
    attributes and texts) and arguments, kept for the last few argument sets of the process
    and shared read-only between sessions; so are the views built with ``result.derived``."""
    from .version_cache import frozen, per_version

    coders = visible_coders(project, viewer=viewer)  # blind coding: one result per coder
    # (the project version covers the transcripts' texts, names and attributes)
    key = (unit, frozen(where), level, frozen(coders))
    return per_version(project, "cooccurrence", key,
                       lambda: cooccurrence(project, unit, where=where, level=level,
                                            coders=coders),
                       version=version)


def _overlapping_pairs(d: CodingArrays) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) of codings in the same transcript whose spans overlap."""
    if len(d) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    _, slot = np.unique(d.tids, return_inverse=True)
    gs, ge = slot * _SHIFT + d.starts, slot * _SHIFT + d.ends
    order = np.argsort(gs, kind="stable")
    s_sorted, e_sorted = gs[order], ge[order]
    stop = np.searchsorted(s_sorted, e_sorted, side="left")  # first later coding not overlapping
    first = np.arange(len(order)) + 1
    counts = np.maximum(stop - first, 0)
    total = int(counts.sum())
    i_sorted = np.repeat(np.arange(len(order)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    j_sorted = i_sorted + 1 + offsets
    return order[i_sorted], order[j_sorted]


def _global_units(d: CodingArrays, unit: str):
    """Units of every transcript that has codings, as global sorted starts/ends arrays."""
    tids = np.unique(d.tids).tolist()
    starts, ends, keys = [], [], []
    for slot, tid in enumerate(tids):
        for s, e in d.corpus.by_id[tid].units(unit):
            starts.append(slot * int(_SHIFT) + s)
            ends.append(slot * int(_SHIFT) + e)
            keys.append((tid, s, e))
    return tids, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), keys


def _coding_units(d: CodingArrays, unit: str):
    """(unit ids, coding indices, unit keys): one entry per unit a coding touches; the keys
    are (transcript id, start, end) per unit id."""
    tids, us, ue, keys = _global_units(d, unit)
    idx = np.arange(len(d))
    if len(idx) == 0 or len(us) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, keys
    slot = np.searchsorted(np.array(tids), d.tids[idx])
    cs, ce = slot * _SHIFT + d.starts[idx], slot * _SHIFT + d.ends[idx]
    first = np.searchsorted(ue, cs, side="right")  # first unit ending after the coding starts
    last = np.searchsorted(us, ce, side="left") - 1  # last unit starting before it ends
    span = np.maximum(last - first + 1, 0)
    rep = np.repeat(np.arange(len(idx)), span)
    unit_ids = np.repeat(first, span) + (np.arange(int(span.sum())) -
                                         np.repeat(np.cumsum(span) - span, span))
    return unit_ids, idx[rep], keys
