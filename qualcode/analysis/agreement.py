"""Inter-coder agreement between two or more coders, per code and across codes, over a unit
(speaker turn, sentence, paragraph or character), and the disagreements to reconcile.

Which text is compared: the transcripts that every chosen coder has coded (at least one coding
of any code), or the transcripts named by the caller. The rest are listed as skipped, so that a
transcript one coder has not reached yet does not count as "not coded" by them.

* **Per code**, a unit's value for a coder is 1 when one of their codings of that code touches
  the unit (shares a character with it), else 0. Percent agreement, Cohen's κ (two coders),
  Fleiss' κ and Krippendorff's α (nominal) are computed over all units. For the same code,
  Krippendorff's unitized α (α_U) compares the coded spans themselves over the character
  continuum of the compared transcripts laid end to end (interview order), and the segment
  agreement (MAXQDA) is the share of coded segments that each other coder also coded with an
  overlap of at least ``min_overlap`` (intersection over union, default 90%).
* **Across codes** (``overall``), a unit's value is the single code a coder gave it; a unit the
  coder did not code is missing (Krippendorff's α takes missing values; percent agreement,
  Cohen's and Fleiss' κ use the units every coder coded). Units to which a coder gave several
  codes are counted (``units_several_codes``) and left out of this measure.

With the character unit, runs of characters that every coder treated alike are one row of
weight = length, so figures count characters without a row per character.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select

from ..coding.codes import code_tree, find_code, in_subtree
from ..errors import ValidationError
from ..store.models import Coding, Transcript, Turn
from ..store.project import Project
from ..store.settings import blind_coding
from . import reliability as rel
from .units import check_unit, paragraph_spans, sentence_units, turn_spans

MAX_CODERS = 62  # coder sets are bit masks in int64


@dataclass
class AgreementResult:
    unit: str
    coders: list[str]
    transcripts: list[str]
    skipped: list[str]
    min_overlap: float
    overall: dict
    per_code: list[dict]

    def nothing_compared(self) -> str | None:
        """A message when no text was compared (no transcript coded by every chosen coder):
        a result over zero units says nothing about agreement; None otherwise."""
        if self.transcripts:
            return None
        return ("Nothing was compared: no transcript is coded by every chosen coder ("
                + ", ".join(c or "(no coder)" for c in self.coders) + "), so these figures "
                "say nothing about agreement.")

    def as_dict(self) -> dict:
        """The public JSON shape of ``qualcode agreement --json``."""
        return {"unit": self.unit, "coders": list(self.coders), "overall": dict(self.overall),
                "per_code": [dict(p) for p in self.per_code],
                "transcripts": list(self.transcripts), "skipped_transcripts": list(self.skipped),
                "min_overlap": self.min_overlap}


@dataclass
class _Data:
    """Everything an agreement run needs, as numpy arrays over the compared transcripts laid
    end to end (global offsets)."""

    unit: str
    coders: list[str]
    transcripts: list  # rows (id, name, length, language), in interview order
    skipped: list[str]
    offsets: dict[int, int]
    length: int  # total characters compared
    codes: list  # CodeNodes that count, in code-tree order
    unit_tid: np.ndarray
    unit_start: np.ndarray  # global
    unit_end: np.ndarray
    weight: np.ndarray
    # the codings counted (of the chosen coders and codes, in compared transcripts)
    c_id: np.ndarray
    c_tid: np.ndarray
    c_start: np.ndarray  # global
    c_end: np.ndarray
    c_coder: np.ndarray  # index into coders
    c_code: np.ndarray  # index into codes
    # coding–unit incidence: one row per (coding, unit touched)
    t_coding: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    t_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def total_weight(self) -> float:
        return float(self.weight.sum())


def project_coders(project: Project) -> list[str]:
    """Every coder name that has codings, sorted."""
    with project.reading() as s:
        return sorted(s.scalars(select(Coding.coder).distinct()))


def _check_coders(coders) -> list[str]:
    out: list[str] = []
    for c in coders or []:
        c = (c or "").strip()
        if c not in out:
            out.append(c)
    if len(out) < 2:
        raise ValidationError("agreement compares at least two different coders")
    if len(out) > MAX_CODERS:
        raise ValidationError(f"agreement compares at most {MAX_CODERS} coders at once")
    return out


def _code_nodes(project: Project, code) -> list:
    nodes = code_tree(project)
    if code is None:
        return nodes
    if isinstance(code, int):
        roots = [n for n in nodes if n.code.id == code]
        if not roots:
            raise ValidationError(f"no code with id {code}")
    else:
        target = find_code(project, code)
        roots = [n for n in nodes if n.code.id == target.id]
    return [n for n in nodes if in_subtree(n, roots)]


def _load(project: Project, coders, unit: str, code=None,
          transcript_ids: set[int] | None = None, extra=None) -> _Data:
    """``extra``: codings of a coder that is not in the database (the machine coder), as rows
    with the attributes id, transcript_id, code_id, start, end, coder."""
    unit = check_unit(unit)
    coders = _check_coders(coders)
    nodes = _code_nodes(project, code)
    code_index = {n.code.id: i for i, n in enumerate(nodes)}
    with project.reading() as s:
        rows = s.execute(select(Coding.id, Coding.transcript_id, Coding.code_id, Coding.start,
                                Coding.end, Coding.coder)
                         .where(Coding.coder.in_(coders))).all()
        transcripts = s.execute(
            select(Transcript.id, Transcript.name, func.length(Transcript.text),
                   Transcript.language)
            .order_by(Transcript.interview_order.is_(None), Transcript.interview_order,
                      Transcript.name)).all()
    if extra:
        extra_coders = {r.coder for r in extra}
        rows = [r for r in rows if r.coder not in extra_coders] + list(extra)
    have = {c: set() for c in coders}
    for r in rows:
        have[r.coder].add(r.transcript_id)
    for c in coders:
        if not have[c]:
            raise ValidationError(f"coder '{c}' has no codings in this project")
    if transcript_ids is not None:
        chosen = [t for t in transcripts if t.id in transcript_ids]
        skipped: list[str] = []
    else:
        common = set.intersection(*have.values())
        touched = set.union(*have.values())
        chosen = [t for t in transcripts if t.id in common]
        skipped = [t.name for t in transcripts if t.id in touched and t.id not in common]
    offsets, pos = {}, 0
    for t in chosen:
        offsets[t.id] = pos
        pos += int(t[2] or 0)
    coder_index = {c: i for i, c in enumerate(coders)}
    kept = [r for r in rows if r.transcript_id in offsets and r.code_id in code_index]
    used = sorted({code_index[r.code_id] for r in kept})
    nodes = [nodes[i] for i in used]
    remap = {old: new for new, old in enumerate(used)}

    def col(values, dtype=np.int64):
        return np.fromiter(values, dtype=dtype, count=len(kept))

    c_tid = col(r.transcript_id for r in kept)
    base = col(offsets[r.transcript_id] for r in kept)
    data = _Data(
        unit=unit, coders=coders, transcripts=chosen, skipped=skipped, offsets=offsets,
        length=pos, codes=nodes,
        unit_tid=np.zeros(0, np.int64), unit_start=np.zeros(0, np.int64),
        unit_end=np.zeros(0, np.int64), weight=np.zeros(0, np.float64),
        c_id=col(r.id for r in kept), c_tid=c_tid,
        c_start=base + col(r.start for r in kept), c_end=base + col(r.end for r in kept),
        c_coder=col(coder_index[r.coder] for r in kept),
        c_code=col(remap[code_index[r.code_id]] for r in kept))
    _build_units(project, data)
    _incidence(data)
    return data


def _build_units(project: Project, data: _Data) -> None:
    chosen = data.transcripts
    if data.unit == "character":
        edges = [np.array([data.offsets[t.id] for t in chosen] + [data.length], np.int64),
                 data.c_start, data.c_end]
        cuts = np.unique(np.concatenate(edges))
        starts, ends = cuts[:-1], cuts[1:]
        keep = ends > starts
        data.unit_start, data.unit_end = starts[keep], ends[keep]
        data.weight = (data.unit_end - data.unit_start).astype(np.float64)
        firsts = np.array([data.offsets[t.id] for t in chosen], np.int64)
        ids = np.array([t.id for t in chosen], np.int64)
        data.unit_tid = ids[np.searchsorted(firsts, data.unit_start, side="right") - 1] \
            if len(ids) else np.zeros(0, np.int64)
        return
    spans: dict[int, list[tuple[int, int]]] = {}
    ids = [t.id for t in chosen]
    if data.unit == "turn":
        found: dict[int, list[tuple[int, int]]] = {i: [] for i in ids}
        with project.reading() as s:
            for tid, start, end in s.execute(select(Turn.transcript_id, Turn.start, Turn.end)
                                             .where(Turn.transcript_id.in_(ids))):
                found[tid].append((start, end))
        spans = {t.id: turn_spans(found[t.id], int(t[2] or 0)) for t in chosen}
    else:
        with project.reading() as s:
            texts = dict(s.execute(select(Transcript.id, Transcript.text)
                                   .where(Transcript.id.in_(ids))).all())
        for t in chosen:
            text = texts[t.id]
            spans[t.id] = (paragraph_spans(text) if data.unit == "paragraph"
                           else sentence_units(text, t.language))
    tid, start, end = [], [], []
    for t in chosen:
        off = data.offsets[t.id]
        for s_, e_ in spans[t.id]:
            tid.append(t.id)
            start.append(off + s_)
            end.append(off + e_)
    data.unit_tid = np.array(tid, np.int64)
    data.unit_start = np.array(start, np.int64)
    data.unit_end = np.array(end, np.int64)
    data.weight = np.ones(len(tid), np.float64)


def _incidence(data: _Data) -> None:
    """Which units each coding touches (shares at least one character with)."""
    if len(data.c_id) == 0 or len(data.unit_start) == 0:
        return
    lo = np.searchsorted(data.unit_end, data.c_start, side="right")  # first unit ending after
    hi = np.searchsorted(data.unit_start, data.c_end, side="left")  # units starting before end
    count = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(len(lo)), count)
    step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    data.t_coding = rows
    data.t_unit = lo[rows] + step


def _coder_masks(data: _Data):
    """Per (code, unit) that any coder touched: the bit mask of the coders who did."""
    m = len(data.coders)
    n_units = len(data.unit_start)
    code = data.c_code[data.t_coding]
    coder = data.c_coder[data.t_coding]
    key = code * n_units + data.t_unit
    keys, inverse = np.unique(key * m + coder, return_inverse=True)
    pair_key = keys // m
    bits = np.left_shift(np.int64(1), keys % m)
    groups, group_of = np.unique(pair_key, return_inverse=True)
    masks = np.zeros(len(groups), np.int64)
    np.bitwise_or.at(masks, group_of, bits)
    return groups // max(n_units, 1), groups % max(n_units, 1), masks


def _measures(values: np.ndarray, weights: np.ndarray, two: bool,
              n_categories: int | None = None) -> dict:
    return {
        "percent_agreement": rel.percent_agreement(values, weights),
        "cohen_kappa": rel.cohen_kappa(values, weights) if two else None,
        "fleiss_kappa": rel.fleiss_kappa(values, weights),
        "krippendorff_alpha": rel.krippendorff_alpha(values, weights),
        "ac1": rel.gwet_ac1(values, weights, n_categories),
    }


def _versus(values: np.ndarray, weights: np.ndarray, coders: list[str], machine: str) -> list:
    """Per code, the machine against each human coder: κ, α, AC1 and the machine's precision
    and recall with the human's coding as the truth (over units, weighted)."""
    j = coders.index(machine)
    out = []
    for i, human in enumerate(coders):
        if i == j:
            continue
        v = values[:, [i, j]]
        h, m = v[:, 0] == 1, v[:, 1] == 1
        both = float(weights[h & m].sum())
        coded_m, coded_h = float(weights[m].sum()), float(weights[h].sum())
        out.append({"coder": human,
                    "cohen_kappa": rel.cohen_kappa(v, weights),
                    "krippendorff_alpha": rel.krippendorff_alpha(v, weights),
                    "ac1": rel.gwet_ac1(v, weights, 2),
                    "precision": both / coded_m if coded_m else None,
                    "recall": both / coded_h if coded_h else None})
    return out


