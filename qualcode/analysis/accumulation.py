"""The expected concept-accumulation curve over all interview orders, computed exactly.

Interviews are sampling units and concepts are species. For T assessed interviews and a concept
found in Y of them, the chance that t interviews drawn at random (without replacement) miss it is
C(T−Y, t) / C(T, t). The mean number of distinct concepts after t interviews, over all T! orders,
is therefore (Kindt 2003; Ugland, Gray & Ellingsen 2003; Colwell et al. 2004)

    E[S(t)] = Σ_i [1 − C(T−Y_i, t) / C(T, t)]

The standard deviation is vegan's ``specaccum(method = "exact")`` with its default
``conditioned = TRUE`` (Oksanen et al., vegan): with r_i(t) = C(T−Y_i, t)/C(T, t) and
V_i(t) = r_i(1 − r_i),

    SD(t) = sqrt( Σ_i V_i(t) + 2 Σ_{i<j} ρ_ij · sqrt(V_i(t) V_j(t)) )

where ρ_ij is the Pearson correlation of the two concepts' presence over the interviews (0 for a
concept found in every interview, as vegan's ``NA`` → 0). No sampling: the same numbers every
time, and the limit of the order bootstrap's mean curve.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Accumulation:
    expected: np.ndarray  # E[S(t)] for t = 1..T
    sd: np.ndarray  # vegan's conditioned SD for t = 1..T

    @property
    def interviews(self) -> int:
        return len(self.expected)

    def rows(self) -> list[dict]:
        """``accumulation`` of ``qualcode saturation --json``: t = 1..T."""
        return [{"interviews": t, "expected": round(float(e), 4), "sd": round(float(s), 4)}
                for t, (e, s) in enumerate(zip(self.expected, self.sd), 1)]


def incidence_matrix(concept_sets: list[set[str]]) -> np.ndarray:
    """Interviews × concepts, True where the interview holds the concept (concepts in order of
    first appearance; concepts found nowhere do not exist here)."""
    index: dict[str, int] = {}
    rows, cols = [], []
    for i, concepts in enumerate(concept_sets):
        for c in concepts:
            rows.append(i)
            cols.append(index.setdefault(c, len(index)))
    x = np.zeros((len(concept_sets), len(index)), dtype=bool)
    x[rows, cols] = True
    return x


@lru_cache(maxsize=16)
def miss_table(total: int) -> np.ndarray:
    """R[a, t] = C(a, t) / C(total, t) for a, t = 0..total: the chance that t interviews drawn
    from ``total`` all fall among ``a`` given ones. Built as a running product (no factorials:
    exact to rounding for hundreds of interviews); shared and read-only."""
    n = total
    r = np.zeros((n + 1, n + 1))
    r[:, 0] = 1.0
    a = np.arange(n + 1, dtype=float)
    for t in range(1, n + 1):
        r[:, t] = r[:, t - 1] * np.clip(a - (t - 1), 0, None) / (n - (t - 1))
    r.flags.writeable = False
    return r


def miss_chances(frequencies: np.ndarray, total: int, table: np.ndarray | None = None
                 ) -> np.ndarray:
    """r[t-1, i] = C(total − Y_i, t) / C(total, t) for t = 1..total: (total × concepts)."""
    table = miss_table(total) if table is None else table
    return table[total - np.asarray(frequencies, dtype=np.intp), 1:].T


def expected_accumulation(concept_sets: list[set[str]]) -> Accumulation:
    """The exact expected curve and vegan's SD over the assessed interviews."""
    x = incidence_matrix(concept_sets)
    total = x.shape[0]
    if total == 0:
        return Accumulation(np.zeros(0), np.zeros(0))
    r = miss_chances(x.sum(axis=0), total)
    expected = (1.0 - r).sum(axis=1)
    v = r * (1.0 - r)
    s = np.sqrt(v)
    rho = _correlation(x)
    cv = ((s @ rho) * s).sum(axis=1)  # = 2 Σ_{i<j} ρ_ij s_i s_j (zero diagonal)
    sd = np.sqrt(np.clip(v.sum(axis=1) + cv, 0.0, None))
    return Accumulation(expected, sd)


def _correlation(x: np.ndarray) -> np.ndarray:
    """Pearson correlation of the concept columns, 0 on the diagonal and for constant columns
    (R's ``cor`` gives NA there and vegan sets it to 0)."""
    if x.shape[1] == 0:
        return np.zeros((0, 0))
    z = x.astype(float)
    z -= z.mean(axis=0)
    norm = np.sqrt((z * z).sum(axis=0))
    ok = norm > 0
    z[:, ok] /= norm[ok]
    z[:, ~ok] = 0.0
    rho = z.T @ z
    np.fill_diagonal(rho, 0.0)
    return rho
