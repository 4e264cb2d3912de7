"""The reliability coefficients against published values, an independent implementation and
hand-computed cases."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from qualcode.analysis.reliability import (cohen_kappa, cohen_kappa_table, fleiss_kappa,
                                           fleiss_kappa_counts, krippendorff_alpha, merge_spans,
                                           percent_agreement, reliability_matrix,
                                           segment_agreement, segment_matches, unitized_alpha)

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# (columns A–D) × 12 units, nominal, with missing values. Published α = 0.743.
KRIPPENDORFF_2011 = [
    [1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, 3, N, N]]

# Fleiss (1971, p. 379), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
# (depression, personality disorder, schizophrenia, neurosis, other): how many chose each.
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6]]


def test_krippendorff_2011_four_coders_with_missing_values():
    values, _ = reliability_matrix(KRIPPENDORFF_2011)
    assert round(krippendorff_alpha(values), 3) == 0.743


def test_krippendorff_2004_two_coders():
    # Krippendorff (2004), Content Analysis, p. 227: 12 units coded by two observers
    pairs = [("a", "a"), ("a", "b")] + [("b", "b")] * 4 + [("b", "c")] + [("c", "c")] * 5
    values, _ = reliability_matrix(pairs)
    assert round(krippendorff_alpha(values), 3) == 0.734
    assert percent_agreement(values) == pytest.approx(10 / 12)


def test_cohen_1960_table():
    # Cohen (1960, p. 45): 200 cases, 3 categories
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    assert round(cohen_kappa_table(table), 3) == 0.492
    # the same data as a reliability matrix gives the same κ
    rows = [(i, j) for i in range(3) for j in range(3) for _ in range(table[i][j])]
    assert cohen_kappa(np.array(rows)) == pytest.approx(cohen_kappa_table(table))
    assert percent_agreement(np.array(rows)) == pytest.approx(0.70)


def test_fleiss_1971_psychiatric_diagnoses():
    counts = np.array(FLEISS_1971)
    assert (counts.sum(axis=1) == 6).all() and counts.sum(axis=0).tolist() == [26, 26, 30, 55, 43]
    assert round(fleiss_kappa_counts(counts), 3) == 0.430
    # as a reliability matrix: 6 rating columns per patient
    rows = [[k for k in range(5) for _ in range(c[k])] for c in FLEISS_1971]
    assert fleiss_kappa(np.array(rows)) == pytest.approx(fleiss_kappa_counts(counts))


def test_weights_count_as_repeated_units():
    values = np.array([[0, 0], [0, 1], [1, 1], [2, 2]])
    weights = np.array([3, 1, 2, 4])
    repeated = np.repeat(values, weights, axis=0)
    for f in (percent_agreement, cohen_kappa, fleiss_kappa, krippendorff_alpha):
        assert f(values, weights) == pytest.approx(f(repeated)), f.__name__


def test_alpha_matches_the_krippendorff_package_on_random_data():
    import krippendorff  # the reference implementation (the test extra)

    rng = np.random.default_rng(7)
    for trial in range(20):
        coders, units = rng.integers(2, 6), rng.integers(5, 60)
        data = rng.integers(0, rng.integers(2, 6), size=(units, coders)).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        if (np.sum(~np.isnan(data), axis=1) >= 2).sum() == 0:
            continue
        values = np.where(np.isnan(data), -1, data).astype(int)
        ours = krippendorff_alpha(values)
        try:
            theirs = krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal")
        except ValueError:  # the package refuses data with one value only
            assert ours is None
            continue
        assert ours == pytest.approx(theirs), trial


def test_undefined_coefficients_are_none():
    same = np.zeros((5, 2), dtype=int)
    assert percent_agreement(same) == 1.0
    assert cohen_kappa(same) is None and krippendorff_alpha(same) is None
    assert fleiss_kappa(same) is None
    empty = np.full((3, 2), -1)
    assert percent_agreement(empty) is None and krippendorff_alpha(empty) is None
    with pytest.raises(ValueError):
        cohen_kappa(np.zeros((3, 3), dtype=int))


def test_unitized_alpha_hand_computed():
    """L = 10, two coders. A marks [2, 6), B marks [3, 6).

    Segments: A: gap [0,2) unit [2,6) gap [6,10); B: gap [0,3) unit [3,6) gap [6,10).
    Observed: the only pair with a distance is the two overlapping units:
      (2 − 3)² + (6 − 6)² = 1, counted for (A,B) and (B,A): D_o = 2 / (m(m−1)L²) = 2/200.
    Expected: units l = 4 and l = 3 (N = 2), gaps 2, 4, 3, 4:
      l = 4: (N−1)(2·64 − 3·16 + 4)/3 = 28, + 4²·[(4−4+1) + (4−4+1)] = 32  → 60
      l = 3: (N−1)(2·27 − 3·9 + 3)/3 = 10, + 3²·[(4−3+1) + (3−3+1) + (4−3+1)] = 45 → 55
      D_e = (2/L)·115 / (mL(mL−1) − Σ l(l−1)) = 23 / (380 − 18) = 23/362.
    α_U = 1 − (1/100)/(23/362) = 1 − 362/2300 = 969/1150."""
    alpha = unitized_alpha([[(2, 6)], [(3, 6)]], 10)
    assert alpha == pytest.approx(float(Fraction(969, 1150)))
    assert unitized_alpha([[(2, 6)], [(2, 6)]], 10) == pytest.approx(1.0)
    # one coder's overlapping spans are joined first
    assert unitized_alpha([[(2, 4), (3, 6)], [(3, 6)]], 10) == pytest.approx(alpha)
    # a unit in the other's gap counts l²: disagreement larger than the overlap case
    assert unitized_alpha([[(2, 6)], [(7, 9)]], 10) < 0
    assert unitized_alpha([[], []], 10) is None


def test_merge_spans():
    assert merge_spans([(5, 8), (0, 2), (1, 3), (3, 4), (9, 9)]).tolist() == [[0, 4], [5, 8]]


def test_segment_agreement_minimum_overlap():
    a = [(0, 100), (200, 300)]
    b = [(5, 100), (220, 300), (400, 410)]
    # 95/100 ≥ 90%; 80/100 < 90%; (400, 410) has no partner
    assert segment_matches(a, b, 0.9).tolist() == [True, False]
    assert segment_matches(b, a, 0.9).tolist() == [True, False, False]
    assert segment_agreement([a, b], 0.9) == (2, 5, 0.4)
    assert segment_agreement([a, b], 0.8)[0] == 4
    with pytest.raises(ValueError):
        segment_agreement([a, b], 0)