def _spans(data: _Data, code: int, coder: int) -> np.ndarray:
    pick = (data.c_code == code) & (data.c_coder == coder)
    spans = np.column_stack([data.c_start[pick], data.c_end[pick]])
    return np.unique(spans, axis=0) if len(spans) else spans.reshape(0, 2)


def compute_agreement(project: Project, coders, unit: str = "turn", *, code=None,
                      transcript_ids: set[int] | None = None,
                      min_overlap: float = 0.9, extra=None,
                      machine: str | None = None) -> AgreementResult:
    """Agreement of ``coders`` over ``unit`` per code and across codes (see the module doc).
    ``code``: a code path or id: only that code and its sub-codes. ``extra``: codings of a
    coder not stored in the project (see _load); ``machine``: the name of the machine coder
    among ``coders``: each code then also gets the machine against each human
    (``machine_vs``: κ, α, AC1, precision, recall)."""
    if not 0 < min_overlap <= 1:
        raise ValidationError("the minimum overlap is a share between 0 and 1, e.g. 0.9")
    data = _load(project, coders, unit, code, transcript_ids, extra)
    m = len(data.coders)
    two = m == 2
    total = data.total_weight
    full = (1 << m) - 1
    code_of, unit_of, masks = _coder_masks(data) if len(data.t_unit) else (
        np.zeros(0, np.int64),) * 3
    bit_matrix = ((masks[:, None] >> np.arange(m)) & 1).astype(np.int64)
    per_code = []
    for k, node in enumerate(data.codes):
        pick = code_of == k
        w = data.weight[unit_of[pick]]
        rest = total - float(w.sum())
        values = np.vstack([bit_matrix[pick], np.zeros((1, m), np.int64)])
        weights = np.concatenate([w, [rest]])
        entry = {"code": node.path, **_measures(values, weights, two, 2)}
        if machine is not None:
            entry["machine_vs"] = _versus(values, weights, data.coders, machine)
        entry["unitized_alpha"] = rel.unitized_alpha(
            [_spans(data, k, c) for c in range(m)], data.length)
        agree, segments, share = rel.segment_agreement(
            [_spans(data, k, c) for c in range(m)], min_overlap)
        entry["segment_agreement"] = share
        entry["units_coded"] = _count(w.sum())
        entry["units_all_coders"] = _count(w[masks[pick] == full].sum())
        entry["segments"] = segments
        entry["segments_agreeing"] = agree
        per_code.append(entry)
    overall = _overall(data, two)
    names = [t.name for t in data.transcripts]
    return AgreementResult(data.unit, data.coders, names, data.skipped, min_overlap, overall,
                           per_code)


