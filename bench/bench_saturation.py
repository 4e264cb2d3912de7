"""Saturation speed benchmarks (not part of the test run): python bench/bench_saturation.py

Targets, on the 2-core CI-sized machine:
  order bootstrap: 1,000 orders × 200 interviews × 500 concepts          < 1 s
  the library work behind the Saturation page, 200 interviews /
  20,000 codings (roles and coders for the filters, the analysis with a
  1,000-order bootstrap, the order & status table, the curve and
  small-multiple chart specs)                                           < 1 s
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

TARGETS = {"bootstrap": 1.0, "saturation page": 1.0}


def timed(name: str, fn, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    verdict = "ok" if best <= TARGETS[name] else "SLOW"
    print(f"{name:<16} {best:7.3f} s   target {TARGETS[name]:.1f} s   {verdict}")
    return result


def concept_sets(rng: np.random.Generator, interviews: int, concepts: int,
                 per_interview: int) -> list[set[str]]:
    """Zipf-like: a few concepts come up everywhere, many rarely (as in real codings)."""
    weights = 1.0 / np.arange(1, concepts + 1)
    weights /= weights.sum()
    return [{f"c{k}" for k in rng.choice(concepts, size=per_interview, p=weights)}
            for _ in range(interviews)]


def page_work(project: Project) -> None:
    from qualcode.analysis.saturation_report import coder_names
    from qualcode.coding.quotes import role_of
    from qualcode.corpus.transcripts import list_transcripts
    from qualcode.ui.page_saturation import category_chart, curve_chart

    {role_of(t) for t in list_transcripts(project)}
    coder_names(project)
    report = saturation_report(project, bootstrap=1000, seed=1)
    order_table(project)
    curve_chart(report)  # (data, Vega-Lite spec)
    category_chart(report)


def main() -> None:
    rng = np.random.default_rng(7)
    sets = concept_sets(rng, 200, 500, 60)
    result = timed("bootstrap", lambda: order_bootstrap(sets, orders=1000, seed=1))
    print(f"  ({result.summary()})")
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
        weights = 1.0 / np.arange(1, len(codes) + 1)
        weights /= weights.sum()
        with project.transaction() as s:
            s.add_all(Coding(transcript_id=tid, code_id=codes[int(k)], start=j * 10,
                             end=j * 10 + 8, coder="b")
                      for tid in ids
                      for j, k in enumerate(rng.choice(len(codes), size=100, p=weights)))
        mark_all(project, CODED)
        with project.reading() as s:
            assert s.query(Coding).count() == 20_000
        timed("saturation page", lambda: page_work(project))
        project.close()


if __name__ == "__main__":
    main()
