"""How many concepts are there in all, and how much of what a new interview brings is known?

Incidence data: T interviews, S_obs concepts, Y_i the number of interviews holding concept i,
U = Σ Y_i the concept incidences, Q_k the number of concepts found in exactly k interviews.

* **First-order jackknife** (Burnham & Overton 1978; incidence form as vegan's ``specpool``):
  jack1 = S_obs + Q1 (T−1)/T, with vegan's variance
  var = (Σ_j u_j² − Q1/T)(T−1)/T, u_j the concepts found only in interview j.
* **Second-order jackknife** (as vegan's ``specpool``):
  jack2 = S_obs + Q1 (2T−3)/T − Q2 (T−2)² / (T(T−1)); S_obs for one interview (vegan 2.6).
* **Chao2, bias-corrected** (``unseen.py``).
* **Q̂0 as iNEXT estimates it** (Chao et al. 2014; iNEXT ``Chat.Sam``, ``DataInfo``):
  Q̂0 = (T−1)/T · Q1²/(2 Q2) if Q2 > 0, else (T−1)/T · Q1(Q1−1)/2.
* **Sample coverage** (Chao & Jost 2012, incidence form, iNEXT's ``DataInfo`` SC):
  Ĉ = 1 − (Q1/U) · A with A = T Q̂0 / (T Q̂0 + Q1) (A = 1 without singletons), that is
  A = (T−1) Q1 / ((T−1) Q1 + 2 Q2) when Q2 > 0 and
  A = (T−1)(Q1−1) / ((T−1)(Q1−1) + 2) when Q2 = 0 (0 for a single singleton: Ĉ = 1):
  the estimated share of the concept incidences of a new interview that belong to concepts
  already found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .unseen import UnseenEstimate, estimate_unseen


@dataclass(frozen=True)
class Frequencies:
    """The incidence summary every estimator here starts from."""
    interviews: int  # T
    counts: tuple[int, ...]  # Y_i per observed concept (> 0)

    @property
    def observed(self) -> int:
        return len(self.counts)

    @property
    def incidences(self) -> int:
        return sum(self.counts)

    def q(self, k: int) -> int:
        return sum(1 for y in self.counts if y == k)


def frequencies(concept_sets: list[set[str]]) -> Frequencies:
    incidence = Counter(c for concepts in concept_sets for c in set(concepts))
    return Frequencies(len(concept_sets), tuple(sorted(incidence.values(), reverse=True)))


def q0_hat(t: int, q1: int, q2: int) -> float:
    """iNEXT's estimate of the concepts not yet seen (Chao2: classic form when Q2 > 0, the
    bias-corrected form when Q2 = 0)."""
    if t == 0:
        return 0.0
    if q2 > 0:
        return (t - 1) / t * q1 * q1 / (2 * q2)
    return (t - 1) / t * q1 * (q1 - 1) / 2


def a_factor(t: int, q1: int, q2: int) -> float:
    """A = T Q̂0 / (T Q̂0 + Q1), 1 without singletons (iNEXT)."""
    if q1 == 0:
        return 1.0
    q0 = q0_hat(t, q1, q2)
    return t * q0 / (t * q0 + q1)


def sample_coverage(t: int, u: int, q1: int, q2: int) -> float:
    """Chao & Jost (2012) incidence-based sample coverage of the t interviews."""
    if u == 0:
        return 0.0
    return 1.0 - q1 / u * a_factor(t, q1, q2)


def jack1(observed: int, t: int, q1: int) -> float:
    return observed + q1 * (t - 1) / t if t else float(observed)


def jack2(observed: int, t: int, q1: int, q2: int) -> float:
    """S_obs for fewer than two interviews, as vegan 2.6's specpool."""
    if t < 2:
        return float(observed)
    return observed + q1 * (2 * t - 3) / t - q2 * (t - 2) ** 2 / (t * (t - 1))


