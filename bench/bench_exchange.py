"""Exchange benchmarks (not part of the test run): python bench/bench_exchange.py

Targets, on the 2-core CI-sized machine:
  raw -> canonical offset map of a 1 MB messy text (CRLF, accents, trailing spaces)   < 2 s
  export .qdpx: 50 transcripts × 100k characters, 20,000 codings                       < 10 s
  import that .qdpx into an empty project (one transaction)                            < 20 s
  Taguette: a 1 MB HTML document with 5,000 highlights (byte offsets) mapped           < 3 s
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from qualcode.exchange.positions import canonical_with_map, html_text
from qualcode.exchange.refi_read import import_qdpx
from qualcode.exchange.refi_write import export_qdpx
from qualcode.store.models import Code, Coding, Transcript
from qualcode.store.project import Project

import timing  # bench/timing.py

TARGETS = {"offset map": 2.0, "export qdpx": 10.0, "import qdpx": 20.0, "taguette map": 3.0}


def timed(name: str, fn):
    return timing.timed(name, fn, TARGETS[name], width=14)


def main() -> None:
    rng = random.Random(7)
    words = "ik leer enorm veel bij de cultuur hier is natuurlijk anders 😀 𝒜 e\u0301cht".split()
    raw = "\r\n".join("P1: " + " ".join(rng.choice(words) for _ in range(20)) + "  "
                      for _ in range(9000))
    print(f"offset map over {len(raw):,} characters")
    timed("offset map", lambda: canonical_with_map(raw))

    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench.sqlite")
        with project.transaction() as s:
            codes = [Code(name=f"Code {i}", parent_key=0) for i in range(40)]
            s.add_all(codes)
            s.flush()
            for n in range(50):
                text = "\n".join(f"{'Interviewer' if i % 2 else 'P1'}: "
                                 + " ".join(rng.choice(words) for _ in range(15))
                                 for i in range(1100))[:100_000]
                t = Transcript(name=f"Interview {n}", text=text, content_hash=f"h{n}",
                               source_format="txt", interview_order=n, attributes={"n": n})
                s.add(t)
                s.flush()
                for k in range(400):
                    a = rng.randrange(0, len(text) - 200)
                    while text[a].isspace():
                        a += 1
                    b = a + rng.randrange(5, 150)
                    while text[b - 1].isspace():
                        b -= 1
                    s.add(Coding(transcript_id=t.id, code_id=rng.choice(codes).id, start=a, end=b,
                                 coder=f"c{k % 3}"))
        data = timed("export qdpx", lambda: export_qdpx(project))
        print(f"  .qdpx of {len(data) / 2**20:.1f} MiB")
        other = Project(Path(tmp) / "other.sqlite")
        report = timed("import qdpx", lambda: import_qdpx(other, data, "bench.qdpx"))
        print(f"  {report.summary()}")

    paragraphs = ["<p>" + " ".join(rng.choice(words + ["&amp;", "<b>vet</b>"]) for _ in range(60))
                  + "</p>" for _ in range(2500)]
    html = "\n".join(paragraphs)
    n_bytes = len(html.encode())
    print(f"taguette HTML of {n_bytes / 2**20:.1f} MiB")

    def taguette():
        ht = html_text(html)
        text, mapping, _ = canonical_with_map(ht.text)
        for _ in range(5000):
            a = rng.randrange(0, ht.nbytes - 500)
            s, e = ht.span(a, a + rng.randrange(10, 400))
            _ = text[mapping[s]:mapping[e]]

    timed("taguette map", taguette)


if __name__ == "__main__":
    main()
