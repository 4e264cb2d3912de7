"""Sensitivity grid: how the Guest–Namey–Chen result moves with its parameters.

The 12 combinations base ∈ {4, 5, 6} × run ∈ {2, 3} × threshold ∈ {≤5%, 0%}, on the same
assessed interviews and window step. A result that holds over the grid is robust; one that
appears only at base 4, run 2, ≤5% is a finding about the parameters.
"""

from __future__ import annotations

import numpy as np

from . import rules

BASES = (4, 5, 6)
RUNS = (2, 3)
THRESHOLDS = (0.05, 0.0)


def sensitivity_grid(new_counts: list[int], *, step: str = rules.SLIDE) -> list[dict]:
    """One row per combination: base, run, threshold, label ("X+r" or None)."""
    cum = np.concatenate([[0], np.cumsum(np.asarray(new_counts, dtype=np.int64))])[None, :]
    rows = []
    for base in BASES:
        for run in RUNS:
            for threshold in THRESHOLDS:
                x = int(rules.points(cum, rule=rules.GUEST, base=base, run=run,
                                     threshold=threshold, step=step)[0])
                rows.append({"base": base, "run": run, "threshold": threshold,
                             "label": rules.label(x, run)})
    return rows


def threshold_text(threshold: float) -> str:
    return "0%" if threshold == 0 else f"≤{threshold:.0%}"


def result_text(row: dict, assessed: int) -> str:
    """What a grid row found, in words: "X+r", "not reached", or "not assessable (needs N
    interviews)" when base + run is more than the assessed interviews (nothing was tried)."""
    needed = row["base"] + row["run"]
    if needed > assessed:
        return f"not assessable (needs {needed} interviews)"
    return row["label"] or "not reached"