def jack1_variance(concept_sets: list[set[str]], freq: Frequencies) -> float | None:
    """vegan's variance of jack1: (Σ_j u_j² − Q1/T)(T−1)/T over the uniques u_j of each
    interview; 0 without singletons, None without concepts (as vegan 2.6's specpool)."""
    t, q1 = freq.interviews, freq.q(1)
    if freq.observed == 0:
        return None
    if q1 == 0:
        return 0.0
    incidence = Counter(c for concepts in concept_sets for c in set(concepts))
    uniques = [sum(1 for c in set(s) if incidence[c] == 1) for s in concept_sets]
    return (sum(u * u for u in uniques) - q1 / t) * (t - 1) / t


@dataclass(frozen=True)
class Estimators:
    freq: Frequencies
    chao2: UnseenEstimate
    jack1: float
    jack1_se: float | None
    jack2: float
    q0: float  # iNEXT's Q̂0
    coverage: float

    @property
    def observed(self) -> int:
        return self.freq.observed

    @property
    def asymptote(self) -> float:
        """S_obs + Q̂0: where iNEXT's extrapolated curve levels off."""
        return self.observed + self.q0

    def unseen(self) -> dict[str, float]:
        """Still-unseen concepts by each estimator."""
        return {"chao2": self.chao2.chao2 - self.observed, "jack1": self.jack1 - self.observed,
                "jack2": self.jack2 - self.observed}

    def as_json(self) -> dict:
        """``estimators`` of ``qualcode saturation --json``."""
        return {"chao2": round(self.chao2.chao2, 4), "jack1": round(self.jack1, 4),
                "jack2": round(self.jack2, 4)}

    def summary(self) -> str:
        if self.observed == 0:
            return "No concepts coded yet: nothing to estimate."
        unseen = self.unseen()

        def missing(key: str) -> str:
            if unseen[key] < 0:
                return f"below the {self.observed} found, as when doubletons outnumber singletons"
            return f"about {unseen[key]:.1f} unseen"

        text = (f"Estimated concepts in all: Chao2 {self.chao2.chao2:.1f} ({missing('chao2')}), "
                f"first-order jackknife {self.jack1:.1f} ({missing('jack1')}), second-order "
                f"jackknife {self.jack2:.1f} ({missing('jack2')}); {self.observed} found")
        if self.freq.interviews < 2:
            text += " (with one interview the estimators cannot see beyond it)"
        return text + "."

    def coverage_text(self) -> str:
        """What sample coverage means, in plain words."""
        if self.freq.incidences == 0:
            return "No concepts coded yet: sample coverage cannot be estimated."
        if self.freq.interviews < 2:
            return ("Sample coverage needs at least two interviews: with one, every concept "
                    "is a singleton and the estimate says nothing.")
        share = self.coverage
        return (f"Sample coverage {share:.1%}: in a new interview, an estimated {share:.0%} of "
                f"the concepts coded would be ones already found, and about "
                f"{1 - share:.0%} would be new (Chao & Jost 2012).")

    def completeness_text(self) -> str:
        """Completeness is S_obs over the estimated total: not the same as coverage."""
        if self.observed == 0:
            return ""
        return (f"Completeness {self.chao2.coverage:.0%}: the share of the concepts Chao2 "
                f"estimates there are that have been found ({self.observed} of "
                f"{self.chao2.chao2:.1f}).")


def estimate(concept_sets: list[set[str]]) -> Estimators:
    """All the estimators for the assessed interviews' concept sets."""
    freq = frequencies(concept_sets)
    t, q1, q2 = freq.interviews, freq.q(1), freq.q(2)
    var1 = jack1_variance(concept_sets, freq)
    return Estimators(freq=freq, chao2=estimate_unseen(concept_sets),
                      jack1=jack1(freq.observed, t, q1),
                      jack1_se=None if var1 is None else max(var1, 0.0) ** 0.5,
                      jack2=jack2(freq.observed, t, q1, q2),
                      q0=q0_hat(t, q1, q2),
                      coverage=sample_coverage(t, freq.incidences, q1, q2))
