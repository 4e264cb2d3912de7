"""Inter-coder reliability coefficients, in numpy, for nominal data.

The input of the unit-based measures is a *reliability data matrix*: one row per unit, one
column per coder, each cell the value (category) the coder gave the unit, or missing. Rows can
carry a weight (a row of weight 5 counts as 5 identical units: the character unit uses this
for runs of characters that every coder treated alike).

* percent agreement: the share of units, among those every coder gave a value, on which all
  coders agree;
* Cohen's κ (1960): two coders, units both gave a value; κ = (p_o − p_e) / (1 − p_e) with p_e
  from each coder's own marginal distribution;
* Fleiss' κ (1971): any number of coders, units every coder gave a value;
* Krippendorff's α (nominal): any number of coders, missing values allowed; computed from the
  coincidence matrix of all pairable values (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability");
* Gwet's AC1 (Gwet 2008; Handbook of Inter-Rater Reliability, 4th ed. 2014): any number of
  coders, missing values allowed; chance agreement from the average category shares
  (p_e = Σ π_k(1 − π_k) / (q − 1)), so it does not collapse when one category dominates (a rare
  code), where κ does ("high agreement, low κ");
* Krippendorff's unitized α (α_U, Krippendorff 1995; Content Analysis, 2nd ed. 2004) over a
  continuum that each coder divides into units and gaps;
* segment agreement (MAXQDA): the share of coded segments that another coder coded with an
  overlap of at least a minimum share (default 90%).

Coefficients that are undefined (no units, or no variation: expected disagreement 0) are None.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

MISSING = -1


def reliability_matrix(rows: Sequence[Sequence[object]]) -> tuple[np.ndarray, list]:
    """Integer matrix (missing: -1) and the list of categories, from rows of any values where
    None or NaN means missing."""
    labels: dict[object, int] = {}
    out = np.full((len(rows), len(rows[0]) if rows else 0), MISSING, dtype=np.int64)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            out[i, j] = labels.setdefault(value, len(labels))
    return out, list(labels)


def _prepare(values, weights) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(values)
    if values.dtype.kind not in "iu":
        values, _ = reliability_matrix(values.tolist())
    values = values.astype(np.int64, copy=False)
    if values.ndim != 2:
        raise ValueError("reliability data: one row per unit, one column per coder")
    if weights is None:
        weights = np.ones(len(values), dtype=np.float64)
    else:
        weights = np.asarray(weights, dtype=np.float64)
    return values, weights


def _complete(values: np.ndarray, weights: np.ndarray):
    keep = (values >= 0).all(axis=1) & (weights > 0)
    return values[keep], weights[keep]


def percent_agreement(values, weights=None) -> float | None:
    """Share of the units every coder gave a value on which they all gave the same value."""
    values, weights = _complete(*_prepare(values, weights))
    total = weights.sum()
    if total == 0:
        return None
    same = (values == values[:, :1]).all(axis=1)
    return float(weights[same].sum() / total)


def cohen_kappa_table(table) -> float | None:
    """Cohen's κ from a square contingency table (rows: coder 1, columns: coder 2)."""
    table = np.asarray(table, dtype=np.float64)
    n = table.sum()
    if n == 0:
        return None
    p_o = np.trace(table) / n
    p_e = float((table.sum(axis=1) * table.sum(axis=0)).sum() / (n * n))
    if np.isclose(p_e, 1.0):
        return None
    return float((p_o - p_e) / (1 - p_e))


def cohen_kappa(values, weights=None) -> float | None:
    """Cohen's κ for two coders over the units both gave a value."""
    values, weights = _complete(*_prepare(values, weights))
    if values.shape[1] != 2:
        raise ValueError("Cohen's kappa compares exactly two coders")
    if len(values) == 0:
        return None
    cats, inverse = np.unique(values, return_inverse=True)
    inverse = inverse.reshape(values.shape)
    k = len(cats)
    table = np.bincount(inverse[:, 0] * k + inverse[:, 1], weights=weights,
                        minlength=k * k).reshape(k, k)
    return cohen_kappa_table(table)


