"""What the coding canvas is sent: chunks, speaker labels, coding changes, usage."""

from __future__ import annotations

from qualcode.coding.view import (chunks, code_usage, compact, diff, page_slice, speaker_labels,
                                  transcript_headers)
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file
from qualcode.corpus.transcripts import get_turns

TEXT = ("Interviewer: Hoe begon het? 😀\n\nP1: " + "Ik leer enorm veel bij. " * 300 + "\n\n"
        "Interviewer: En nu?\n\nP1: Goed.\n")


def test_chunks_cover_the_text_and_start_at_speaker_labels(sqlite_project):
    t = ingest_file(sqlite_project, "a.txt", data=TEXT.encode(), name="A")
    turns = get_turns(sqlite_project, t.id)
    parts = chunks(t.text, turns, size=1000)
    assert "".join(p for _, p in parts) == t.text
    assert all(a == sum(len(p) for _, p in parts[:i]) for i, (a, _) in enumerate(parts))
    assert all(len(p) <= 1000 for _, p in parts)
    starts = {a for a, _ in parts}
    labels = speaker_labels(t.text, turns)
    assert [t.text[a:b] for a, b in labels] == ["Interviewer: ", "P1: ", "Interviewer: ", "P1: "]
    assert {a for a, _ in labels} <= starts  # every label begins a chunk
    assert chunks("", []) == [(0, "")]


def test_diff_and_usage(sqlite_project):
    t = ingest_file(sqlite_project, "a.txt", data=TEXT.encode(), name="A")
    a, b = create_code(sqlite_project, "A"), create_code(sqlite_project, "B")
    c1 = add_coding(sqlite_project, t.id, a.id, 40, 60, coder="an")
    c2 = add_coding(sqlite_project, t.id, b.id, 50, 70, coder="an")
    c3 = add_coding(sqlite_project, t.id, b.id, 80, 90, coder="bo")
    old = compact([c1, c2])
    new = compact([c2, c3])
    assert diff(old, new) == ([[c3.id, 80, 90, b.id]], [c1.id])
    assert diff(new, new) == ([], [])
    top, recent = code_usage(sqlite_project, "an")
    assert top == [b.id, a.id] and recent == [b.id, a.id]
    assert code_usage(sqlite_project, "bo")[1] == [b.id]
    assert [h[1] for h in transcript_headers(sqlite_project)] == ["A"]


def test_page_slice():
    items = list(range(7))
    assert page_slice(items, 1, 3) == ([0, 1, 2], 1, 3)
    assert page_slice(items, 3, 3) == ([6], 3, 3)
    assert page_slice(items, 9, 3) == ([6], 3, 3)
    assert page_slice([], 1, 3) == ([], 1, 1)
