from __future__ import annotations

from qualcode.ui.segments import Mark, segments


def test_segments_cover_the_text_and_carry_overlaps():
    text = "Ik 😀 leer enorm veel bij."
    marks = [Mark(0, 10, "A", "#111111"), Mark(5, 15, "B", "#222222")]
    segs = segments(text, marks, selection=(3, 4))
    assert "".join(s["t"] for s in segs) == text
    assert [(s["s"], s["e"]) for s in segs] == [(0, 3), (3, 4), (4, 5), (5, 10), (10, 15), (15, 25)]
    by_start = {s["s"]: s for s in segs}
    assert by_start[3]["t"] == "😀" and by_start[3]["sel"] and by_start[3]["n"] == "A"
    assert by_start[5]["n"] == "A · B" and by_start[5]["c"] == "#111111"  # shorter coding on top
    assert by_start[10]["n"] == "B" and by_start[15]["c"] is None


def test_speaker_labels_are_marked():
    text = "Interviewer: Dag\nP1: Hallo"
    segs = segments(text, [], labels=[(0, 13), (17, 21)])
    assert [(s["t"], s["lab"]) for s in segs] == [("Interviewer: ", True), ("Dag\n", False),
                                                  ("P1: ", True), ("Hallo", False)]