def _count(x: float) -> int:
    return int(round(float(x)))


def _overall(data: _Data, two: bool) -> dict:
    m = len(data.coders)
    n_units = len(data.unit_start)
    coder = data.c_coder[data.t_coding]
    code = data.c_code[data.t_coding]
    # distinct codes per (unit, coder)
    trip = np.unique((data.t_unit * m + coder) * max(len(data.codes), 1) + code)
    uc = trip // max(len(data.codes), 1)
    keys, counts = np.unique(uc, return_counts=True)
    values = np.full((n_units, m), rel.MISSING, np.int64)
    single = counts == 1
    first = np.searchsorted(uc, keys)
    codes_of = trip[first] % max(len(data.codes), 1)
    values[keys[single] // m, keys[single] % m] = codes_of[single]
    several = np.zeros(n_units, bool)
    several[keys[~single] // m] = True
    coded = np.zeros(n_units, bool)
    coded[keys // m] = True
    keep = coded & ~several
    out = {"units": _count(data.total_weight),
           **_measures(values[keep], data.weight[keep], two)}
    complete = keep & (values >= 0).all(axis=1)
    out["units_compared"] = _count(data.weight[complete].sum())
    out["units_coded"] = _count(data.weight[coded].sum())
    out["units_several_codes"] = _count(data.weight[several].sum())
    pairs = []
    for i in range(m):
        for j in range(i + 1, m):
            # a unit counts for a pair unless one of these two gave it several codes
            mine = np.zeros(n_units, bool)
            pick = ~single & np.isin(keys % m, [i, j])
            mine[keys[pick] // m] = True
            use = coded & ~mine
            v, w = values[use][:, [i, j]], data.weight[use]
            pairs.append({"coders": [data.coders[i], data.coders[j]],
                          "percent_agreement": rel.percent_agreement(v, w),
                          "cohen_kappa": rel.cohen_kappa(v, w),
                          "krippendorff_alpha": rel.krippendorff_alpha(v, w),
                          "ac1": rel.gwet_ac1(v, w)})
    out["pairwise"] = pairs
    return out


# ---------------------------------------------------------------- reconciliation

@dataclass
class UnitDisagreement:
    transcript_id: int
    transcript: str
    index: int  # the unit's number in its transcript (0-based)
    start: int  # offsets into the transcript text
    end: int
    codings: dict[str, list[dict]]  # coder -> [{id, code_id, code, start, end}]
    case: str = ""  # who said the unit's words (their cases, joined by " + ")
    role: str = ""  # the roles of those cases

    def codes_of(self, coder: str) -> list[str]:
        return sorted({c["code"] for c in self.codings.get(coder, [])})


def cached_agreement(project: Project, coders, unit: str = "turn", *, code=None,
                     min_overlap: float = 0.9, version: str | None = None) -> AgreementResult:
    """compute_agreement over all transcripts, kept per project version (the agreement page
    reruns on each widget change; on 200 interviews one computation takes ~0.6 s);
    ``version``: qualcode.coding.view.project_version, when the caller has it."""
    from .version_cache import per_version

    return per_version(project, "agreement", (tuple(coders), unit, code, min_overlap),
                       lambda: compute_agreement(project, coders, unit, code=code,
                                                 min_overlap=min_overlap), version=version)


def cached_disagreements(project: Project, coders, unit: str = "turn", *, code=None,
                         viewer: str | None = None,
                         version: str | None = None) -> list[UnitDisagreement]:
    """disagreements over all transcripts, kept per project version; the blind-coding check
    is made on every call (the setting is not part of the version)."""
    from .version_cache import per_version

    _refuse_when_blind(project, viewer)
    return per_version(project, "disagreements", (tuple(coders), unit, code),
                       lambda: disagreements(project, coders, unit, code=code),
                       version=version)


def _refuse_when_blind(project: Project, viewer: str | None) -> None:
    """Codings side by side are refused under blind coding for a ``viewer`` (an admin must
    unblind first), and for a logged-in coder whatever they pass (store/visibility.py);
    the library, local mode and admins without a viewer: allowed."""
    from ..store.visibility import visible_scope

    if (viewer is not None or visible_scope(project) is not None) and blind_coding(project):
        raise ValidationError("blind coding is on: codings are compared side by side only "
                              "after an admin unblinds the project")


def disagreements(project: Project, coders, unit: str = "turn", *, code=None,
                  transcript_ids: set[int] | None = None, viewer: str | None = None,
                  limit: int | None = None) -> list[UnitDisagreement]:
    """Units on which the coders differ (for ``code``: coded or not; across codes: the sets
    of codes they gave), in text order, each with every coder's codings touching it.
    Refused under blind coding for a ``viewer`` (an admin must unblind first)."""
    _refuse_when_blind(project, viewer)
    data = _load(project, coders, unit, code, transcript_ids)
    if len(data.t_unit) == 0:
        return []
    m = len(data.coders)
    coder = data.c_coder[data.t_coding]
    code_idx = data.c_code[data.t_coding]
    # per unit, each coder's set of codes as a sorted tuple; compare as strings of code ids
    order = np.lexsort((code_idx, coder, data.t_unit))
    units_sorted = data.t_unit[order]
    differ = set()
    code_sets: dict[tuple[int, int], set[int]] = {}
    for u, c, k in zip(units_sorted.tolist(), coder[order].tolist(), code_idx[order].tolist()):
        code_sets.setdefault((u, c), set()).add(k)
    for u in np.unique(units_sorted).tolist():
        sets = [frozenset(code_sets.get((u, c), ())) for c in range(m)]
        if any(s != sets[0] for s in sets[1:]):
            differ.add(u)
    names = {t.id: t.name for t in data.transcripts}
    firsts: dict[int, int] = {}
    for i, t in enumerate(data.unit_tid.tolist()):
        firsts.setdefault(t, i)
    by_unit: dict[int, list[int]] = {}
    for row, u in zip(data.t_coding.tolist(), data.t_unit.tolist()):
        if u in differ:
            by_unit.setdefault(u, []).append(row)
    out = []
    paths = [n.path for n in data.codes]
    from ..coding.quotes import Speakers

    with project.reading() as s:
        who = Speakers(s, {int(data.unit_tid[u]) for u in differ})
    for u in sorted(differ):
        tid = int(data.unit_tid[u])
        off = data.offsets[tid]
        codings: dict[str, list[dict]] = {c: [] for c in data.coders}
        for row in sorted(by_unit[u], key=lambda r: (int(data.c_start[r]), int(data.c_id[r]))):
            codings[data.coders[int(data.c_coder[row])]].append({
                "id": int(data.c_id[row]), "code_id": data.codes[int(data.c_code[row])].code.id,
                "code": paths[int(data.c_code[row])],
                "start": int(data.c_start[row]) - off, "end": int(data.c_end[row]) - off})
        start, end = int(data.unit_start[u]) - off, int(data.unit_end[u]) - off
        credit = who.credit(tid, start, end)
        out.append(UnitDisagreement(tid, names[tid], u - firsts[tid], start, end, codings,
                                    credit.joined("cases"), credit.joined("roles")))
        if limit is not None and len(out) >= limit:
            break
    return out


def value_text(value) -> str:
    """A measure as shown in tables and the CLI: 3 decimals, "–" where it is undefined."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def agreement_rows(result: AgreementResult) -> tuple[list[dict], list[dict]]:
    """The overall and per-code tables, as rows with readable headers (Word, XLSX, UI)."""
    o = result.overall
    overall = [{"Measure": "Percent agreement", "Value": o["percent_agreement"]},
               {"Measure": "Cohen's κ", "Value": o["cohen_kappa"]},
               {"Measure": "Fleiss' κ", "Value": o["fleiss_kappa"]},
               {"Measure": "Krippendorff's α (nominal)", "Value": o["krippendorff_alpha"]},
               {"Measure": "Gwet's AC1", "Value": o.get("ac1")},
               {"Measure": f"Units ({result.unit})", "Value": o["units"]},
               {"Measure": "Units every coder coded with one code", "Value": o["units_compared"]},
               {"Measure": "Units with several codes from one coder (left out)",
                "Value": o["units_several_codes"]}]
    per_code = [{"Code": p["code"], "Units coded": p["units_coded"],
                 "Percent agreement": p["percent_agreement"], "Cohen's κ": p["cohen_kappa"],
                 "Fleiss' κ": p["fleiss_kappa"], "Krippendorff's α": p["krippendorff_alpha"],
                 "Gwet's AC1": p.get("ac1"),
                 "Unitized α (α_U)": p["unitized_alpha"],
                 f"Segment agreement (≥{result.min_overlap:.0%})": p["segment_agreement"]}
                for p in result.per_code]
    return overall, per_code


def pairwise_rows(result: AgreementResult) -> list[dict]:
    """Across codes, each pair of coders: percent agreement, Cohen's κ, Krippendorff's α."""
    return [{"Coders": " – ".join(p["coders"]), "Percent agreement": p["percent_agreement"],
             "Cohen's κ": p["cohen_kappa"], "Krippendorff's α": p["krippendorff_alpha"],
             "Gwet's AC1": p.get("ac1")}
            for p in result.overall.get("pairwise", [])]
