"""Gwet's AC1 against published values."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.analysis.reliability import cohen_kappa, gwet_ac1

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: 12 units, 4 raters, 5 categories,
# missing ratings (the dataset cac.raw4raters of the irrCAC package); AC1 = 0.7754
# (pa = 0.8182, pe = 0.1903), as gwet.ac1.raw reports it.
N = None
RAW_4RATERS = [[1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
               [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5],
               [N, N, 1, 1], [N, N, 3, N]]


def test_ac1_matches_gwet_2014_four_raters_with_missing_values():
    assert gwet_ac1(RAW_4RATERS) == pytest.approx(0.7754, abs=5e-5)


def test_ac1_two_raters_2x2_by_formula_and_the_kappa_paradox():
    # two coders, 100 units: 90 both "no", 4 both "yes", 3 + 3 disagreements: a rare code
    rows = [[0, 0]] * 90 + [[1, 1]] * 4 + [[1, 0]] * 3 + [[0, 1]] * 3
    pa = 0.94
    pi_yes = (7 + 7) / 200
    pe = 2 * pi_yes * (1 - pi_yes)  # Σ π_k(1 − π_k) / (q − 1), q = 2
    assert gwet_ac1(rows) == pytest.approx((pa - pe) / (1 - pe))
    # high agreement, much lower κ (Gwet 2008; Wongpakaran et al. 2013)
    assert gwet_ac1(rows) > 0.9 and cohen_kappa(rows) < 0.6


def test_ac1_weights_count_as_repeated_rows_and_undefined_cases():
    rows = np.array([[0, 0], [1, 1], [1, 0]])
    weighted = gwet_ac1(rows, [5, 2, 1])
    expanded = gwet_ac1([[0, 0]] * 5 + [[1, 1]] * 2 + [[1, 0]])
    assert weighted == pytest.approx(expanded)
    assert gwet_ac1([[0, 0], [0, 0]]) is None  # one category: undefined
    assert gwet_ac1([[0, 0], [0, 0]], n_categories=2) == pytest.approx(1.0)
    assert gwet_ac1([[0, N], [1, N]]) is None  # no unit with two ratings
