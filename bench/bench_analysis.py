"""Speed of the analyses (not part of the test run): python bench/bench_analysis.py [sqlite|URL]

A project of 200 interviews × 30,000 characters (Dutch-like words, alternating speaker turns in
blank-line separated paragraphs), 150 codes and 20,000 codings. Targets, on the 2-core machine:

  search (phrase, whole word, regex, stem), warm cache          < 300 ms each
    (every hit found, with its turn; the first page of 1,000 made into hits with keyword in
    context, speaker and location, as the Search page shows them; making every one of the
    126,000 hits of "de", as `qualcode search --json` prints them, is timed apart)
  co-occurrence (overlap, turn, paragraph) over 20,000 codings   < 1 s
  framework matrix (by role, by case) over 20,000 codings        < 1 s

The first search loads the texts into the per-project cache and the first stemmed search builds
the token index; both cold figures are printed too (no target: they happen once per process and
project version). Sentence units need spaCy's sentencizer over all 6 M characters once (cached
per transcript); that one-time figure is printed as well.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from qualcode.analysis.cooccurrence import cooccurrence
from qualcode.analysis.corpus import _CACHE
from qualcode.analysis.matrix import framework_matrix
from qualcode.analysis.search import search
from qualcode.coding.codes import create_code
from qualcode.store.models import Base, Coding, Transcript, Turn
from qualcode.store.project import Project

N_INTERVIEWS, CHARS, N_CODES, N_CODINGS = 200, 30_000, 150, 20_000
# A Zipf-like vocabulary (word k drawn with weight 1/k): frequent function words first, then
# content words, then 3,000 made-up words, as in real talk; "werk" is about 1 in 300 words.
WORDS = ("de het en ik een is dat van je in niet we ook wel maar die er op te met dan voor "
         "was zijn heb als nu bij nog wat dus heel meer naar toen mijn leer enorm veel "
         "cultuur hier natuurlijk anders werken werkte werk organisatie leidinggevende loon "
         "zekerheid collega's nieuw jeugdwerk bank vroeger ervaring tijd team project energie "
         "motivatie 😀 𝒜 stap").split()
_SYLLABLES = "ba be bo ka ke ko la le lo ma me mo na ne no ra re ro sa se so ta te to va ve".split()


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    made = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randrange(2, 5)))
            for _ in range(3000)}
    words = WORDS + sorted(made - set(WORDS))
    return words, [1 / (k + 1) for k in range(len(words))]


def timed(label: str, fn, target: float | None, runs: int = 5):
    """Print the median of ``runs`` runs (the machine is shared: one run can catch a
    neighbour's burst); a one-time step (no target) runs once."""
    took = []
    for _ in range(runs if target is not None else 1):
        start = time.perf_counter()
        result = fn()
        took.append(time.perf_counter() - start)
    median = statistics.median(took)
    if target is None:
        print(f"{label:<44} {median * 1000:8.0f} ms   (once; no target)")
    else:
        verdict = "ok" if median <= target else "SLOW"
        print(f"{label:<44} {median * 1000:8.0f} ms   target {target * 1000:.0f} ms   {verdict}"
              f"   (median of {runs}, max {max(took) * 1000:.0f} ms)")
    return result


def make_text(rng: random.Random, i: int, vocab) -> tuple[str, list[tuple[int, str, int, int]]]:
    parts, turns, pos, k = [], [], 0, 0
    while pos < CHARS:
        speaker = "Interviewer" if k % 2 == 0 else f"P{i}"
        label = f"{speaker}: "
        words = []
        drawn = rng.choices(vocab[0], vocab[1], k=rng.randrange(20, 120))
        for n, w in enumerate(drawn):
            words.append(w + ("." if n % 12 == 11 else ""))
        body = " ".join(words) + "."
        start = pos + len(label)
        turns.append((k, speaker, start, start + len(body)))
        chunk = label + body + "\n\n"
        parts.append(chunk)
        pos += len(chunk)
        k += 1
    return "".join(parts), turns


def build(project: Project, rng: random.Random) -> None:
    roles = ["participant", "former manager", "current manager"]
    transcripts, turn_rows, lengths = [], [], {}
    vocab = vocabulary(rng)
    for i in range(1, N_INTERVIEWS + 1):
        text, turns = make_text(rng, i, vocab)
        transcripts.append({"id": i, "name": f"Interview {i:03d}", "text": text,
                            "content_hash": f"{i:064d}", "source_format": "txt",
                            "language": "nl", "interview_order": i,
                            "attributes": {"role": roles[i % 3], "participant": f"P{i}"}})
        turn_rows += [{"transcript_id": i, "index": k, "speaker": sp, "start": s, "end": e}
                      for k, sp, s, e in turns]
        lengths[i] = len(text)
    with project.transaction() as s:
        s.execute(insert(Transcript), transcripts)
        s.execute(insert(Turn), turn_rows)
    tops = [create_code(project, f"Theme {t}") for t in range(10)]
    codes = [c.id for c in tops]
    for k in range(N_CODES - len(tops)):
        codes.append(create_code(project, f"Code {k}", parent_id=tops[k % 10].id).id)
    rows = []
    for n in range(N_CODINGS):
        tid = rng.randrange(1, N_INTERVIEWS + 1)
        start = rng.randrange(0, lengths[tid] - 400)
        rows.append({"transcript_id": tid, "code_id": rng.choice(codes), "start": start,
                     "end": start + rng.randrange(20, 400), "coder": f"c{n}"})
    with project.transaction() as s:
        s.execute(insert(Coding), rows)


PAGE = 1000  # hits listed on the Search page (qualcode/ui/page_search.py SHOWN)


def _page(hits):
    """A search as the Search page does it: all hits found (spans, turns), the first page made
    into Hit objects with their keyword in context, speaker and location."""
    for hit in hits[:PAGE]:
        hit.as_json()
    return hits


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        if target == "sqlite":
            project = Project(Path(tmp) / "bench.sqlite")
        else:
            project = Project(target)
            Base.metadata.drop_all(project.engine)
            Base.metadata.create_all(project.engine)
            project = Project(target)
        print(f"building {N_INTERVIEWS} interviews × {CHARS:,} characters, {N_CODES} codes, "
              f"{N_CODINGS:,} codings on {project.engine.dialect.name} …")
        build(project, random.Random(7))
        _CACHE.clear()
        timed("search phrase, cold (loads the texts)", lambda: search(project, "leer enorm"),
              None)
        for label, pattern, mode in (("search phrase 'leer enorm'", "leer enorm", "phrase"),
                                     ("search whole word 'werk'", "werk", "word"),
                                     ("search regex 'werk\\w*'", r"werk\w*", "regex"),
                                     ("search regex 'collega.{0,40}loon'", r"collega.{0,40}loon",
                                      "regex"),
                                     ("search phrase, rare 'zekerheid collega'",
                                      "zekerheid collega", "phrase"),
                                     ("search whole word 'de' (most frequent word)", "de",
                                      "word")):
            hits = timed(label, lambda: _page(search(project, pattern, mode)), 0.3)
            print(f"{'':<44} ({len(hits):,} hits)")
        # Every hit as a Hit with its KWIC, speaker and location, as `qualcode search --json`
        # prints them (no target: the output of 126,000 JSON objects is the cost there).
        timed("  every 'de' hit made (CLI --json rows)",
              lambda: [h.as_json() for h in search(project, "de", "word")], None)
        timed("search stem, cold (builds the token index)", lambda: search(project, "werken",
                                                                           "stem"), None)
        for pattern in ("werken", "nieuwe organisatie"):
            hits = timed(f"search stem '{pattern}'",
                         lambda: _page(search(project, pattern, "stem")), 0.3)
            print(f"{'':<44} ({len(hits):,} hits)")
        timed("search phrase, role=participant only",
              lambda: _page(search(project, "leer enorm", where={"role": {"participant"}})), 0.3)
        for unit in ("overlap", "turn", "paragraph"):
            result = timed(f"co-occurrence {unit}", lambda: cooccurrence(project, unit), 1.0)
        print(f"{'':<44} ({len(result.rows()):,} code pairs)")
        timed("co-occurrence turn, top-level codes", lambda: cooccurrence(project, "turn",
                                                                          level=0), 1.0)
        m = timed("matrix by role", lambda: framework_matrix(project, "role"), 1.0)
        print(f"{'':<44} ({len(m.rows()):,} cells)")
        timed("matrix by case (200 columns)", lambda: framework_matrix(project, "case"), 1.0)
        timed("sentence units, cold (spaCy, once)", lambda: cooccurrence(project, "sentence"),
              None)
        timed("co-occurrence sentence, warm", lambda: cooccurrence(project, "sentence"), 1.0)
        if target != "sqlite":
            Base.metadata.drop_all(project.engine)
        project.close()


if __name__ == "__main__":
    main()
