"""All codings as numpy columns, for co-occurrence and matrices: one query, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
from sqlalchemy import select

from ..coding.codes import code_tree
from ..coding.quotes import Speakers
from ..store.case_rules import INTERVIEWER
from ..store.models import Coding
from ..store.project import Project
from .corpus import Corpus, TurnSpan, load_corpus


@dataclass
class CodingArrays:
    ids: np.ndarray  # coding ids (int64)
    tids: np.ndarray  # transcript ids
    codes: np.ndarray  # code ids (after roll-up)
    starts: np.ndarray
    ends: np.ndarray
    corpus: Corpus
    paths: dict[int, str]  # code id -> path, for every code
    order: list[int]  # code ids in code-tree order
    source_codes: np.ndarray | None = None  # code ids as coded (before the roll-up)
    # who said each coding's words (qualcode.coding.quotes.Credit), when asked for
    credits: list | None = None
    speakers: object | None = None  # the qualcode.coding.quotes.Speakers they came from

    def __len__(self) -> int:
        return len(self.ids)


def coding_arrays(project: Project, *, where: dict | None = None, code_ids=None,
                  coders=None, level: int | None = None, speakers: bool = False,
                  include_interviewer: bool = True) -> CodingArrays:
    """The codings of the transcripts passing ``where``, optionally only some codes (given
    after roll-up) and coders. ``level=0`` counts every coding towards its top-level code (1:
    its second-level ancestor, …). A code applied twice to the same span (by two coders)
    counts once. ``speakers``: with each coding's speakers (``credits``);
    ``include_interviewer=False``: without codings of words only interviewers said."""
    corpus = load_corpus(project)
    nodes = code_tree(project)
    paths = {n.code.id: n.path for n in nodes}
    target = {n.code.id: n.code.id for n in nodes}
    if level is not None:
        by_path = {n.path: n.code.id for n in nodes}
        for n in nodes:
            if n.depth > level:
                target[n.code.id] = by_path[" / ".join(n.path.split(" / ")[:level + 1])]
    keep_tids = np.array(sorted(d.id for d in corpus.select(where)), dtype=np.int64)
    with project.reading() as s:
        q = select(Coding.id, Coding.transcript_id, Coding.code_id, Coding.start, Coding.end)
        if coders is not None:
            q = q.where(Coding.coder.in_(list(coders)))
        rows = s.execute(q).all()
    # (np.array on SQLAlchemy rows probes each row as a mapping: 20× slower than this)
    arr = np.fromiter(chain.from_iterable(rows), dtype=np.int64,
                      count=5 * len(rows)).reshape(-1, 5)
    arr = arr[np.isin(arr[:, 1], keep_tids)]
    arr = np.column_stack([arr, arr[:, 2]])  # the code as coded, kept beside the rolled-up one
    if level is not None and len(arr):  # roll up: every code id to its ancestor
        keys = np.array(list(target), dtype=np.int64)
        values = np.array([target[k] for k in target], dtype=np.int64)
        order_ = np.argsort(keys)
        pos = np.searchsorted(keys[order_], arr[:, 2])
        known = (pos < len(keys)) & (keys[order_][np.minimum(pos, len(keys) - 1)] == arr[:, 2])
        arr[known, 2] = values[order_][pos[known]]
    if code_ids is not None:
        arr = arr[np.isin(arr[:, 2], np.array(list(code_ids), dtype=np.int64))]
    # transcript, start, end, then id: one coding per (transcript, code, start, end)
    arr = arr[np.lexsort((arr[:, 0], arr[:, 4], arr[:, 3], arr[:, 1]))]
    _, first = np.unique(arr[:, 1:5], axis=0, return_index=True)
    arr = arr[np.sort(first)]
    order = [n.code.id for n in nodes if level is None or n.depth <= level]
    credits = who = None
    _plain, by_speaker = corpus.split_where(where)
    if speakers or not include_interviewer or by_speaker:
        with project.reading() as s:
            who = Speakers(s, set(keep_tids.tolist()))
        credits = [who.credit(t, a, b) for t, a, b in
                   zip(arr[:, 1].tolist(), arr[:, 3].tolist(), arr[:, 4].tolist())]
        keep = [True] * len(credits)
        if not include_interviewer:
            keep = [not (c.roles and all(r == INTERVIEWER for r in c.roles)) for c in credits]
        if by_speaker:  # e.g. role=participant: codings of words someone of that role said
            docs = corpus.by_id
            keep = [k and any(corpus.turn_passes(docs[t], TurnSpan(0, "", 0, 0, None, i),
                                                 by_speaker) for i in (c.ids or (None,)))
                    for k, t, c in zip(keep, arr[:, 1].tolist(), credits)]
        if not all(keep):
            arr = arr[np.array(keep, dtype=bool)] if len(arr) else arr
            credits = [c for c, k in zip(credits, keep) if k]
    return CodingArrays(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4], corpus, paths,
                        order, arr[:, 5], credits, who)
