"""All codings as numpy columns, for co-occurrence and matrices: one query, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from ..codes import code_tree
from ..store.models import Coding
from ..store.project import Project
from .corpus import Corpus, load_corpus


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

    def __len__(self) -> int:
        return len(self.ids)


def coding_arrays(project: Project, *, where: dict | None = None, code_ids=None,
                  coders=None, level: int | None = None) -> CodingArrays:
    """The codings of the transcripts passing ``where``, optionally only some codes (given
    after roll-up) and coders. ``level=0`` counts every coding towards its top-level code (1:
    its second-level ancestor, …). A code applied twice to the same span (by two coders)
    counts once."""
    corpus = load_corpus(project)
    nodes = code_tree(project)
    paths = {n.code.id: n.path for n in nodes}
    target = {n.code.id: n.code.id for n in nodes}
    if level is not None:
        by_path = {n.path: n.code.id for n in nodes}
        for n in nodes:
            if n.depth > level:
                target[n.code.id] = by_path[" / ".join(n.path.split(" / ")[:level + 1])]
    keep_tids = {d.id for d in corpus.select(where)}
    with project.reading() as s:
        q = select(Coding.id, Coding.transcript_id, Coding.code_id, Coding.start, Coding.end,
                   Coding.coder)
        rows = s.execute(q).all()
    coder_set = set(coders) if coders is not None else None
    wanted = set(code_ids) if code_ids is not None else None
    seen, kept = set(), []
    for cid, tid, code, start, end, coder in sorted(rows, key=lambda r: (r[1], r[3], r[4], r[0])):
        if tid not in keep_tids or (coder_set is not None and coder not in coder_set):
            continue
        code = target.get(code, code)
        if wanted is not None and code not in wanted:
            continue
        key = (tid, code, start, end)
        if key in seen:
            continue
        seen.add(key)
        kept.append((cid, tid, code, start, end))
    arr = np.array(kept, dtype=np.int64).reshape(-1, 5)
    order = [n.code.id for n in nodes if level is None or n.depth <= level]
    return CodingArrays(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4], corpus, paths,
                        order)
