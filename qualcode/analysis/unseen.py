"""How many concepts are still unseen: the bias-corrected Chao2 incidence estimator.

Each concept is a "species", each interview a sampling unit; Q1 and Q2 are the concepts found in
exactly one and exactly two of the m interviews (Chao 1987, Biometrics 43: 783–91; bias-corrected
form and variance as in Colwell's EstimateS and Gotelli & Colwell 2011):

    Chao2 = S_obs + ((m−1)/m) · Q1(Q1−1) / (2(Q2+1))

with the log-normal 95% interval S_obs + f0/C … S_obs + f0·C, f0 = Chao2 − S_obs,
C = exp(1.96 · sqrt(ln(1 + var/f0²))). When f0 is 0 (no or one singleton) the interval is
Chao's interval for that case (as in SpadeR). Completeness is S_obs / Chao2 (the share of the
estimated concepts that have been found; not sample coverage, which is ``estimators.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class UnseenEstimate:
    observed: int  # S_obs
    interviews: int  # m
    q1: int
    q2: int
    chao2: float
    variance: float
    ci_low: float
    ci_high: float

    @property
    def completeness(self) -> float:
        """S_obs / Chao2: the share of the estimated concepts found so far."""
        return self.observed / self.chao2 if self.chao2 else 1.0

    @property
    def coverage(self) -> float:
        """The old name of ``completeness`` (kept for the ``--json`` field ``unseen.coverage``)."""
        return self.completeness

    @property
    def unseen(self) -> float:
        return self.chao2 - self.observed

    def as_dict(self) -> dict:
        return {"observed": self.observed, "chao2": round(self.chao2, 4),
                "ci_low": round(self.ci_low, 4), "ci_high": round(self.ci_high, 4),
                "coverage": round(self.completeness, 4),
                "completeness": round(self.completeness, 4)}

    def summary(self) -> str:
        if self.observed == 0:
            return "No concepts coded yet: nothing to estimate."
        return (f"{self.observed} concepts observed in {self.interviews} interview(s); Chao2 "
                f"estimates {self.chao2:.1f} in all (95% interval {self.ci_low:.1f}–"
                f"{self.ci_high:.1f}): about {self.unseen:.1f} still unseen, completeness "
                f"{self.completeness:.0%} (Q1 = {self.q1} concepts in one interview, Q2 = {self.q2} "
                "in two).")

    def fields(self) -> dict:
        return asdict(self) | {"coverage": self.coverage}


def chao2(observed: int, m: int, q1: int, q2: int, z: float = Z95) -> UnseenEstimate:
    """The bias-corrected Chao2 estimate with its log-normal interval."""
    if observed == 0 or m == 0:
        return UnseenEstimate(observed, m, q1, q2, float(observed), 0.0, float(observed),
                              float(observed))
    a = (m - 1) / m
    f0 = a * q1 * (q1 - 1) / (2 * (q2 + 1))
    estimate = observed + f0
    if f0 > 0:
        var = (a * q1 * (q1 - 1) / (2 * (q2 + 1))
               + a * a * q1 * (2 * q1 - 1) ** 2 / (4 * (q2 + 1) ** 2)
               + a * a * q1 * q1 * q2 * (q1 - 1) ** 2 / (4 * (q2 + 1) ** 4))
        c = math.exp(z * math.sqrt(math.log(1 + var / f0 ** 2)))
        return UnseenEstimate(observed, m, q1, q2, estimate, var, observed + f0 / c,
                              observed + f0 * c)
    return UnseenEstimate(observed, m, q1, q2, estimate, *_interval_without_f0(observed, m,
                                                                               {1: q1, 2: q2}))


def _interval_without_f0(observed: int, m: int, freq: dict[int, int]) -> tuple[float, float, float]:
    """Variance and interval when the estimate equals S_obs (Chao's formula, as in SpadeR)."""
    var = (sum(q * (math.exp(-k) - math.exp(-2 * k)) for k, q in freq.items())
           - sum(k * math.exp(-k) * q for k, q in freq.items()) ** 2 / m)
    var = max(var, 0.0)
    p = sum(q * math.exp(-k) for k, q in freq.items()) / observed
    if p >= 1:
        return var, float(observed), float(observed)
    low = max(observed, observed / (1 - p) - Z95 * math.sqrt(var) / (1 - p))
    high = observed / (1 - p) + Z95 * math.sqrt(var) / (1 - p)
    return var, float(low), float(high)


def estimate_unseen(concept_sets: list[set[str]]) -> UnseenEstimate:
    """Chao2 from the concepts found in each interview."""
    incidence = Counter(c for concepts in concept_sets for c in set(concepts))
    freq = Counter(incidence.values())
    observed, m = len(incidence), len(concept_sets)
    q1, q2 = freq.get(1, 0), freq.get(2, 0)
    result = chao2(observed, m, q1, q2)
    if result.chao2 == observed and observed:
        var, low, high = _interval_without_f0(observed, m, dict(freq))
        result = UnseenEstimate(observed, m, q1, q2, float(observed), var, low, high)
    return result