def _unit_value_counts(values: np.ndarray):
    """Sparse counts: (unit index, category index, number of coders) for present values."""
    present = values >= 0
    units = np.nonzero(present)[0]
    cats = values[present]
    if len(cats) == 0:
        return units, cats, cats
    k = int(cats.max()) + 1
    keys, counts = np.unique(units * k + cats, return_counts=True)
    return keys // k, keys % k, counts.astype(np.float64)


def fleiss_kappa_counts(counts, weights=None) -> float | None:
    """Fleiss' κ from a units × categories table of how many coders chose each category
    (the same number of coders for every unit)."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.size == 0:
        return None
    weights = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=np.float64)
    m = counts.sum(axis=1)
    if not np.allclose(m, m[0]):
        raise ValueError("Fleiss' kappa needs the same number of ratings for every unit")
    m = m[0]
    total = weights.sum()
    if m < 2 or total == 0:
        return None
    p = (weights[:, None] * counts).sum(axis=0) / (total * m)
    per_unit = ((counts * counts).sum(axis=1) - m) / (m * (m - 1))
    p_bar = float((weights * per_unit).sum() / total)
    p_e = float((p * p).sum())
    if np.isclose(p_e, 1.0):
        return None
    return (p_bar - p_e) / (1 - p_e)


def fleiss_kappa(values, weights=None) -> float | None:
    """Fleiss' κ over the units every coder gave a value."""
    values, weights = _complete(*_prepare(values, weights))
    m = values.shape[1]
    total = weights.sum()
    if len(values) == 0 or m < 2 or total == 0:
        return None
    units, cats, counts = _unit_value_counts(values)
    k = int(cats.max()) + 1
    p = np.bincount(cats, weights=weights[units] * counts, minlength=k) / (total * m)
    squares = np.bincount(units, weights=counts * counts, minlength=len(values))
    p_bar = float((weights * (squares - m) / (m * (m - 1))).sum() / total)
    p_e = float((p * p).sum())
    if np.isclose(p_e, 1.0):
        return None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha(values, weights=None) -> float | None:
    """Krippendorff's α for nominal data; missing values allowed (units with fewer than two
    values are not pairable and drop out)."""
    values, weights = _prepare(values, weights)
    m_u = (values >= 0).sum(axis=1)
    keep = (m_u >= 2) & (weights > 0)
    values, weights, m_u = values[keep], weights[keep], m_u[keep]
    if len(values) == 0:
        return None
    units, cats, counts = _unit_value_counts(values)
    factor = weights[units] / (m_u[units] - 1)
    # coincidence matrix: o_cc (same values) and n_c (marginals), without building it whole
    o_same = float((factor * counts * (counts - 1)).sum())
    k = int(cats.max()) + 1
    n_c = np.bincount(cats, weights=weights[units] * counts, minlength=k)
    n = float(n_c.sum())
    expected = n * n - float((n_c * n_c).sum())
    if expected <= 0:
        return None
    return 1.0 - (n - 1) * (n - o_same) / expected


def gwet_ac1(values, weights=None, n_categories: int | None = None) -> float | None:
    """Gwet's AC1 for nominal data, any number of coders, missing values allowed, as in Gwet
    (2014) and the irrCAC package (``gwet.ac1.raw``):

    p_a = mean over units rated by r_i ≥ 2 coders of Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1));
    π_k = mean over units rated at least once of r_ik / r_i; p_e = Σ_k π_k (1 − π_k) / (q − 1);
    AC1 = (p_a − p_e) / (1 − p_e). ``q`` is the number of categories: those observed, unless
    ``n_categories`` says (2 for "coded or not"). Rows can be weighted."""
    values, weights = _prepare(values, weights)
    r = (values >= 0).sum(axis=1)
    keep = (r >= 1) & (weights > 0)
    values, weights, r = values[keep], weights[keep], r[keep]
    if len(values) == 0:
        return None
    units, cats, counts = _unit_value_counts(values)
    q = n_categories or len(np.unique(cats))
    if q < 2:
        return None
    k = max(int(cats.max()) + 1, q)
    total = float(weights.sum())
    pi = np.bincount(cats, weights=weights[units] * counts / r[units], minlength=k) / total
    two = r >= 2
    if not two.any():
        return None
    pairs = np.bincount(units, weights=counts * (counts - 1), minlength=len(values))
    per_unit = pairs[two] / (r[two] * (r[two] - 1))
    p_a = float((weights[two] * per_unit).sum() / weights[two].sum())
    p_e = float((pi * (1 - pi)).sum() / (q - 1))
    if np.isclose(p_e, 1.0):
        return None
    return (p_a - p_e) / (1 - p_e)


