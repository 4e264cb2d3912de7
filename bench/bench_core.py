"""Speed benchmarks (not part of the test run): python bench/bench_core.py

Targets, on the 2-core CI-sized machine:
  ingest a 300k-character transcript with 2,000 turns            < 2 s
  segments for 2,000 codings over that transcript                 < 1 s
  quote rows for 5,000 codings                                    < 2 s
  saturation over 200 interviews × 40 concepts                    < 1 s
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file
from qualcode.store.models import Coding
from qualcode.store.project import Project
from qualcode.coding.quotes import quote_rows
from qualcode.analysis.saturation import compute_saturation
from qualcode.ui.segments import Mark, segments

import timing  # bench/timing.py

TARGETS = {"ingest": 2.0, "segments": 1.0, "quote_rows": 2.0, "saturation": 1.0}


def timed(name: str, fn):
    return timing.timed(name, fn, TARGETS[name], width=12)


def main() -> None:
    rng = random.Random(7)
    words = "ik leer enorm veel bij de cultuur hier is natuurlijk anders 😀 𝒜".split()
    lines = []
    for i in range(2000):
        speaker = "Interviewer" if i % 2 == 0 else "P1"
        lines.append(f"{speaker}: " + " ".join(rng.choice(words) for _ in range(25)))
    data = "\n\n".join(lines).encode()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench.sqlite")
        t = timed("ingest", lambda: ingest_file(project, "big.txt", data=data))
        code_ids = [create_code(project, f"Code {i}").id for i in range(20)]
        n = len(t.text)
        spans = []
        for _ in range(2000):
            s = rng.randrange(0, n - 200)
            spans.append((s, s + rng.randrange(5, 200)))
        marks = [Mark(s, e, f"Code {i % 20}", "#ffd54f") for i, (s, e) in enumerate(spans)]
        segs = timed("segments", lambda: segments(t.text, marks, (10, 20)))
        assert "".join(x["t"] for x in segs) == t.text
        with project.transaction() as session:
            session.add_all(Coding(transcript_id=t.id, code_id=code_ids[i % 20], start=s, end=e,
                                   coder=f"c{i}") for i, (s, e) in enumerate(spans * 2))
        add_coding(project, t.id, code_ids[0], 0, 5, coder="x")
        rows = timed("quote_rows", lambda: quote_rows(project))
        assert len(rows) == 4001
        project.close()
    sequence = [(f"I{i}", "participant", {f"c{rng.randrange(60)}" for _ in range(40)})
                for i in range(200)]
    timed("saturation", lambda: compute_saturation(sequence, base=4, run=2))


if __name__ == "__main__":
    main()
