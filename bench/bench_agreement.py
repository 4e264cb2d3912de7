"""Inter-coder agreement speed (not part of the test run): python bench/bench_agreement.py

200 interviews × 30,000 characters (≈150 speaker turns each), 2 coders, 20,000 codings of
30 codes, on a SQLite file. Target, on the 2-core CI-sized machine:
  agreement over turn units (all measures, per code and overall)   < 2 s
The other units are printed for information (the sentence unit runs spaCy's sentencizer
over all 6 million characters).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from qualcode.analysis.agreement import compute_agreement
from qualcode.coding.codes import create_code
from qualcode.store.models import Coding, Transcript, Turn
from qualcode.store.project import Project

TARGETS = {"turn": 2.0}
INTERVIEWS, CHARS, CODES, CODINGS = 200, 30_000, 30, 20_000


def build(project: Project, rng: random.Random) -> None:
    words = ("ik leer enorm veel bij de cultuur hier is natuurlijk anders en dat vind ik mooi"
             .split())
    code_ids = [create_code(project, f"Code {i}").id for i in range(CODES)]
    turn_rows, all_turns = [], []
    with project.transaction() as s:
        for n in range(INTERVIEWS):
            parts, turns, pos = [], [], 0
            i = 0
            while pos < CHARS:
                label = "Interviewer: " if i % 2 == 0 else "P1: "
                body = " ".join(rng.choice(words) for _ in range(rng.randrange(10, 60))) + "."
                start = pos + len(label)
                turns.append((start, start + len(body)))
                line = label + body + "\n"
                parts.append(line)
                pos += len(line)
                i += 1
            text = "".join(parts)
            t = Transcript(name=f"Interview {n:03d}", text=text, content_hash=f"h{n}",
                           source_format="txt", interview_order=n + 1, attributes={})
            s.add(t)
            s.flush()
            turn_rows += [{"transcript_id": t.id, "index": k, "speaker": None,
                           "start": a, "end": b} for k, (a, b) in enumerate(turns)]
            all_turns.append((t.id, turns))
        s.execute(insert(Turn), turn_rows)
        codings, seen = [], set()
        per_coder = CODINGS // 2
        for k in range(per_coder):  # coder a codes a turn span; b mostly agrees
            tid, turns = all_turns[k % INTERVIEWS]
            a, b = turns[rng.randrange(len(turns))]
            code = code_ids[rng.randrange(CODES)]
            start = a + rng.randrange(0, max(1, (b - a) // 4))
            for coder, (cs, ce, cc) in (("a", (start, b, code)),
                                        ("b", (a, b, code) if rng.random() < 0.8
                                         else (a, b, code_ids[rng.randrange(CODES)]))):
                key = (tid, cc, cs, ce, coder)
                if key in seen or ce <= cs:
                    continue
                seen.add(key)
                codings.append({"transcript_id": tid, "code_id": cc, "start": cs, "end": ce,
                                "coder": coder, "memo": ""})
        s.execute(insert(Coding), codings)
    print(f"built {INTERVIEWS} interviews, {len(turn_rows)} turns, {len(codings)} codings")


def main() -> None:
    units = sys.argv[1:] or ["turn", "paragraph", "character"]
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench.sqlite")
        build(project, rng)
        for unit in units:
            start = time.perf_counter()
            result = compute_agreement(project, ["a", "b"], unit)
            took = time.perf_counter() - start
            target = TARGETS.get(unit)
            verdict = ("" if target is None else
                       f"target {target:.1f} s   {'ok' if took <= target else 'SLOW'}")
            o = result.overall
            kappa, alpha = (("–" if v is None else f"{v:.3f}")
                            for v in (o["cohen_kappa"], o["krippendorff_alpha"]))
            print(f"agreement {unit:<10} {took:7.3f} s   {verdict:<22} units {o['units']:>8}  "
                  f"κ {kappa}  α {alpha}  codes {len(result.per_code)}")
        project.close()


if __name__ == "__main__":
    main()