# ---------------------------------------------------------------- spans (continuum) measures

def merge_spans(spans) -> np.ndarray:
    """Sorted, disjoint (start, end) rows: the union of ``spans`` (touching spans join)."""
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    spans = spans[spans[:, 1] > spans[:, 0]]
    if len(spans) == 0:
        return spans
    spans = spans[np.lexsort((spans[:, 1], spans[:, 0]))]
    reach = np.maximum.accumulate(spans[:, 1])
    new = np.ones(len(spans), dtype=bool)
    new[1:] = spans[1:, 0] > reach[:-1]
    group = np.cumsum(new) - 1
    starts = spans[new, 0]
    ends = np.zeros(len(starts), dtype=np.int64)
    np.maximum.at(ends, group, spans[:, 1])
    return np.column_stack([starts, ends])


def _partition(units: np.ndarray, length: int):
    """A coder's continuum as consecutive segments: (starts, ends, is_unit)."""
    edges = np.concatenate([[0], units.ravel(), [length]])
    starts, ends = edges[:-1], edges[1:]
    is_unit = np.zeros(len(starts), dtype=bool)
    is_unit[1::2] = True
    keep = ends > starts
    return starts[keep], ends[keep], is_unit[keep]


def unitized_alpha(units_by_coder: Sequence, length: int) -> float | None:
    """Krippendorff's α_U for one category over a continuum [0, length).

    ``units_by_coder``: per coder, the (start, end) spans they marked (overlapping or touching
    spans of one coder are joined first). Each coder's continuum is the sequence of their
    units and the gaps between them. Following Krippendorff (1995; 2004, ch. 11):

    observed  D_o = Σ_i Σ_{j≠i} Σ_g Σ_h δ²(g, h) / (m (m−1) L²), with, for a segment g of coder i
    and h of coder j:  both units and overlapping: (b_g − b_h)² + (e_g − e_h)²;  g a unit inside
    the gap h: l_g²;  h a unit inside the gap g: l_h²;  otherwise 0.

    expected  D_e = (2/L) Σ_units g [ (N−1)(2l_g³ − 3l_g² + l_g)/3
                                      + l_g² Σ_gaps h, l_h ≥ l_g (l_h − l_g + 1) ]
                    / [ mL(mL − 1) − Σ_units g l_g(l_g − 1) ]

    with N the number of units of all coders and the gaps of all coders. α_U = 1 − D_o/D_e.
    """
    m = len(units_by_coder)
    if m < 2 or length <= 0:
        return None
    merged = [merge_spans(u) for u in units_by_coder]
    if all(len(u) == 0 for u in merged):
        return None
    parts = [_partition(u, length) for u in merged]
    observed = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            observed += 2 * _pair_disagreement(parts[i], parts[j])
    observed /= m * (m - 1) * float(length) ** 2

    unit_lengths = np.concatenate([u[:, 1] - u[:, 0] for u in merged]).astype(np.float64)
    gaps = np.sort(np.concatenate([e[~u] - s[~u] for s, e, u in parts]).astype(np.float64))
    n_units = len(unit_lengths)
    # Σ over gaps h with l_h ≥ l of (l_h − l + 1), by sorted gaps and suffix sums
    first = np.searchsorted(gaps, unit_lengths, side="left")
    suffix = np.concatenate([np.cumsum((gaps + 1)[::-1])[::-1], [0.0]])
    gap_sum = suffix[first] - unit_lengths * (len(gaps) - first)
    ell = unit_lengths
    numerator = ((n_units - 1) * (2 * ell ** 3 - 3 * ell ** 2 + ell) / 3 + ell ** 2 * gap_sum).sum()
    total = m * float(length)
    denominator = total * (total - 1) - (ell * (ell - 1)).sum()
    if denominator <= 0:
        return None
    expected = 2.0 / length * numerator / denominator
    if expected <= 0:
        return None
    return float(1.0 - observed / expected)


