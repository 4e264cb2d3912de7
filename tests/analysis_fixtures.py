"""A small real project for the analysis tests: three interview files (Dutch and English, with
attributes in front matter, emoji and mathematical letters before the hits), a codebook and
codings."""

from __future__ import annotations

from pathlib import Path

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file

P1 = """---
name: Interview A
participant: P1
role: participant
interview_order: 1
language: nl
---
Interviewer: Hoe 😀 was de overstap?

P1: Ik werk nu in het jeugdwerk. Ik leer elke week 𝒜 iets bij. Het werken is anders.
Werkte je vroeger ook zo? Nee, ik werkte in een bank.

Het loon blijft hetzelfde. Dat is belangrijk.

Interviewer: En je leidinggevende?

P1: Mijn leidinggevende steunt mij. Ik leer veel van haar.
"""

P2 = """---
name: Interview B
participant: P2
role: participant
interview_order: 2
language: nl
---
Interviewer: Wat betekent het werk voor jou?

P2: Het werk geeft energie. Ik leerde nieuwe dingen, en het loon bleef gelijk.
"""

M1 = """---
name: Interview C
participant: M1
role: manager
interview_order: 3
language: en
---
Interviewer: How did the secondment work?

M1: The workers learned quickly. Learning is what they wanted. The pay stayed with the bank.

Interviewer: Anything else?

M1: They were working hard, and learning from the team.
"""


def make_project(project, tmp_path: Path) -> dict:
    ids = {}
    for fname, text in (("a.txt", P1), ("b.txt", P2), ("c.txt", M1)):
        path = tmp_path / fname
        path.write_text(text, encoding="utf-8")
        t = ingest_file(project, path)
        ids[t.name] = t
    learn = create_code(project, "Learning")
    anew = create_code(project, "Anew", parent_id=learn.id)
    pay = create_code(project, "Pay")
    manager = create_code(project, "Manager")
    codes = {"Learning": learn, "Learning / Anew": anew, "Pay": pay, "Manager": manager}
    return {"transcripts": ids, "codes": codes}


def span_of(transcript, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = transcript.text.index(needle, start + 1)
    return start, start + len(needle)


def code_text(project, transcript, code, needle: str, nth: int = 0, coder: str = ""):
    s, e = span_of(transcript, needle, nth)
    return add_coding(project, transcript.id, code.id, s, e, coder=coder)
