"""Saturation speed benchmarks (not part of the test run): python bench/bench_saturation.py

Targets, on the 2-core CI-sized machine:
  order bootstrap: 1,000 orders × 200 interviews × 500 concepts          < 1 s
  the library work behind the Saturation page, 200 interviews /
  20,000 codings (roles and coders for the filters, the analysis with a
  1,000-order bootstrap, the order & status table, the curve and
  small-multiple chart specs)                                           < 1 s
  looking ahead (issue 19), 200 interviews × 150 concepts: the exact
  expected curve, estimators, coverage, extrapolation with a 200-sample
  bootstrap and interviews still needed, for all interviews, each of 5
  tensions and 2 roles                                                  < 1 s
  the Saturation page from the cache (report, order table, roles, the
  chart specs and tables it draws)                                      < 0.5 s

The generated concepts follow a Zipf-like law plus a tail of rare ones found in one or two
interviews only (singletons and doubletons), so that Q̂0 > 0 and the extrapolation, its
bootstrap community (unseen concepts included) and the interviews still needed are timed on
the paths real codings take.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from qualcode.analysis.bootstrap import order_bootstrap
from qualcode.analysis.saturation_report import order_table, saturation_report
from qualcode.coding.status import CODED, mark_all
from qualcode.coding.codes import create_code
from qualcode.store.models import Coding, Transcript
from qualcode.store.project import Project

TARGETS = {"bootstrap": 1.0, "saturation page": 1.0, "looking ahead": 1.0,
           "page from cache": 0.5}


def timed(name: str, fn, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    verdict = "ok" if best <= TARGETS[name] else "SLOW"
    print(f"{name:<16} {best:7.3f} s   target {TARGETS[name]:.1f} s   {verdict}")
    return result


def rare_places(rng: np.random.Generator, interviews: int, rare: int) -> list[list[int]]:
    """The interviews of each of ``rare`` concepts: about 60% in one interview, the others in
    two (singletons and doubletons, so that Q̂0 > 0 and the extrapolation has somewhere to go)."""
    return [list(rng.choice(interviews, size=1 if k < 0.6 * rare else 2, replace=False))
            for k in range(rare)]


def concept_sets(rng: np.random.Generator, interviews: int, concepts: int,
                 per_interview: int, rare: int = 0) -> list[set[str]]:
    """Zipf-like: a few concepts come up everywhere, many rarely (as in real codings); the last
    ``rare`` of the ``concepts`` come up in one or two interviews only."""
    common = concepts - rare
    weights = 1.0 / np.arange(1, common + 1)
    weights /= weights.sum()
    sets = [{f"c{k}" for k in rng.choice(common, size=per_interview, p=weights)}
            for _ in range(interviews)]
    for k, where in enumerate(rare_places(rng, interviews, rare), common):
        for i in where:
            sets[i].add(f"c{k}")
    return sets


def incidence_summary(sets: list[set[str]]) -> str:
    from qualcode.analysis.estimators import frequencies

    f = frequencies(sets)
    return f"T {f.interviews}, S_obs {f.observed}, Q1 {f.q(1)}, Q2 {f.q(2)}"


def page_work(project: Project):
    from qualcode.analysis.saturation_report import coder_names
    from qualcode.coding.quotes import role_of
    from qualcode.corpus.transcripts import list_transcripts
    from qualcode.ui.page_saturation import category_chart, curve_chart, new_chart

    {role_of(t) for t in list_transcripts(project)}
    coder_names(project)
    report = saturation_report(project, bootstrap=1000, seed=1)
    order_table(project)
    curve_chart(report)  # (data, Vega-Lite spec)
    category_chart(report)
    return report


def cached_page_work(project: Project) -> None:
    """What the page does on a rerun with nothing changed: every analysis from the cache."""
    from qualcode.analysis.saturation_report import (cached_order_table, cached_roles,
                                                     cached_saturation_report,
                                                     saturation_version)
    from qualcode.ui.page_saturation import (category_chart, curve_chart, look_ahead_table,
                                             new_chart)

    version = saturation_version(project)
    cached_roles(project, version=version)
    report = cached_saturation_report(project, version=version, bootstrap=1000, seed=1,
                                      roles=None)
    cached_order_table(project, None, version=version)
    new_chart(report)
    curve_chart(report)
    category_chart(report)
    look_ahead_table(report)
    report.outlook.sentences()


def main() -> None:
    from qualcode.analysis.saturation_report import analyse

    rng = np.random.default_rng(7)
    sets = concept_sets(rng, 200, 500, 60, rare=50)
    result = timed("bootstrap", lambda: order_bootstrap(sets, orders=1000, seed=1))
    print(f"  ({incidence_summary(sets)}; {result.summary()})")
    ahead = concept_sets(rng, 200, 150, 40, rare=25)
    sequence = [(f"P{i}", "participant" if i % 4 else "manager",
                 {f"Tension {int(c[1:]) % 5} / {c}" for c in s}, "coded")
                for i, s in enumerate(ahead)]
    tensions = [f"Tension {k}" for k in range(5)]
    report = timed("looking ahead", lambda: analyse(sequence, categories=tensions,
                                                    bootstrap=0, extrapolation_boot=200))
    print(f"  ({incidence_summary(ahead)}; {report.outlook.extrapolation.needed_text()})")
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench.sqlite")
        tops = [create_code(project, f"Tension {i}").id for i in range(5)]
        codes = [create_code(project, f"Concept {k}", tops[k % 5]).id for k in range(495)]
        codes += tops
        text = "R: " + "woorden " * 400
        with project.transaction() as s:
            s.add_all(Transcript(name=f"P{i}", text=text, content_hash=f"h{i}",
                                 source_format="txt", attributes={"role": "participant"})
                      for i in range(1, 201))
        with project.reading() as s:
            ids = [t.id for t in s.query(Transcript)]
        # Zipf over the codes but the last 40 concepts, which are each coded in one or two
        # interviews (an interview's first codings change code: 100 codings each all the same)
        rare = list(range(495 - 40, 495))
        common = [i for i in range(len(codes)) if i not in rare]
        weights = 1.0 / np.arange(1, len(common) + 1)
        weights /= weights.sum()
        drawn = np.asarray(common)[rng.choice(len(common), size=(len(ids), 100), p=weights)]
        placed = [0] * len(ids)
        for k, where in zip(rare, rare_places(rng, len(ids), len(rare))):
            for i in where:
                drawn[i, placed[i]] = k
                placed[i] += 1
        with project.transaction() as s:
            s.add_all(Coding(transcript_id=tid, code_id=codes[int(k)], start=j * 10,
                             end=j * 10 + 8, coder="b")
                      for tid, row in zip(ids, drawn)
                      for j, k in enumerate(row))
        mark_all(project, CODED)
        with project.reading() as s:
            assert s.query(Coding).count() == 20_000
        report = timed("saturation page", lambda: page_work(project))
        f = report.outlook.estimators.freq
        print(f"  (T {f.interviews}, S_obs {f.observed}, Q1 {f.q(1)}, Q2 {f.q(2)}; "
              f"{report.outlook.extrapolation.needed_text()})")
        cached_page_work(project)  # fill the cache
        timed("page from cache", lambda: cached_page_work(project))
        project.close()


if __name__ == "__main__":
    main()
