"""The saturation rules on sequences: the published fixtures, exact thresholds, coding status,
the window step, Francis n+k, interviews after the point, the grid, the order bootstrap,
Chao2 and the per-category analysis."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from qualcode.analysis import rules
from qualcode.analysis.bootstrap import cumulative_curves, incidence_pairs, order_bootstrap
from qualcode.analysis.categories import per_category
from qualcode.analysis.saturation import compute_saturation
from qualcode.analysis.saturation_report import analyse
from qualcode.analysis.sensitivity import sensitivity_grid
from qualcode.analysis.unseen import chao2, estimate_unseen
from qualcode.errors import ValidationError


def from_counts(counts, statuses=None, repeat=True):
    """A sequence whose interviews bring ``counts[i]`` new concepts each (and, with ``repeat``,
    mention one concept seen before, as real interviews do)."""
    seen, out = [], []
    for i, n in enumerate(counts):
        new = [f"c{len(seen) + j}" for j in range(n)]
        concepts = set(new) | ({seen[i % len(seen)]} if repeat and seen else set())
        seen += new
        status = statuses[i] if statuses else "coded"
        out.append((f"P{i + 1}", "participant", concepts, status))
    return out


# -- the published fixtures (Guest, Namey & Chen 2020) --------------------------------------

def test_published_fixtures():
    assert compute_saturation(from_counts([4, 3, 2, 1, 1, 0, 0, 0]), base=4, run=2,
                              threshold=0.05).label == "5+2"
    assert compute_saturation(from_counts([4, 3, 2, 1, 0, 0, 0]), base=4, run=3,
                              threshold=0.05).label == "4+3"
    none = compute_saturation(from_counts([4] * 8), base=4, run=2, threshold=0.05)
    assert none.label is None and none.point is None and none.assessable
    # the same through the counts-only rule
    assert rules.point([4, 3, 2, 1, 1, 0, 0, 0], base=4, run=2) == 5
    assert rules.point([4, 3, 2, 1, 0, 0, 0], base=4, run=3) == 4
    assert rules.point([4] * 8, base=4, run=2) is None


def test_exact_threshold_at_five_percent():
    # 1 new concept on a base of 20 is exactly 5%: met at ≤5%, not at 0%
    seq = from_counts([20, 1, 0, 0], repeat=False)
    assert compute_saturation(seq, base=1, run=1, threshold=0.05).label == "1+1"
    assert compute_saturation(seq, base=1, run=1, threshold=0.0).label == "2+1"
    # 3 on 60 is 5.0% too; 1 on 19 (5.26%) and 3 on 59 are not
    assert rules.point([60, 3, 0], base=1, run=1, threshold=0.05) == 1
    assert rules.point([19, 1, 0, 0], base=1, run=1, threshold=0.05) == 2
    assert rules.point([59, 3, 0], base=1, run=1, threshold=0.05) == 2
    # the comparison is exact: 0.05 is 1/20, whatever its binary spelling
    assert rules.exact_threshold(0.05) == Fraction(1, 20)
    assert rules.exact_threshold("0.05") == Fraction(1, 20)
    assert rules.point([100, 5, 0], base=1, run=1, threshold=Fraction(1, 20)) == 1
    with pytest.raises(ValidationError):
        rules.exact_threshold(1.5)


def test_strict_threshold_never_earlier_than_lax():
    rng = random.Random(5)
    for _ in range(400):
        counts = [rng.choice([0, 0, 0, 1, 1, 2, 5]) for _ in range(rng.randrange(3, 25))]
        counts[0] = rng.randrange(1, 30)
        for step in rules.STEPS:
            for base, run in ((4, 2), (5, 3), (2, 1)):
                lax = rules.point(counts, base=base, run=run, threshold=0.05, step=step)
                strict = rules.point(counts, base=base, run=run, threshold=0.0, step=step)
                if lax is None:
                    assert strict is None
                else:
                    assert strict is None or strict >= lax


def test_window_stepping_by_the_run():
    seq = from_counts([4, 3, 2, 1, 1, 0, 0, 0])
    assert compute_saturation(seq, step="slide").label == "5+2"
    stepped = compute_saturation(seq, step="run")
    assert stepped.label == "6+2" and [r.after for r in stepped.runs] == [4, 6]
    with pytest.raises(ValidationError):
        compute_saturation(seq, step="hop")


def test_francis_ten_plus_three():
    counts = [5, 3, 2, 2, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0]
    result = compute_saturation(from_counts(counts), rule="francis")
    assert (result.base, result.run_length) == (10, 3)
    assert result.label == "11+3"  # interviews 12–14 bring nothing new after interview 11
    assert compute_saturation(from_counts(counts), rule="francis", base=6, run=2).label == "11+2"
    assert compute_saturation(from_counts([3, 1] * 8), rule="francis").point is None
    assert compute_saturation(from_counts([5, 1, 0, 1, 0, 0]), rule="francis", base=1,
                              run=2).label == "4+2"


# -- coding status: uncoded interviews never count as "no new information" -------------------

def test_uncoded_interviews_stop_the_assessment():
    counts = [4, 3, 2, 2, 2, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]  # all coded: 11+2
    assert compute_saturation(from_counts(counts)).label == "11+2"
    # interviews 5–17 ingested but not coded yet show no concepts: never "4+2"
    statuses = ["coded"] * 4 + ["not coded"] * 13
    uncoded = [(n, r, c if s == "coded" else set(), s)
               for (n, r, c, _), s in zip(from_counts(counts), statuses)]
    result = compute_saturation(uncoded)
    assert result.assessed == 4 and result.point is None and result.label is None
    assert not result.assessable
    assert "P5" in result.reason and "next to code: P5 (not coded)" in result.summary()
    assert "reached at" not in result.summary()
    assert [s.assessed for s in result.steps] == [True] * 4 + [False] * 13


def test_a_gap_in_the_middle_and_interviews_in_progress():
    counts = [4, 3, 2, 1, 0, 0, 0, 0, 0]
    statuses = ["coded"] * 3 + ["in progress"] + ["coded"] * 5
    seq = from_counts(counts, statuses)
    strict = compute_saturation(seq)
    assert strict.assessed == 3 and strict.point is None
    assert "next to code: P4 (in progress)" in strict.summary()
    lenient = compute_saturation(seq, include_in_progress=True)
    assert lenient.assessed == 9 and lenient.label == "4+2"
    # "not coded" stops even with include_in_progress
    gap = from_counts(counts, ["coded"] * 5 + ["not coded"] + ["coded"] * 3)
    result = compute_saturation(gap, include_in_progress=True)
    assert result.assessed == 5 and result.point is None and "P6" in result.reason


def test_nothing_coded_yet():
    result = compute_saturation(from_counts([3, 2, 1], ["not coded"] * 3))
    assert result.assessed == 0 and not result.assessable and "P1" in result.reason
    report = analyse(from_counts([3, 2, 1], ["not coded"] * 3))
    data = report.as_json()
    assert data["point"] is None and data["unseen"]["observed"] == 0
    assert data["bootstrap"]["orders"] == 0 and data["bootstrap"]["median_point"] is None


def test_interviews_after_the_point_that_still_add_concepts():
    counts = [4, 3, 2, 1, 0, 0, 0, 3, 0, 20]
    result = compute_saturation(from_counts(counts), base=4, run=2)
    assert result.label == "4+2"
    assert [(a.position, a.label, len(a.new)) for a in result.after_point] == [
        (8, "P8", 3), (10, "P10", 20)]
    assert result.after_point[1].share == pytest.approx(2.0)  # +200% of the base of 10
    assert "P10 +20 (200% of the base)" in result.summary()


# -- sensitivity grid -----------------------------------------------------------------------

def test_sensitivity_grid_has_twelve_combinations():
    grid = sensitivity_grid([4, 3, 2, 1, 1, 0, 0, 0])
    assert len(grid) == 12
    assert {(g["base"], g["run"], g["threshold"]) for g in grid} == {
        (b, r, t) for b in (4, 5, 6) for r in (2, 3) for t in (0.05, 0.0)}
    labels = {(g["base"], g["run"], g["threshold"]): g["label"] for g in grid}
    assert labels[(4, 2, 0.05)] == "5+2" and labels[(4, 3, 0.05)] == "5+3"
    assert labels[(6, 3, 0.0)] is None  # 6 + 3 > 8 interviews


# -- order bootstrap ------------------------------------------------------------------------

def test_bootstrap_curves_match_a_plain_loop():
    rng = random.Random(3)
    sets = [{f"k{rng.randrange(30)}" for _ in range(rng.randrange(0, 8))} for _ in range(15)]
    interviews, concepts, _ = incidence_pairs(sets)
    gen = np.random.default_rng(9)
    pos = gen.permuted(np.tile(np.arange(15), (40, 1)), axis=1)
    cum = cumulative_curves(interviews, concepts, 15, pos)
    for b in range(40):
        order = np.argsort(pos[b])  # interview at each place
        seen, expected = set(), [0]
        for i in order:
            seen |= sets[i]
            expected.append(len(seen))
        assert cum[b].tolist() == expected
        seq = [(str(i), "", sets[i]) for i in order]
        x = compute_saturation(seq, base=4, run=2).point or 0
        assert rules.points(cum[b:b + 1], base=4, run=2)[0] == x


def test_bootstrap_is_reproducible_with_a_seed():
    rng = random.Random(11)
    sets = [{f"k{rng.randrange(40)}" for _ in range(6)} for _ in range(20)]
    a = order_bootstrap(sets, orders=300, seed=42)
    b = order_bootstrap(sets, orders=300, seed=42)
    c = order_bootstrap(sets, orders=300, seed=43)
    assert a.as_dict() == b.as_dict()
    assert not np.array_equal(a.points, c.points)
    d = a.as_dict()
    assert d["orders"] == 300 and 0 <= d["share_reached"] <= 1
    assert len(d["curve_mean"]) == 20 and d["curve_mean"][-1] == len(set().union(*sets))
    assert all(lo <= m <= hi for lo, m, hi in zip(d["curve_low"], d["curve_mean"],
                                                  d["curve_high"]))
    if d["median_point"] is not None:
        assert d["p05_point"] <= d["median_point"] <= d["p95_point"]


def test_bootstrap_of_a_saturating_set():
    # every interview names the same concepts: every order saturates at the base
    sets = [{"a", "b", "c"}] * 10
    boot = order_bootstrap(sets, orders=50, seed=1)
    assert boot.share_reached == 1.0 and boot.median_point == 4 == boot.p05_point == boot.p95_point
    with pytest.raises(ValidationError):
        order_bootstrap(sets, orders=-1)
    with pytest.raises(ValidationError, match="fewer orders"):
        order_bootstrap([{"a"}] * 300, orders=100_000)


# -- unseen concepts: bias-corrected Chao2 --------------------------------------------------

def test_chao2_against_hand_computation():
    est = chao2(40, 12, 5, 3)
    assert round(est.chao2, 4) == 42.2917  # 40 + (11/12)·5·4/(2·4)
    a = 11 / 12
    var = (a * 5 * 4 / 8 + a * a * 5 * 9 ** 2 / (4 * 16) + a * a * 25 * 3 * 16 / (4 * 4 ** 4))
    assert est.variance == pytest.approx(var)
    f0 = 42.291666666666664 - 40
    c = math.exp(1.959963984540054 * math.sqrt(math.log(1 + var / f0 ** 2)))
    assert est.ci_low == pytest.approx(40 + f0 / c) and est.ci_high == pytest.approx(40 + f0 * c)
    assert est.ci_low > 40 and est.coverage == pytest.approx(40 / 42.291666666666664)
    assert est.as_dict() == {"observed": 40, "chao2": 42.2917, "ci_low": round(40 + f0 / c, 4),
                             "ci_high": round(40 + f0 * c, 4),
                             "coverage": round(40 / 42.291666666666664, 4),
                             "completeness": round(40 / 42.291666666666664, 4)}


def test_chao2_from_interviews():
    # a in 3 interviews, b and c in two (Q2 = 2), d, e, f in one (Q1 = 3); m = 4
    sets = [{"a", "b", "d"}, {"a", "b", "c"}, {"a", "c", "e"}, {"f"}]
    est = estimate_unseen(sets)
    assert (est.observed, est.interviews, est.q1, est.q2) == (6, 4, 3, 2)
    assert est.chao2 == pytest.approx(6 + (3 / 4) * 3 * 2 / (2 * 3))
    # no singletons: nothing estimated unseen, the interval starts at S_obs
    none = estimate_unseen([{"a", "b"}, {"a", "b"}])
    assert none.chao2 == 2 and none.ci_low == 2 and none.ci_high >= 2
    assert estimate_unseen([]).chao2 == 0


# -- per category ---------------------------------------------------------------------------

def test_per_category_results():
    seq = [("P1", "", {"A / x", "B / p"}, "coded"), ("P2", "", {"A / y", "B / q"}, "coded"),
           ("P3", "", {"A / x", "B / r"}, "coded"), ("P4", "", {"A", "B / s"}, "coded"),
           ("P5", "", {"A / x", "B / t"}, "coded"), ("P6", "", {"A / y", "B / u"}, "coded"),
           ("P7", "", set(), "not coded")]
    cats = per_category(seq, ["A", "B", "C"], base=4, run=2)
    by = {c.category: c for c in cats}
    assert by["A"].result.label == "4+2" and by["A"].observed == 3
    assert by["B"].result.label is None and by["B"].observed == 6
    assert by["C"].observed == 0 and by["C"].result.label is None
    assert all(c.result.assessed == 6 for c in cats)
