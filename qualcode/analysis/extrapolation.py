"""What more interviews would bring: iNEXT's incidence-based rarefaction/extrapolation for
q = 0 (concept richness), its bootstrap band, sample coverage at each size and the interviews
still needed.

Formulas as in Chao et al. (2014, Ecological Monographs 84: 45–67) and the iNEXT R package
(Hsieh, Ma & Chao 2016), functions ``TD.m.est_inc``, ``Chat.Sam``, ``EstiBootComm.Sam`` and
``iNEXT.Sam``; T interviews, S_obs concepts, Y_i, U, Q1, Q2, Q̂0 and A as in ``estimators.py``:

* interpolation, t < T:  S(t) = Σ_i [1 − C(T−Y_i, t)/C(T, t)]   (the exact expected curve);
* extrapolation, t = T + t*:  S(T + t*) = S_obs + Q̂0 [1 − A^t*]
  (iNEXT writes it obs + (asy − obs)(1 − (1 − β)^t*) with β = (obs − S(T−1))/(asy − S(T−1));
  since S(T−1) = S_obs − Q1/T, 1 − β = A);
* coverage, t < T:  1 − Σ_{T−Y_i ≥ t} (Y_i/U) C(T−Y_i, t)/C(T−1, t);  t = T: 1 − (Q1/U) A;
  t > T: 1 − (Q1/U) A^(t−T+1);
* 95% band: iNEXT's bootstrap. The detection probabilities are estimated (``EstiBootComm.Sam``):
  a = (Q1/T) A, b = Σ (Y_i/T)(1 − Y_i/T)^T, w = a/b (0 when Q̂0 = 0),
  π_i = (Y_i/T)(1 − w (1 − Y_i/T)^T) for the observed concepts and a/⌈Q̂0⌉ for each of ⌈Q̂0⌉
  unseen ones; each bootstrap sample draws Y*_i ~ Binomial(T, π_i) (samples with no incidence
  are dropped, as iNEXT does); the curve is recomputed on each sample and the band is
  S(t) ± z₀.₉₇₅ · SD*(t), the lower end cut at 0. The generator is numpy's, seeded: the band is
  reproducible here, not draw-for-draw R's.
* interviews still needed: the fewest t* ≥ 0 with S(T + t*) ≥ p (S_obs + Q̂0) (p = 90%, 95%),
  and with coverage ≥ 95% (closed forms of the curves above; cf. Chao et al. 2009, Ecology
  90: 1125–33, whose formula is the large-T approximation of the first). None with fewer than
  two interviews or no concept: nothing can be estimated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .accumulation import miss_table
from .estimators import Frequencies, a_factor, q0_hat

Z95 = 1.959963984540054
DEFAULT_BOOT = 200  # iNEXT.Sam's default nboot
TARGETS = (0.90, 0.95)


def interpolated(counts: np.ndarray, total: int, table: np.ndarray | None = None) -> np.ndarray:
    """S(t) for t = 1..total (the last equals S_obs)."""
    table = miss_table(total) if table is None else table
    counts = np.asarray(counts, dtype=np.intp)
    return len(counts) - table[total - counts, 1:].sum(axis=0)


def extrapolated(observed: int, total: int, q1: int, q2: int, extra: np.ndarray) -> np.ndarray:
    """S(T + t*) for the given t* ≥ 0."""
    q0 = q0_hat(total, q1, q2)
    if q0 == 0:
        return np.full(len(extra), float(observed))
    return observed + q0 * (1.0 - a_factor(total, q1, q2) ** np.asarray(extra, dtype=float))


def coverage_curve(freq: Frequencies, sizes) -> np.ndarray:
    """iNEXT's ``Chat.Sam``: estimated sample coverage after t interviews, for each t."""
    from scipy.special import gammaln

    total, u = freq.interviews, freq.incidences
    sizes = np.asarray(list(sizes), dtype=float)
    out = np.zeros(len(sizes))
    if u == 0:
        return out
    y = np.asarray(freq.counts, dtype=float)
    q1, q2 = freq.q(1), freq.q(2)
    a = a_factor(total, q1, q2)
    below = sizes < total
    if below.any():
        t = sizes[below][:, None]
        ok = (total - y)[None, :] >= t
        # C(T−y, t)/C(T−1, t) = (T−y)!/(T−y−t)! · (T−t−1)!/(T−1)!
        with np.errstate(invalid="ignore"):
            logs = (gammaln(total - y + 1)[None, :] - gammaln(np.where(ok, total - y - t + 1, 1))
                    - gammaln(total) + gammaln(total - t))
        out[below] = 1.0 - np.where(ok, y / u * np.exp(logs), 0.0).sum(axis=1)
    out[sizes == total] = 1.0 - q1 / u * a
    above = sizes > total
    out[above] = 1.0 - q1 / u * a ** (sizes[above] - total + 1)
    return out