def _pair_disagreement(a, b) -> float:
    """Σ δ² over the overlapping segment pairs of two coders' partitions of one continuum."""
    a_start, a_end, a_unit = a
    b_start, b_end, b_unit = b
    cuts = np.union1d(a_start, b_start)  # both partitions start at 0 and cover the continuum
    ia = np.searchsorted(a_start, cuts, side="right") - 1
    ib = np.searchsorted(b_start, cuts, side="right") - 1
    pairs = np.unique(ia * (len(b_start) + 1) + ib)
    ia, ib = pairs // (len(b_start) + 1), pairs % (len(b_start) + 1)
    sa, ea, ua = a_start[ia].astype(np.float64), a_end[ia].astype(np.float64), a_unit[ia]
    sb, eb, ub = b_start[ib].astype(np.float64), b_end[ib].astype(np.float64), b_unit[ib]
    both = ua & ub
    a_in_gap = ua & ~ub & (sb <= sa) & (ea <= eb)
    b_in_gap = ~ua & ub & (sa <= sb) & (eb <= ea)
    return float(((sa - sb) ** 2 + (ea - eb) ** 2)[both].sum()
                 + ((ea - sa) ** 2)[a_in_gap].sum() + ((eb - sb) ** 2)[b_in_gap].sum())


def segment_matches(a, b, min_overlap: float = 0.9) -> np.ndarray:
    """For each segment of ``a`` ((start, end) rows), whether ``b`` holds a segment that
    overlaps it by at least ``min_overlap`` of the two segments' joint extent
    (intersection / union, as MAXQDA's segment agreement)."""
    a = np.asarray(a, dtype=np.int64).reshape(-1, 2)
    b = np.asarray(b, dtype=np.int64).reshape(-1, 2)
    found = np.zeros(len(a), dtype=bool)
    if len(a) == 0 or len(b) == 0:
        return found
    b = b[np.argsort(b[:, 0], kind="stable")]
    longest = int((b[:, 1] - b[:, 0]).max())
    # candidates: segments of b starting in [a.start − longest, a.end)
    lo = np.searchsorted(b[:, 0], a[:, 0] - longest, side="left")
    hi = np.searchsorted(b[:, 0], a[:, 1], side="left")
    count = np.maximum(hi - lo, 0)
    if count.sum() == 0:
        return found
    which = np.repeat(np.arange(len(a)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    cand = b[lo[which] + offsets]
    seg = a[which]
    inter = np.minimum(seg[:, 1], cand[:, 1]) - np.maximum(seg[:, 0], cand[:, 0])
    union = np.maximum(seg[:, 1], cand[:, 1]) - np.minimum(seg[:, 0], cand[:, 0])
    ok = (inter > 0) & (inter >= min_overlap * union - 1e-9)
    found[np.unique(which[ok])] = True
    return found


def segment_agreement(segments_by_coder: Sequence, min_overlap: float = 0.9):
    """(agreeing segments, segments, share) over every ordered pair of coders: each segment of
    each coder is checked against each other coder (with two coders: MAXQDA's segment
    agreement, each coder's segments checked against the other's)."""
    if not 0 < min_overlap <= 1:
        raise ValueError("the minimum overlap is a share between 0 and 1, e.g. 0.9")
    agree = total = 0
    for i, a in enumerate(segments_by_coder):
        for j, b in enumerate(segments_by_coder):
            if i == j:
                continue
            hits = segment_matches(a, b, min_overlap)
            agree += int(hits.sum())
            total += len(hits)
    return agree, total, (agree / total if total else None)
