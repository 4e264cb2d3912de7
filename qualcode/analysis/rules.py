"""Stopping rules for saturation, on cumulative concept counts, for one order or many at once.

Both rules take ``cum``, an (orders × m+1) integer array: ``cum[:, k]`` is the number of distinct
concepts found in the first k interviews of each order (``cum[:, 0] == 0``). They return, per
order, the saturation point X (the number of interviews analysed before the confirming run), or
0 when the rule is not met. One row is one interview order; the order bootstrap passes 1,000.

* **Guest, Namey & Chen (2020)** (PLoS ONE 15(5): e0232076): the distinct concepts of the first
  ``base`` interviews are the denominator; a run of ``run`` interviews after X adds new concepts
  amounting to at most ``threshold`` of that base (≤5% or 0%). The window starts right after the
  base and moves one interview at a time (``step="slide"``, as in their paper) or by whole runs
  (``step="run"``: base, base+r, base+2r, …).
* **Francis et al. (2010)** (Psychology & Health 25(10): 1229–45): after an initial analysis
  sample of ``base`` interviews (10), saturation is declared when ``run`` (3) consecutive further
  interviews bring no new concept; X is the last interview before that run.

Thresholds are compared exactly: ``new / base_count <= threshold`` as integers over the exact
decimal fraction (0.05 is 1/20), so 1 new concept on a base of 20 is ≤5%, with no float epsilon.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..errors import ValidationError

GUEST, FRANCIS = "guest", "francis"
RULES = (GUEST, FRANCIS)
SLIDE, RUN = "slide", "run"
STEPS = (SLIDE, RUN)
DEFAULTS = {GUEST: (4, 2), FRANCIS: (10, 3)}
RULE_NAMES = {GUEST: "Guest, Namey & Chen (2020)", FRANCIS: "Francis et al. (2010)"}


def exact_threshold(threshold) -> Fraction:
    """The threshold as an exact fraction (0.05 -> 1/20), from its decimal spelling."""
    if isinstance(threshold, Fraction):
        value = threshold
    else:
        try:
            value = Fraction(str(threshold))
        except (ValueError, TypeError):
            raise ValidationError(f"the new-information threshold must be a number, not "
                                  f"{threshold!r}") from None
    if not 0 <= value < 1:
        raise ValidationError("the new-information threshold must be between 0 and 1 "
                              "(e.g. 0.05 for ≤5%)")
    return value


def check(rule: str, base: int, run: int, step: str = SLIDE) -> None:
    if rule not in RULES:
        raise ValidationError(f"unknown stopping rule {rule!r}: use guest or francis")
    if step not in STEPS:
        raise ValidationError(f"unknown window step {step!r}: use slide or run")
    if base < 1 or run < 1:
        raise ValidationError("base size and run length must be at least 1")


def candidates(m: int, base: int, run: int, rule: str = GUEST, step: str = SLIDE) -> range:
    """The values of X the rule tries, in order, on m interviews."""
    stride = run if (rule == GUEST and step == RUN) else 1
    return range(base, m - run + 1, stride)


def window_new(cum: np.ndarray, xs: range, run: int) -> np.ndarray:
    """New concepts in the run after each X: (orders × len(xs))."""
    xs_arr = np.fromiter(xs, dtype=np.intp, count=len(xs))
    return cum[:, xs_arr + run] - cum[:, xs_arr]


def passes(cum: np.ndarray, xs: range, *, rule: str, base: int, run: int,
           threshold=0.05) -> np.ndarray:
    """Whether the window after each X meets the rule: boolean (orders × len(xs))."""
    new = window_new(cum, xs, run)
    if rule == FRANCIS:
        xs_arr = np.fromiter(xs, dtype=np.intp, count=len(xs))
        return (new == 0) & (cum[:, xs_arr] > 0)
    frac = exact_threshold(threshold)
    base_count = cum[:, base][:, None].astype(np.int64)
    return (base_count > 0) & (new.astype(np.int64) * frac.denominator
                                <= base_count * frac.numerator)


def points(cum: np.ndarray, *, rule: str = GUEST, base: int = 4, run: int = 2,
           threshold=0.05, step: str = SLIDE) -> np.ndarray:
    """The saturation point X per order (row of ``cum``), 0 where the rule is not met."""
    check(rule, base, run, step)
    cum = np.atleast_2d(cum)
    m = cum.shape[1] - 1
    xs = candidates(m, base, run, rule, step)
    out = np.zeros(cum.shape[0], dtype=np.int64)
    if len(xs) == 0:
        return out
    ok = passes(cum, xs, rule=rule, base=base, run=run, threshold=threshold)
    first = ok.argmax(axis=1)
    reached = ok[np.arange(ok.shape[0]), first]
    out[reached] = np.asarray(list(xs), dtype=np.int64)[first[reached]]
    return out


def point(new_counts, *, rule: str = GUEST, base: int = 4, run: int = 2, threshold=0.05,
          step: str = SLIDE) -> int | None:
    """The point X for one sequence of new-concept counts per interview, or None."""
    cum = np.concatenate([[0], np.cumsum(np.asarray(list(new_counts), dtype=np.int64))])
    x = int(points(cum[None, :], rule=rule, base=base, run=run, threshold=threshold,
                   step=step)[0])
    return x or None


def label(x: int | None, run: int) -> str | None:
    return None if not x else f"{x}+{run}"
