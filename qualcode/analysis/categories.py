"""Saturation per category: the same rule run separately on the concepts of each top-level code
(each tension), over the same interviews, order and coding status."""

from __future__ import annotations

from dataclasses import dataclass

from .outlook import Outlook
from .saturation import SEP, SaturationResult, compute_saturation


@dataclass
class CategoryResult:
    category: str
    result: SaturationResult
    outlook: Outlook | None = None  # set by saturation_report.analyse

    @property
    def observed(self) -> int:
        assessed = self.result.steps[:self.result.assessed]
        return assessed[-1].cumulative if assessed else 0

    def as_dict(self) -> dict:
        out = {"category": self.category, "label": self.result.label,
               "point": self.result.point, "observed": self.observed}
        if self.outlook is not None:  # the look-ahead fields, curves included, as at the top
            out |= self.outlook.as_json()
        return out


def category_of(concept: str) -> str:
    return concept.split(SEP, 1)[0]


def per_category(sequence: list[tuple], categories: list[str] | None = None,
                 **options) -> list[CategoryResult]:
    """``sequence`` as for compute_saturation (with statuses); ``categories``: the top-level
    codes in codebook order (default: those found in the sequence, sorted). ``options`` are
    passed to compute_saturation (base, run, threshold, rule, step, include_in_progress)."""
    found = sorted({category_of(c) for item in sequence for c in item[2]})
    names = list(categories) if categories is not None else found
    out = []
    for name in names:
        sub = [(item[0], item[1], {c for c in item[2] if category_of(c) == name}, *item[3:])
               for item in sequence]
        out.append(CategoryResult(name, compute_saturation(sub, **options)))
    return out
