"""Candidate relations from co-occurrence: pairs of codes that share a speaker turn (or
another unit) in at least ``k`` interviews and are not related yet. Only proposed, never
created: the researcher decides, types and grounds each one (``coding.relations``)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ..coding.codings import visible_coders
from ..coding.relations import list_relations
from ..errors import ValidationError
from ..store.project import Project
from .codings_frame import coding_arrays
from .cooccurrence import _coding_units


@dataclass(frozen=True)
class Candidate:
    source_id: int
    target_id: int
    source: str
    target: str
    interviews: int  # interviews in which the two share a unit
    units: int  # units holding both
    codings: tuple[int, ...]  # codings of the two codes in those shared units (evidence to cite)


def candidate_relations(project: Project, k: int = 2, *, unit: str = "turn",
                        viewer: str | None = None, limit: int | None = None) -> list[Candidate]:
    """Unrelated code pairs sharing a ``unit`` in at least ``k`` interviews, most interviews
    first."""
    if k < 1:
        raise ValidationError("k (the number of interviews) is at least 1")
    coders = visible_coders(project, viewer=viewer)
    data = coding_arrays(project, coders=coders)
    related = {frozenset((r.source_id, r.target_id)) for r in list_relations(project)}
    if len(data) == 0:
        return []
    unit_ids, coding_idx, keys = _coding_units(data, unit)
    by_unit: dict[int, dict[int, list[int]]] = {}
    for u, i in zip(unit_ids.tolist(), coding_idx.tolist()):
        by_unit.setdefault(u, {}).setdefault(int(data.codes[i]), []).append(int(data.ids[i]))
    interviews: dict[tuple[int, int], set[int]] = {}
    units: dict[tuple[int, int], int] = {}
    evidence: dict[tuple[int, int], list[int]] = {}
    for u, codes in by_unit.items():
        if len(codes) < 2:
            continue
        tid = keys[u][0]
        for a, b in combinations(sorted(codes), 2):
            if frozenset((a, b)) in related:
                continue
            interviews.setdefault((a, b), set()).add(tid)
            units[(a, b)] = units.get((a, b), 0) + 1
            evidence.setdefault((a, b), []).extend(codes[a] + codes[b])
    out = [Candidate(a, b, data.paths[a], data.paths[b], len(tids), units[(a, b)],
                     tuple(dict.fromkeys(evidence[(a, b)])))
           for (a, b), tids in interviews.items() if len(tids) >= k]
    out.sort(key=lambda c: (-c.interviews, -c.units, c.source, c.target))
    return out[:limit] if limit else out