def detection_probabilities(freq: Frequencies) -> np.ndarray:
    """iNEXT's ``EstiBootComm.Sam``: the bootstrap community (observed, then unseen)."""
    total = freq.interviews
    y = np.asarray(freq.counts, dtype=float)
    q1, q2 = freq.q(1), freq.q(2)
    q0 = q0_hat(total, q1, q2)
    a = q1 / total * a_factor(total, q1, q2)
    b = float(np.sum(y / total * (1 - y / total) ** total))
    w = 0.0 if q0 == 0 else a / b
    observed = y / total * (1 - w * (1 - y / total) ** total)
    hidden = math.ceil(q0)
    return np.concatenate([observed, np.full(hidden, a / hidden if hidden else 0.0)])


def bootstrap_curves(freq: Frequencies, horizon: int, *, boot: int = DEFAULT_BOOT,
                     seed: int = 2020) -> np.ndarray:
    """The estimated curve t = 1..horizon for each bootstrap sample: (samples × horizon),
    samples without any incidence dropped (iNEXT)."""
    total = freq.interviews
    rng = np.random.default_rng(seed)
    probs = detection_probabilities(freq)
    draws = rng.binomial(total, np.broadcast_to(probs, (boot, len(probs))))
    draws = draws[draws.sum(axis=1) > 0]
    n = draws.shape[0]
    out = np.zeros((n, horizon))
    if n == 0:
        return out
    present = draws > 0
    s_obs = present.sum(axis=1)
    q1 = (draws == 1).sum(axis=1)
    q2 = (draws == 2).sum(axis=1)
    inside = min(horizon, total)
    table = miss_table(total)
    # histogram of T − Y* over the present concepts, per sample: (samples × T+1)
    gaps = np.where(present, total - draws, total + 1)
    offsets = (np.arange(n) * (total + 2))[:, None]
    hist = np.bincount((gaps + offsets).ravel(), minlength=n * (total + 2))
    hist = hist.reshape(n, total + 2)[:, :total + 1].astype(float)
    out[:, :inside] = s_obs[:, None] - hist @ table[:, 1:inside + 1]
    if horizon > total:
        extra = np.arange(1, horizon - total + 1, dtype=float)
        t = float(total)
        q0 = np.where(q2 > 0, (t - 1) / t * q1 * q1 / (2 * np.maximum(q2, 1)),
                      (t - 1) / t * q1 * (q1 - 1) / 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(q1 > 0, t * q0 / (t * q0 + q1), 1.0)
        out[:, total:] = s_obs[:, None] + q0[:, None] * (1 - a[:, None] ** extra[None, :])
    return out


@dataclass(frozen=True)
class Extrapolation:
    interviews: int  # T
    sizes: np.ndarray  # t = 1..2T
    expected: np.ndarray  # S(t)
    ci_low: np.ndarray
    ci_high: np.ndarray
    coverage: np.ndarray  # Ĉ(t)
    asymptote: float  # S_obs + Q̂0
    boot: int  # bootstrap samples used
    seed: int
    more: dict  # concepts_90, concepts_95, coverage_95

    def rows(self) -> list[dict]:
        """``extrapolation`` of ``qualcode saturation --json``: t = T+1..2T."""
        t0 = self.interviews
        return [{"interviews": int(self.sizes[i]), "expected": round(float(self.expected[i]), 4),
                 "ci_low": round(float(self.ci_low[i]), 4),
                 "ci_high": round(float(self.ci_high[i]), 4),
                 "coverage": round(float(self.coverage[i]), 4)}
                for i in range(t0, len(self.sizes))]

    def summary(self) -> str:
        """What the extrapolation says, in plain words."""
        t0 = self.interviews
        if t0 < 2 or not len(self.expected):
            return "Extrapolation needs at least two assessed interviews with coded concepts."
        now = float(self.expected[t0 - 1])
        end = len(self.sizes) - 1
        text = (f"With {t0} more interviews ({2 * t0} in all) about "
                f"{self.expected[end] - now:.1f} new concepts are expected (95% band "
                f"{max(self.ci_low[end] - now, 0):.1f}–{self.ci_high[end] - now:.1f}); the curve "
                f"levels off at about {self.asymptote:.1f} concepts.")
        five = t0 + 4  # index of T + 5
        if five < end:
            text = (f"Five more interviews would bring about {self.expected[five] - now:.1f} new "
                    f"concepts. " + text)
        return text

    def needed_text(self) -> str:
        m = self.more
        if m["concepts_95"] is None:
            return "Interviews still needed: not estimable with fewer than two assessed interviews."
        parts = [f"{_n(m['concepts_90'])} for 90% and {_n(m['concepts_95'])} for 95% of the "
                 f"estimated {self.asymptote:.1f} concepts"]
        if m["coverage_95"] is not None:
            parts.append(f"{_n(m['coverage_95'])} for 95% sample coverage")
        text = "More interviews needed: " + "; ".join(parts) + "."
        beyond = [v for v in m.values() if v is not None and v > self.interviews]
        if beyond:
            text += (" Beyond twice the assessed interviews the extrapolation is rough "
                     "(Chao et al. 2014 advise at most doubling).")
        return text


def _n(k: int) -> str:
    return "none more" if k == 0 else f"{k} more"


def interviews_for_share(observed: int, q0: float, a: float, share: float) -> int:
    """The fewest t* ≥ 0 with S_obs + Q̂0 (1 − A^t*) ≥ share · (S_obs + Q̂0)."""
    goal = share * (observed + q0)
    if observed >= goal or q0 == 0 or a <= 0:
        return 0
    k = max(0, math.ceil(math.log((observed + q0 - goal) / q0) / math.log(a)))
    while k > 0 and observed + q0 * (1 - a ** (k - 1)) >= goal:  # rounding of the logs
        k -= 1
    while observed + q0 * (1 - a ** k) < goal:
        k += 1
    return k


def interviews_for_coverage(freq: Frequencies, goal: float = 0.95) -> int:
    """The fewest t* ≥ 0 with Ĉ(T + t*) ≥ goal."""
    total, u, q1, q2 = freq.interviews, freq.incidences, freq.q(1), freq.q(2)
    a = a_factor(total, q1, q2)
    if q1 == 0 or 1 - q1 / u * a >= goal or a <= 0:
        return 0
    # 1 − (Q1/U) A^(t*+1) ≥ goal  ⇔  t* + 1 ≥ log((1−goal) U/Q1) / log A
    k = max(1, math.ceil(math.log((1 - goal) * u / q1) / math.log(a)) - 1)
    while k > 1 and 1 - q1 / u * a ** k >= goal:
        k -= 1
    while 1 - q1 / u * a ** (k + 1) < goal:
        k += 1
    return k


def more_interviews(freq: Frequencies) -> dict:
    """``more_interviews`` of ``qualcode saturation --json``."""
    if freq.interviews < 2 or freq.observed == 0:
        return {"concepts_90": None, "concepts_95": None, "coverage_95": None}
    t, q1, q2 = freq.interviews, freq.q(1), freq.q(2)
    q0, a = q0_hat(t, q1, q2), a_factor(t, q1, q2)
    return {"concepts_90": interviews_for_share(freq.observed, q0, a, 0.90),
            "concepts_95": interviews_for_share(freq.observed, q0, a, 0.95),
            "coverage_95": interviews_for_coverage(freq, 0.95)}


def extrapolate(freq: Frequencies, *, horizon: int | None = None, boot: int = DEFAULT_BOOT,
                seed: int = 2020) -> Extrapolation:
    """The curve t = 1..horizon (default 2T) with its bootstrap band and coverage."""
    total = freq.interviews
    horizon = 2 * total if horizon is None else horizon
    sizes = np.arange(1, horizon + 1)
    q1, q2 = freq.q(1), freq.q(2)
    q0 = q0_hat(total, q1, q2)
    if total == 0:
        empty = np.zeros(0)
        return Extrapolation(0, sizes, empty, empty, empty, empty, 0.0, 0, seed,
                             more_interviews(freq))
    counts = np.asarray(freq.counts, dtype=np.intp)
    inside = interpolated(counts, total)[:min(horizon, total)]
    beyond = extrapolated(freq.observed, total, q1, q2, sizes[total:] - total)
    expected = np.concatenate([inside, beyond])
    sd = np.zeros(horizon)
    used = 0
    if boot > 1 and freq.observed:
        curves = bootstrap_curves(freq, horizon, boot=boot, seed=seed)
        used = curves.shape[0]
        if used > 1:
            sd = curves.std(axis=0, ddof=1)
    low = np.clip(expected - Z95 * sd, 0.0, None)
    return Extrapolation(total, sizes, expected, low, expected + Z95 * sd,
                         coverage_curve(freq, sizes), freq.observed + q0, used, seed,
                         more_interviews(freq))
