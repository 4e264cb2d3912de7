"""Saturation looking ahead, for one set of assessed interviews: the exact expected curve
(``accumulation``), the estimators and sample coverage (``estimators``), and the extrapolation
with its band and the interviews still needed (``extrapolation``), with plain-words sentences.
The ``--json`` fields of ``qualcode saturation`` come from ``as_json``."""

from __future__ import annotations

from dataclasses import dataclass

from .accumulation import Accumulation, expected_accumulation
from .estimators import Estimators, estimate
from .extrapolation import DEFAULT_BOOT, Extrapolation, extrapolate


@dataclass(frozen=True)
class Outlook:
    accumulation: Accumulation
    estimators: Estimators
    extrapolation: Extrapolation

    @property
    def interviews(self) -> int:
        return self.estimators.freq.interviews

    @property
    def coverage(self) -> float | None:
        """Sample coverage of the assessed interviews; None without concepts or with one
        interview (every concept is then a singleton and iNEXT's formula says 1)."""
        freq = self.estimators.freq
        return self.estimators.coverage if freq.incidences and freq.interviews >= 2 else None

    @property
    def more(self) -> dict:
        return self.extrapolation.more

    def as_json(self) -> dict:
        """The look-ahead fields of ``qualcode saturation --json`` (a public contract)."""
        return {"accumulation": self.accumulation.rows(),
                "estimators": self.estimators.as_json(),
                "coverage": None if self.coverage is None else round(self.coverage, 4),
                "extrapolation": self.extrapolation.rows(),
                "more_interviews": dict(self.more)}

    def sentences(self) -> list[str]:
        """The look-ahead in a few plain sentences (page and Word report)."""
        e = self.estimators
        if e.observed == 0:
            return ["No concepts coded in the assessed interviews yet: nothing to look ahead."]
        out = [e.summary(), e.completeness_text(), e.coverage_text()]
        if self.interviews >= 2:
            out += [self.extrapolation.summary(), self.extrapolation.needed_text()]
        else:
            out.append("With one assessed interview nothing can be extrapolated.")
        return [s for s in out if s]


def look_ahead(concept_sets: list[set[str]], *, boot: int = DEFAULT_BOOT,
               seed: int = 2020) -> Outlook:
    """The outlook of the assessed interviews' concept sets (``boot``: iNEXT bootstrap samples
    for the band, seeded). The matrix products here are small (a few hundred rows): one BLAS
    thread does them at once, where several threads waking up on a busy machine took 30 times
    longer (threadpoolctl, already installed with scikit-learn, sets that for this call)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        est = estimate(concept_sets)
        return Outlook(expected_accumulation(concept_sets), est,
                       extrapolate(est.freq, boot=boot, seed=seed))
