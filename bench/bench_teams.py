"""Speed of the team machinery (not part of the test run): python bench/bench_teams.py

Targets, on the 2-core CI-sized machine:
  one coding, permission-checked and audited (mean of 300)       < 0.03 s
  delete a transcript with 2,000 turns and 4,000 codings (trash) < 3 s
  restore it from the trash                                      < 3 s
  audit trail filtered by user over ~10,000 entries              < 1 s
  audit trail text search over ~10,000 entries                   < 2 s
  a login (argon2id verify; argon2-cffi's RFC 9106 profile, slow on purpose) < 1 s
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file
from qualcode.store.audit import list_audit
from qualcode.store.models import Coding
from qualcode.store.permissions import Actor
from qualcode.store.project import Project
from qualcode.store.trash import list_trash, restore
from qualcode.store.users import add_user, authenticate
from qualcode.corpus.transcripts import delete_transcript

import timing  # bench/timing.py

TARGETS = {"coding": 0.03, "delete": 3.0, "restore": 3.0, "audit_user": 1.0,
           "audit_text": 2.0, "login": 1.0}


def report(name: str, took: float) -> None:
    timing.report(name, took, TARGETS[name], digits=2)


def timed(name: str, fn):
    return timing.timed(name, fn, TARGETS[name], digits=2)


def main() -> None:
    rng = random.Random(7)
    words = "ik leer enorm veel bij de cultuur hier is natuurlijk anders".split()
    lines = [f"{'Interviewer' if i % 2 == 0 else 'P1'}: " + " ".join(
        rng.choice(words) for _ in range(25)) for i in range(2000)]
    data = "\n\n".join(lines).encode()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench.sqlite")
        t = ingest_file(project, "big.txt", data=data)
        codes = [create_code(project, f"Code {i}").id for i in range(20)]
        n = len(t.text)
        coder = Actor("cy", "coder", 1)
        start = time.perf_counter()
        with project.acting_as(coder):
            for i in range(300):
                s = rng.randrange(0, n - 200)
                add_coding(project, t.id, codes[i % 20], s, s + 50 + i % 7)
        report("coding", (time.perf_counter() - start) / 300)
        with project.transaction() as session:
            spans = [(s, s + rng.randrange(5, 200))
                     for s in (rng.randrange(0, n - 200) for _ in range(3700))]
            session.add_all(Coding(transcript_id=t.id, code_id=codes[i % 20], start=a, end=b,
                                   coder=f"c{i % 5}") for i, (a, b) in enumerate(spans))
        timed("delete", lambda: delete_transcript(project, t.id))
        [item] = list_trash(project)
        timed("restore", lambda: restore(project, item.id))
        timed("audit_user", lambda: list_audit(project, user="cy", limit=None))
        timed("audit_text", lambda: list_audit(project, text="no such words", limit=None))
        add_user(project, "ann", "a long password", "admin")
        timed("login", lambda: authenticate(project, "ann", "a long password"))
        project.close()


if __name__ == "__main__":
    main()
